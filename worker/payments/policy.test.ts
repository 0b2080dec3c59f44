import { describe, expect, it } from "vitest";
import type { InvoiceActor } from "../invoices/policy";
import { decideCardPayment } from "./policy";

// Who may pay an invoice by card, and when: every (actor × invoice state), written out as a table.
type Col = "visitor" | "member" | "moderator" | "admin" | "owner" | "admin (as member)" | "billed member";
const ME = "u-me";
const COLS: Record<Col, InvoiceActor> = {
  visitor: { tenantRole: null, userId: null },
  member: { tenantRole: "member", userId: "u-other" },
  moderator: { tenantRole: "moderator", userId: "u-mod" },
  admin: { tenantRole: "admin", userId: "u-admin" },
  owner: { tenantRole: "owner", userId: "u-owner" },
  "admin (as member)": { tenantRole: "admin", userId: "u-admin", viewingAsMember: true },
  "billed member": { tenantRole: "member", userId: ME },
};
const STATES = {
  open: { userId: ME, status: "open", total: 1000, paid: 0 },
  "open, partly paid": { userId: ME, status: "open", total: 1000, paid: 400 },
  "open, nothing due": { userId: ME, status: "open", total: 0, paid: 0 },
  paid: { userId: ME, status: "paid", total: 1000, paid: 1000 },
  void: { userId: ME, status: "void", total: 1000, paid: 0 },
} as const;
const ok = "ok";
const nf = "not_found";
const TABLE: Record<keyof typeof STATES, Record<Col, string>> = {
  open: { visitor: "signed_out", member: nf, moderator: nf, admin: ok, owner: ok, "admin (as member)": nf, "billed member": ok },
  "open, partly paid": { visitor: "signed_out", member: nf, moderator: nf, admin: ok, owner: ok, "admin (as member)": nf, "billed member": ok },
  "open, nothing due": { visitor: "signed_out", member: nf, moderator: nf, admin: "invoice_paid", owner: "invoice_paid", "admin (as member)": nf, "billed member": "invoice_paid" },
  paid: { visitor: "signed_out", member: nf, moderator: nf, admin: "invoice_paid", owner: "invoice_paid", "admin (as member)": nf, "billed member": "invoice_paid" },
  void: { visitor: "signed_out", member: nf, moderator: nf, admin: "invoice_void", owner: "invoice_void", "admin (as member)": nf, "billed member": "invoice_void" },
};

describe("card payment policy", () => {
  it("answers every actor and invoice state as the table says (an invoice billing u-me)", () => {
    const got: Record<string, Record<string, string>> = {};
    for (const [state, invoice] of Object.entries(STATES)) {
      got[state] = {};
      for (const [col, actor] of Object.entries(COLS)) {
        const d = decideCardPayment(actor, invoice);
        got[state]![col] = d.ok ? ok : d.why;
      }
    }
    expect(got).toEqual(TABLE);
  });
});
