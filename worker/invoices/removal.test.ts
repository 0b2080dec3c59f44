import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// API.md "Community members": removal "keeps issued invoices". An issued invoice outlives the
// account it billed (an accountant keeps it for years); its buyer is a snapshot, so removing
// the member only forgets whom it billed, and tenant admins still read it, its PDF included.

type Money = { amount: number; currency: string };
type InvoiceBody = { id: string; userId: string | null; number: string; buyer: { name: string; email?: string }; total: Money };

const tick = (tenant: TestTenant, iso: string) => call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } });
const admin = (tenant: TestTenant, method: string, path: string, json?: unknown) => call(tenant.host, method, path, { cookie: tenant.owner.cookie, ...(json === undefined ? {} : { json }) });

async function invoicedMember(tenant: TestTenant, email: string, name: string, amount: number) {
  const member = await signUpMember(tenant, email, name);
  expect((await admin(tenant, "POST", `/api/v1/members/${member.id}/charges`, { description: "Locker", amount: { amount, currency: "EUR" } })).status).toBe(201);
  return member;
}

describe("removing a member keeps their issued invoices", () => {
  it("after an admin removes the member and after a member deletes their own account, the invoices stay readable by admins with their buyer, number and PDF", async () => {
    const tenant = await makeTenant();
    const removed = await invoicedMember(tenant, "removed@example.org", "Rémi Removed", 1500);
    const leaving = await invoicedMember(tenant, "leaving@example.org", "Lea Leaving", 2500);
    expect((await tick(tenant, "2026-09-01T08:00:00Z")).status).toBe(200);
    const before = ((await (await admin(tenant, "GET", "/api/v1/invoices?limit=100")).json()) as { items: InvoiceBody[] }).items;
    expect(before.map((i) => i.buyer.name).sort()).toEqual(["Lea Leaving", "Rémi Removed"]);

    expect((await admin(tenant, "DELETE", `/api/v1/members/${removed.id}`)).status).toBe(204);
    const del = await call(tenant.host, "DELETE", "/api/v1/me", { cookie: leaving.cookie, json: { password: "a long enough password" } });
    expect(del.status).toBe(204);

    const after = ((await (await admin(tenant, "GET", "/api/v1/invoices?limit=100")).json()) as { items: InvoiceBody[] }).items;
    // The same invoices, numbers and totals (1500 and 2500 cents, no tax); only the link to the account is gone.
    expect(after.map((i) => [i.number, i.buyer.name, i.total.amount, i.userId]).sort()).toEqual(
      before.map((i) => [i.number, i.buyer.name, i.total.amount, null]).sort(),
    );
    for (const invoice of after) {
      expect((await admin(tenant, "GET", `/api/v1/invoices/${invoice.id}`)).status).toBe(200);
      const pdf = await admin(tenant, "GET", `/api/v1/invoices/${invoice.id}/pdf`);
      expect(pdf.status).toBe(200);
      expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");
    }
    // The numbering goes on after them: the next invoice is the third of the year.
    const next = await invoicedMember(tenant, "next@example.org", "Nina Next", 700);
    expect((await tick(tenant, "2026-10-01T08:00:00Z")).status).toBe(200);
    const third = ((await (await admin(tenant, "GET", `/api/v1/invoices?userId=${next.id}`)).json()) as { items: InvoiceBody[] }).items;
    expect(third.map((i) => i.number)).toEqual(["INV2026-0003"]);
  });
});
