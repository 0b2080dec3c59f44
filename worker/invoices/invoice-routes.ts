import { Hono, type Context } from "hono";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant } from "../http/context";
import { ApiError, forbidden, notFound } from "../http/errors";
import { pickLanguage } from "../http/language";
import { pageParams } from "../http/pagination";
import { guard, json, query } from "../http/validate";
import { doc } from "../openapi/describe";
import { chargeAnswer, invoiceAnswer, invoiceListAnswer, invoicePreviewAnswer, listAnswer, pageQuery } from "./answers";
import { z } from "zod";
import { assertMember } from "../memberships/service";
import { portalRequest } from "../memberships/http";
import { addOneOffCharge, chargeInput, chargesOf, chargeView, removeCharge } from "./charges";
import { invoiceById, invoiceListQuery, invoicesOf, invoiceViewOf, invoiceViewsOf, listInvoices, totalsView } from "./invoices";
import { decideInvoice, type InvoiceAction } from "./policy";
import { renderInvoicePdf } from "./pdf";
import { previewInvoice } from "./run";

// "Invoices and payments" (branch inv-core): charges, invoices, the next-invoice preview.

const actorOf = (c: Context<AppEnv>) => {
  const user = requireUser(c);
  return { tenantRole: user.tenantRole, userId: user.id };
};

/** Before the body is read: signed in on a community's host and allowed `action` (403 otherwise). */
const can = (action: InvoiceAction) =>
  guard((c) => {
    requireTenant(c);
    const d = decideInvoice(actorOf(c), action);
    if (!d.ok) throw forbidden("forbidden", "Only community owners and admins can do this.");
  });

export const invoiceApi = new Hono<AppEnv>()
  .post("/members/:userId/charges", doc({ summary: "Add a one-off charge to a member's next invoice", answers: { 201: z.strictObject({ charge: chargeAnswer }) }, errors: { 403: ["forbidden"], 404: ["not_found"], 422: ["currency_mismatch"] } }), can("manageCharges"), json(chargeInput), async (c) => {
    const r = await portalRequest(c);
    await assertMember(r.t, c.req.param("userId"));
    return c.json({ charge: chargeView(await addOneOffCharge(r.t, r.billing, c.req.param("userId"), c.req.valid("json"), r.clock.now)) }, 201);
  })
  .get("/members/:userId/charges", doc({ summary: "List a member's charges, invoiced or not", answers: { 200: listAnswer(chargeAnswer) }, errors: { 403: ["forbidden"], 404: ["not_found"] } }), can("manageCharges"), async (c) => {
    const r = await portalRequest(c);
    await assertMember(r.t, c.req.param("userId"));
    return c.json({ items: (await chargesOf(r.t, c.req.param("userId"))).map(chargeView), nextCursor: null });
  })
  .delete("/charges/:id", doc({ summary: "Remove a charge not yet invoiced", answers: { 204: null }, errors: { 403: ["forbidden"], 404: ["not_found"], 409: ["charge_invoiced"] } }), can("manageCharges"), async (c) => {
    const r = await portalRequest(c);
    await removeCharge(r.t, c.req.param("id"));
    return c.body(null, 204);
  })
  .get("/me/invoices", doc({ summary: "List the signed-in member's invoices, newest first", answers: { 200: invoiceListAnswer } }), can("readOwnInvoices"), async (c) => {
    const r = await portalRequest(c);
    return c.json({ items: await invoiceViewsOf(r.t, await invoicesOf(r.t, r.user.id)), nextCursor: null });
  })
  .get("/me/invoices/preview", doc({ summary: "Preview the signed-in member's next invoice as the run would issue it", answers: { 200: invoicePreviewAnswer }, errors: { 404: ["no_upcoming_invoice"] } }), can("readOwnInvoices"), async (c) => {
    const r = await portalRequest(c);
    const preview = await previewInvoice(r.t, r.tenant, r.billing, r.clock.today, r.user);
    if (!preview) throw new ApiError(404, "no_upcoming_invoice", "Nothing is due on a next invoice.");
    return c.json({ date: preview.date, ...totalsView(preview.draft) });
  })
  .get("/invoices", doc({ summary: "List the community's invoices, newest first (admins)", query: pageQuery, answers: { 200: invoiceListAnswer }, errors: { 400: ["invalid_cursor"], 403: ["forbidden"] } }), can("readAllInvoices"), query(invoiceListQuery), async (c) => {
    const r = await portalRequest(c);
    return c.json(await listInvoices(r.t, { ...c.req.valid("query"), ...pageParams(c) }));
  })
  .get("/invoices/:id", doc({ summary: "Read an invoice (the member it bills and admins)", answers: { 200: invoiceAnswer }, errors: { 404: ["not_found"] } }), async (c) => c.json(await invoiceViewOf(tenantDb(c.env, requireTenant(c)), await readable(c))))
  .get("/invoices/:id/pdf", doc({ summary: "Download an invoice as a PDF", answers: { 200: { media: "application/pdf", description: "The invoice as a PDF" } }, errors: { 404: ["not_found"] } }), async (c) => {
    const row = await readable(c);
    const pdf = await renderInvoicePdf(await invoiceViewOf(tenantDb(c.env, requireTenant(c)), row), { lang: await pickLanguage(c) });
    return c.body(pdf as Uint8Array<ArrayBuffer>, 200, { "content-type": "application/pdf", "content-disposition": `inline; filename="${row.number}.pdf"`, "cache-control": "private, no-store" });
  });

/** The invoice of the path, for the member it bills and tenant admins; 404 for anyone else. */
async function readable(c: Context<AppEnv>) {
  const r = await portalRequest(c);
  const row = await invoiceById(r.t, c.req.param("id")!);
  if (!decideInvoice(actorOf(c), "readInvoice", row).ok) throw notFound("No such invoice.");
  return row;
}
