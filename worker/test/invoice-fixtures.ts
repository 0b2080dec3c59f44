import { expect } from "vitest";
import { call, type TestTenant } from "./helpers";

// Issued invoices for tests of what happens to them afterwards (payments, void): one-off
// charges, then the development clock on an invoice day (the 1st by default) runs the invoice
// run for this community only. Each member gets one invoice per invoice day.

export type Money = { amount: number; currency: string };
export type PaymentBody = { id: string; amount: Money; method: string; paidOn: string; note: string | null };
export type InvoiceBody = {
  id: string;
  userId: string;
  number: string;
  status: "open" | "paid" | "void";
  issuedOn: string;
  total: Money;
  paid: Money;
  balance: Money;
  voidReason: string | null;
  creditNote: { number: string; issuedOn: string } | null;
  payments: PaymentBody[];
};

export const eur = (amount: number): Money => ({ amount, currency: "EUR" });

export async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

export const failure = async (res: Response) => {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: Object.keys(body.error.fields) } : {}) };
};

/** Adds each member's one-off charges (amounts before tax, 0 % tax unless given), then runs the clock on `day` at 08:00 UTC. */
export async function issueInvoices(tenant: TestTenant, charges: { userId: string; amount: number; taxRate?: number; description?: string }[], day = "2026-07-01"): Promise<InvoiceBody[]> {
  for (const c of charges) {
    await ok(await call(tenant.host, "POST", `/api/v1/members/${c.userId}/charges`, { cookie: tenant.owner.cookie, json: { description: c.description ?? "Desk rental", amount: eur(c.amount), ...(c.taxRate !== undefined ? { taxRate: c.taxRate } : {}) } }), 201);
  }
  await ok(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: `${day}T08:00:00Z` } }));
  const list = await ok<{ items: InvoiceBody[] }>(await call(tenant.host, "GET", `/api/v1/invoices?from=${day}&to=${day}&limit=200`, { cookie: tenant.owner.cookie }));
  const users = [...new Set(charges.map((c) => c.userId))];
  return users.map((u) => {
    const found = list.items.find((i) => i.userId === u);
    if (!found) throw new Error(`no invoice issued on ${day} for ${u}`);
    return found;
  });
}

export const getInvoice = async (tenant: TestTenant, id: string, cookie = tenant.owner.cookie) => ok<InvoiceBody>(await call(tenant.host, "GET", `/api/v1/invoices/${id}`, { cookie }));
