import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type Lang } from "../../web/i18n";
import { adminInvoicePath, AdminInvoicePage } from "../../web/pages/invoices/admin-invoice";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, refusalAt, signedIn, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { parseWith } from "../http/validate";
import { portalRequest, type PortalRequest } from "../memberships/http";
import { invoiceById, invoiceViewOf } from "./invoices";
import { toDecimalString } from "./money";
import { paymentFormInput, recordPayment, removePayment } from "./payments";
import { decideInvoice } from "./policy";
import type { AdminInvoiceForm } from "./types";
import { voidBody, voidInvoice } from "./void";

// /admin/invoices/{id} (branch inv-pay): one invoice for the community's owners and admins, with
// the forms that record a payment, remove one and void the invoice (on payments.ts and void.ts).
// Registered after /admin/invoices/settings, which keeps its own page.

const NOTICES = { paid: "admin_invoice.done.paid", removed: "admin_invoice.done.removed", voided: "admin_invoice.done.voided" } as const;

/** The owner or admin (not viewing as a member) with the invoice's id, or the redirect to log in; anyone else gets the 403 page. */
async function invoiceAdmin(c: Context<AppEnv>): Promise<{ req: PortalRequest; id: string } | Response> {
  requireTenant(c);
  const id = c.req.param("id") ?? "";
  const out = signedIn(c, adminInvoicePath(id));
  if (out) return out;
  const user = requireUser(c);
  if (!decideInvoice({ tenantRole: user.tenantRole, userId: user.id, viewingAsMember: viewingAsMember(c) }, "managePayments").ok) throw forbidden("forbidden", "Only community owners and admins can do this.");
  const req = await portalRequest(c);
  await invoiceById(req.t, id);
  return { req, id };
}

function formState(a: { req: PortalRequest }, lang: Lang, view: Awaited<ReturnType<typeof invoiceViewOf>>, failed?: { which: "payment" | "void" | "payments"; f: FormFailure }): AdminInvoiceForm {
  const refused = (which: string) => (failed?.which === which ? { errors: failed.f.errors, formError: failed.f.formError } : { errors: {} });
  const typed = failed?.f.values ?? {};
  // The balance as the reader types decimals ("121,00" in French and Dutch).
  const amount = view.balance.amount > 0 ? toDecimalString(view.balance).replace(".", lang === "en" ? "." : ",") : "";
  return {
    payment: { values: failed?.which === "payment" ? { amount: typed.amount ?? "", method: typed.method ?? "", paidOn: typed.paidOn ?? "", note: typed.note ?? "" } : { amount, method: "bank_transfer", paidOn: a.req.clock.today, note: "" }, ...refused("payment") },
    void: { values: failed?.which === "void" ? { reason: typed.reason ?? "", rebill: ["on", "1", "true"].includes(typed.rebill ?? "") } : { reason: "", rebill: false }, ...refused("void") },
    payments: refused("payments"),
  };
}

async function invoicePage(c: Context<AppEnv>, a: { req: PortalRequest; id: string }, failed?: { which: "payment" | "void" | "payments"; f: FormFailure }, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const invoice = await invoiceViewOf(a.req.t, await invoiceById(a.req.t, a.id));
  const page = AdminInvoicePage({ ctx, viewingAsMember: viewingAsMember(c), invoice, today: a.req.clock.today, form: formState(a, ctx.lang, invoice, failed), ...doneNotice(c, NOTICES) });
  return renderPage(c, t(ctx.lang, "admin_invoice.title", { number: invoice.number }), page, status);
}

export const adminInvoicePages = new Hono<AppEnv>()
  .get("/admin/invoices/:id", async (c) => {
    const a = await invoiceAdmin(c);
    return a instanceof Response ? a : invoicePage(c, a);
  })
  .post("/admin/invoices/:id/payments", async (c) => {
    const a = await invoiceAdmin(c);
    if (a instanceof Response) return a;
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: async () => recordPayment(a.req.t, a.id, paymentFormInput(form.values, (await invoiceById(a.req.t, a.id)).currency), { userId: a.req.user.id }, a.req.clock.now),
      render: (f) => invoicePage(c, a, { which: "payment", f: refusalAt(c, f, "amount", ["overpayment", "currency_mismatch"]) }, f.status),
      done: () => withDone(adminInvoicePath(a.id), "paid"),
    });
  })
  .post("/admin/invoices/:id/payments/:paymentId/remove", async (c) => {
    const a = await invoiceAdmin(c);
    if (a instanceof Response) return a;
    return formAction(c, {
      run: () => removePayment(a.req.t, a.id, c.req.param("paymentId")),
      render: (f) => invoicePage(c, a, { which: "payments", f }, f.status),
      done: () => withDone(adminInvoicePath(a.id), "removed"),
    });
  })
  .post("/admin/invoices/:id/void", async (c) => {
    const a = await invoiceAdmin(c);
    if (a instanceof Response) return a;
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => voidInvoice(a.req.t, a.id, parseWith(voidBody, { reason: form.str("reason"), rebill: form.bool("rebill") }), a.req.billing, a.req.clock.today, a.req.clock.now),
      render: (f) => invoicePage(c, a, { which: "void", f }, f.status),
      done: () => withDone(adminInvoicePath(a.id), "voided"),
    });
  });
