// The demo community's invoices (issue 15), issued by the real code path once the server answers:
// the development clock (POST /api/v1/dev/scheduled on the demo host) runs the scheduled job on
// each of the community's past invoice days within 45 days (scripts/demo-seed.mjs chose the
// invoice day so that there are two: a month ago and a few days ago), so numbers, lines and
// totals are the run's own, and the emails go to the dev mailbox. Between the two runs the owner
// records the bank transfer that pays the demo member's first invoice (POST
// /api/v1/invoices/{id}/payments) and adds a charge for Łukasz; after them, a room booked beyond
// the member's credits (POST /api/v1/members/{id}/charges) waits on the next invoice, which the
// member's preview (GET /api/v1/me/invoices/preview) shows beside the plan's next period.
//
// Pure (no Node API) so that worker/dev/demo-seed.test.ts runs it against the test app: `api` is
// `(method, path, {json, cookie}) => Promise<{status, body, cookie}>` on the demo host (body
// parsed JSON, cookie the `sid=…` the answer sets). Idempotent: nothing is done once the
// community has an invoice (what the owner changes later is never put back).
import { DEMO, dayIn } from "./demo-seed.mjs";

const DAY_MS = 86_400_000;

async function must(res, what) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

/** The community's invoice days from 45 days back to yesterday (its timezone), oldest first. */
export function pastInvoiceDays(now, invoiceDay, timeZone = DEMO.timezone) {
  const days = [];
  for (let back = 45; back >= 1; back--) {
    const day = dayIn(now - back * DAY_MS, timeZone);
    if (Number(day.slice(8, 10)) === invoiceDay && !days.includes(day)) days.push(day);
  }
  return days;
}

/** Issues the demo invoices (see above); answers what it did. */
export async function seedDemoInvoices(api, { now = Date.now() } = {}) {
  const login = await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.owner.email, password: DEMO.owner.password } }), "login as the demo owner");
  const cookie = login.cookie;
  const as = (method, path, json) => must(api(method, path, { json, cookie }), `${method} ${path}`);
  if ((await as("GET", "/api/v1/invoices?limit=1")).body.items.length > 0) return { issued: false };

  const billing = (await as("GET", "/api/v1/billing/settings")).body;
  const days = pastInvoiceDays(now, billing.invoiceDay);
  const money = (amount) => ({ amount, currency: billing.currency });
  let paid = null;
  for (const [i, day] of days.entries()) {
    await must(api("POST", "/api/v1/dev/scheduled", { json: { at: `${day}T10:00:00Z` } }), `the dev clock on ${day}`);
    if (i > 0) continue;
    // The member pays their first invoice by bank transfer four days after it was issued.
    const open = (await as("GET", "/api/v1/invoices?userId=demo-member&status=open")).body.items;
    if (open[0]) {
      const paidOn = dayIn(Date.parse(`${day}T12:00:00Z`) + 4 * DAY_MS, DEMO.timezone);
      await as("POST", `/api/v1/invoices/${open[0].id}/payments`, { amount: open[0].balance, method: "bank_transfer", paidOn, note: "Virement SEPA" });
      paid = open[0].number;
    }
    await as("POST", "/api/v1/members/demo-member-lukasz/charges", { description: "Casier individuel (un mois)", amount: money(2_500), taxRate: 20 });
  }
  await as("POST", "/api/v1/members/demo-member/charges", { description: "Salle Jade, 2\u00a0h au-delà des crédits du mois", amount: money(6_000), taxRate: 20 });
  return { issued: true, days, paid };
}
