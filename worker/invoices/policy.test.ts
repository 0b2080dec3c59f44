import { describe, expect, it } from "vitest";
import { decideInvoice, INVOICE_ACTIONS, type InvoiceAction, type InvoiceActor } from "./policy";

// Every (actor × action) of charges and invoices, the expected answers written out as a table.
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
const ok = "ok";
const TABLE: Record<InvoiceAction, Record<Col, string>> = {
  manageCharges: { visitor: "signed_out", member: "not_admin", moderator: "not_admin", admin: ok, owner: ok, "admin (as member)": "not_admin", "billed member": "not_admin" },
  readAllInvoices: { visitor: "signed_out", member: "not_admin", moderator: "not_admin", admin: ok, owner: ok, "admin (as member)": "not_admin", "billed member": "not_admin" },
  readOwnInvoices: { visitor: "signed_out", member: ok, moderator: ok, admin: ok, owner: ok, "admin (as member)": ok, "billed member": ok },
  managePayments: { visitor: "signed_out", member: "not_admin", moderator: "not_admin", admin: ok, owner: ok, "admin (as member)": "not_admin", "billed member": "not_admin" },
  readInvoice: { visitor: "signed_out", member: "not_found", moderator: "not_found", admin: ok, owner: ok, "admin (as member)": "not_found", "billed member": ok },
};

describe("invoice policy", () => {
  it("answers every actor and action as the table says (an invoice billing u-me)", () => {
    const got: Record<string, Record<string, string>> = {};
    for (const action of INVOICE_ACTIONS) {
      got[action] = {};
      for (const [col, actor] of Object.entries(COLS)) {
        const d = decideInvoice(actor, action, { userId: ME });
        got[action]![col] = d.ok ? ok : d.why;
      }
    }
    expect(got).toEqual(TABLE);
  });
});
