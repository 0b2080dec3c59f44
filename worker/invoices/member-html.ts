import { Hono, type Context } from "hono";
import { t, type Lang } from "../../web/i18n";
import { InvoicePage, type MemberInvoiceView } from "../../web/pages/invoices/member-invoices";
import { requireUser } from "../auth/sessions";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { notFound } from "../http/errors";
import { signedIn } from "../http/forms";
import { pageContext, renderPage } from "../http/render";
import { clockOf } from "../memberships/service";
import { invoiceEpcPayload, qrMatrix, qrSvg } from "./epc";
import { invoiceById, invoiceViewOf } from "./invoices";
import { cardPaymentError } from "../payments/notices";
import { CHECKOUT_DONE } from "../payments/service";
import { formatMoney } from "./money";
import { decideInvoice } from "./policy";
import { stripeConnected } from "./settings";

// /membership/invoices/{id}: one invoice for the member it bills (and the community's owners and
// admins, unless viewing as a member); anyone else, and any other community, gets the 404 page.
// Paying by card posts to …/pay (the Stripe branch's route); Checkout comes back with ?done=.

/** The invoice of the path as its page shows it: the view, its EPC QR code, and whether the community takes cards. */
async function invoicePage(c: Context<AppEnv>): Promise<Response> {
  const tenant = requireTenant(c);
  const user = requireUser(c);
  const tdb = tenantDb(c.env, tenant);
  const id = c.req.param("id") ?? "";
  const [row, cards] = await Promise.all([invoiceById(tdb, id.length <= 64 ? id : ""), stripeConnected(tdb)]);
  if (!decideInvoice({ tenantRole: user.tenantRole, userId: user.id, viewingAsMember: viewingAsMember(c) }, "readInvoice", row).ok) throw notFound("No such invoice.");
  const invoice: MemberInvoiceView = await invoiceViewOf(tdb, row);
  const ctx = pageContext(c);
  return renderPage(
    c,
    t(ctx.lang, "member_invoices.page_title", { number: invoice.number }),
    InvoicePage({ ctx, invoice, today: clockOf(tenant).today, epcSvg: epcSvgOf(invoice, ctx.lang), stripeConnected: cards, ...checkoutReturn(c, ctx.lang) }),
  );
}

/** What Checkout's return (`?done=`) or the pay form's failure (`?error=`) has the page say. */
function checkoutReturn(c: Context<AppEnv>, lang: Lang): { done: "paid" | "canceled" | null; payError: string | null } {
  const done = c.req.query("done");
  return { done: done === CHECKOUT_DONE.paid ? "paid" : done === CHECKOUT_DONE.canceled ? "canceled" : null, payError: cardPaymentError(lang, c.req.query("error")) };
}

/** The EPC QR code of the invoice's balance as an inline SVG: the PDF's payload (`invoiceEpcPayload`). */
export function epcSvgOf(invoice: MemberInvoiceView, lang: Lang): string | null {
  const payload = invoiceEpcPayload(invoice);
  if (!payload) return null;
  return qrSvg(qrMatrix(payload, { ecc: "M", maxVersion: 13 }), { title: t(lang, "member_invoices.qr_title", { amount: formatMoney(invoice.balance, lang), reference: invoice.number }) });
}

export const memberInvoicePages = new Hono<AppEnv>().get("/membership/invoices/:id", async (c) => {
  requireTenant(c);
  return signedIn(c) ?? invoicePage(c);
});
