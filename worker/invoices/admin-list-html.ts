import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { t, type MessageKey } from "../../web/i18n";
import {
  AdminChargesPage,
  AdminInvoicesPage,
  CHARGES_PATH,
  INVOICES_CSV_PATH,
  INVOICES_PATH,
  chargesOfPath,
  type AdminChargesProps,
  type InvoiceListFilters,
} from "../../web/pages/invoices/admin-invoices";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, signedIn, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { MAX_QUERY_CHARS } from "../http/search";
import { portalRequest, type PortalRequest } from "../memberships/http";
import { isDay } from "../memberships/periods";
import { chargeFormInput, chargeFormValues, emptyChargeForm } from "./charge-form";
import { addOneOffCharge, chargedMember, removeCharge, uninvoicedCharges } from "./charges";
import { invoicesCsv, invoiceTotals, listInvoicesWithMembers, type InvoiceFilter } from "./invoices";
import { decideInvoice } from "./policy";

// /admin/invoices: the community's invoices for its owners and admins (filters in the URL,
// the totals of the whole filtered set, a CSV export), and /admin/invoices/charges: the
// one-off charges waiting for a member's next invoice. Viewing as a member: 403.

const PAGE_SIZE = 50;
const NOTICES: Record<string, MessageKey> = { added: "admin.charges.done.added", removed: "admin.charges.done.removed" };
const REFUSALS: Record<string, MessageKey> = { charge_invoiced: "admin.charges.error.invoiced", not_found: "admin.charges.error.gone" };

/** A community owner or admin acting as one, with the community's clock and billing settings (403 otherwise). */
async function adminRequest(c: Context<AppEnv>): Promise<PortalRequest> {
  requireTenant(c);
  const user = requireUser(c);
  if (!decideInvoice({ tenantRole: user.tenantRole, userId: user.id, viewingAsMember: viewingAsMember(c) }, "readAllInvoices").ok) {
    throw forbidden("forbidden", "Only community owners and admins can do this.");
  }
  return portalRequest(c);
}

const statusFilter = z.enum(["open", "paid", "void", "overdue"]);

/** The GET form's filters as typed, the service's filter, and a date that could not be read (ignored, said beside its field). */
function listFilters(c: Context<AppEnv>, today: string): { filters: InvoiceListFilters; filter: InvoiceFilter; errors: Record<string, string> } {
  const lang = pageContext(c).lang;
  const status = statusFilter.safeParse(c.req.query("status"));
  const filters: InvoiceListFilters = {
    status: status.success ? status.data : "",
    q: (c.req.query("q") ?? "").trim().slice(0, MAX_QUERY_CHARS),
    from: (c.req.query("from") ?? "").trim(),
    to: (c.req.query("to") ?? "").trim(),
  };
  const errors: Record<string, string> = {};
  for (const k of ["from", "to"] as const) if (filters[k] && !isDay(filters[k])) errors[k] = t(lang, "field.day");
  const filter: InvoiceFilter = {
    ...(filters.status === "overdue" ? { overdueOn: today } : filters.status ? { status: filters.status } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.from && !errors.from ? { from: filters.from } : {}),
    ...(filters.to && !errors.to ? { to: filters.to } : {}),
  };
  return { filters, filter, errors };
}

async function listPage(c: Context<AppEnv>) {
  const r = await adminRequest(c);
  const { filters, filter, errors } = listFilters(c, r.clock.today);
  const cursor = c.req.query("cursor") || null;
  const [list, totals] = await Promise.all([listInvoicesWithMembers(r.t, { ...filter, limit: PAGE_SIZE, cursor }), invoiceTotals(r.t, filter, r.billing.currency)]);
  const ctx = pageContext(c);
  const page = AdminInvoicesPage({ ctx, viewingAsMember: viewingAsMember(c), filters, errors, ...list, paged: Boolean(cursor), totals, today: r.clock.today });
  return renderPage(c, t(ctx.lang, "admin.nav.invoices"), page, Object.keys(errors).length > 0 ? 422 : 200);
}

async function csvExport(c: Context<AppEnv>) {
  const r = await adminRequest(c);
  const { filter } = listFilters(c, r.clock.today);
  const name = `${r.tenant.subdomain}-invoices${filter.from ? `-${filter.from}` : ""}${filter.to ? `-${filter.to}` : ""}.csv`;
  const headers = { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "private, no-store" };
  return c.body(await invoicesCsv(r.t, filter), 200, headers);
}

const memberParam = (c: Context<AppEnv>) => {
  const id = c.req.query("member") ?? "";
  return id && id.length <= 64 ? id : null;
};

/** The charges page: the add form (the chosen member's email filled in) and the charges waiting for an invoice. */
async function chargesPage(c: Context<AppEnv>, r: PortalRequest, extra: Partial<AdminChargesProps> = {}, status: ContentfulStatusCode = 200, memberId = memberParam(c)) {
  const member = memberId ? await chargedMember(r.t, memberId) : null;
  const cursor = c.req.query("cursor") || null;
  const list = await uninvoicedCharges(r.t, { userId: member?.id, limit: PAGE_SIZE, cursor });
  const ctx = pageContext(c);
  const values = emptyChargeForm(ctx.lang, r.billing, member?.email);
  const page = AdminChargesPage({ ctx, viewingAsMember: viewingAsMember(c), member, ...list, paged: Boolean(cursor), currency: r.billing.currency, values, errors: {}, ...doneNotice(c, NOTICES), ...extra });
  return renderPage(c, t(ctx.lang, "admin.charges.title"), page, status);
}

/** A refused removal in the admin's words, above the list. */
const removalRefused = (c: Context<AppEnv>, f: FormFailure) => {
  const key = REFUSALS[f.err.code];
  return key ? t(pageContext(c).lang, key) : f.formError;
};

export const invoiceAdminPages = new Hono<AppEnv>()
  .get(INVOICES_PATH, (c) => signedIn(c) ?? listPage(c))
  .get(INVOICES_CSV_PATH, (c) => signedIn(c) ?? csvExport(c))
  .get(CHARGES_PATH, async (c) => signedIn(c) ?? chargesPage(c, await adminRequest(c)))
  .post(CHARGES_PATH, async (c) => {
    const r = await adminRequest(c);
    const form = await readForm(c);
    const values = chargeFormValues(form);
    return formAction(c, {
      form,
      run: async () => {
        const { userId, input } = await chargeFormInput(r.t, r.billing, values);
        return addOneOffCharge(r.t, r.billing, userId, input, r.clock.now);
      },
      render: (f) => chargesPage(c, r, { values, errors: f.errors, formError: f.formError }, f.status),
      done: (charge) => withDone(chargesOfPath(charge.userId), "added"),
    });
  })
  .post(`${CHARGES_PATH}/:id/remove`, async (c) => {
    const r = await adminRequest(c);
    const form = await readForm(c);
    const member = form.str("member").slice(0, 64) || null;
    return formAction(c, {
      form,
      run: () => removeCharge(r.t, c.req.param("id")),
      render: (f) => chargesPage(c, r, { formError: removalRefused(c, f) }, f.status, member),
      done: () => withDone(member ? chargesOfPath(member) : CHARGES_PATH, "removed"),
    });
  });
