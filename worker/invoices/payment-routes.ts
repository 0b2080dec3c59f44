import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { forbidden, notFound } from "../http/errors";
import { pickLanguage } from "../http/language";
import { json, load } from "../http/validate";
import { doc } from "../openapi/describe";
import { invoiceAnswer, paymentRecordedAnswer } from "./answers";
import { z } from "zod";
import { portalRequest, type PortalRequest } from "../memberships/http";
import { invoiceById, invoiceViewOf } from "./invoices";
import { paymentBody, paymentInputOf, recordPayment, removePayment } from "./payments";
import { renderInvoicePdf } from "./pdf";
import { decideInvoice } from "./policy";
import { voidBody, voidInvoice } from "./void";

// Payments, void and credit notes (API.md "Invoices and payments", branch inv-pay).

const actorOf = (c: Context<AppEnv>) => {
  const user = requireUser(c);
  return { tenantRole: user.tenantRole, userId: user.id };
};

/** Before the body: the invoice of the path (404 for anyone but its member and admins, and across communities), then an admin (403). */
const adminInvoice = load(async (c): Promise<PortalRequest> => {
  const r = await portalRequest(c);
  const row = await invoiceById(r.t, c.req.param("id")!);
  if (!decideInvoice(actorOf(c), "readInvoice", row).ok) throw notFound("No such invoice.");
  if (!decideInvoice(actorOf(c), "managePayments").ok) throw forbidden("forbidden", "Only community owners and admins can do this.");
  return r;
});

export const paymentApi = new Hono<AppEnv>()
  .post("/invoices/:id/payments", doc({ summary: "Record a payment on an invoice (partial payments allowed)", answers: { 201: paymentRecordedAnswer }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["invoice_void", "overpayment"], 422: ["currency_mismatch", "validation_failed"] } }), adminInvoice.check(), json(paymentBody), async (c) => {
    const r = adminInvoice.of(c);
    const done = await recordPayment(r.t, c.req.param("id"), paymentInputOf(c.req.valid("json"), r.clock.today), { userId: r.user.id }, r.clock.now);
    return c.json({ payment: done.payment, invoice: await invoiceViewOf(r.t, done.invoice) }, 201);
  })
  .delete("/invoices/:id/payments/:paymentId", doc({ summary: "Remove a payment recorded by mistake (not a card payment)", answers: { 200: z.strictObject({ invoice: invoiceAnswer }) }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["payment_not_removable"] } }), adminInvoice.check(), async (c) => {
    const r = adminInvoice.of(c);
    return c.json({ invoice: await invoiceViewOf(r.t, await removePayment(r.t, c.req.param("id"), c.req.param("paymentId"))) });
  })
  .post("/invoices/:id/void", doc({ summary: "Void an invoice: it keeps its number and gets a credit note", answers: { 200: z.strictObject({ invoice: invoiceAnswer }) }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["invoice_void", "invoice_has_payments"] } }), adminInvoice.check(), json(voidBody), async (c) => {
    const r = adminInvoice.of(c);
    return c.json({ invoice: await invoiceViewOf(r.t, await voidInvoice(r.t, c.req.param("id"), c.req.valid("json"), r.billing, r.clock.today, r.clock.now)) });
  })
  .get("/invoices/:id/credit-note/pdf", doc({ summary: "Download a void invoice's credit note as a PDF", answers: { 200: { media: "application/pdf", description: "The credit note as a PDF" } }, errors: { 404: ["not_found"] } }), async (c) => {
    const r = await portalRequest(c);
    const row = await invoiceById(r.t, c.req.param("id"));
    if (!decideInvoice(actorOf(c), "readInvoice", row).ok || !row.creditNoteNumber) throw notFound("No credit note for this invoice.");
    const pdf = await renderInvoicePdf(await invoiceViewOf(r.t, row), { lang: await pickLanguage(c), document: "credit_note" });
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, { "content-type": "application/pdf", "content-disposition": `inline; filename="${row.creditNoteNumber}.pdf"`, "cache-control": "private, no-store" });
  });
