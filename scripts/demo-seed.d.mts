// Types of scripts/demo-seed.mjs, for worker/dev/demo-seed.test.ts.
type Named = { id: string; name: string };
export declare const DEMO: {
  subdomain: string;
  tenantId: string;
  timezone: string;
  owner: { email: string; password: string; name: string };
  member: { email: string; password: string; name: string };
  plans: { flex: Named; resident: Named; team: Named };
  paidGroup: { id: string; slug: string; name: string };
  membership: { id: string; startedDaysAgo: number };
  announcement: { id: string; title: string };
  status: { state: "open" | "temporarily_closed" | "restricted"; message: string };
  billing: { sellerName: string; sellerAddress: string; sellerTaxId: string; iban: string; bic: string; numberPrefix: string; paymentTermsDays: number };
  billedMembers: { id: string; email: string; name: string; language: string }[];
};
export declare function demoInvoiceDay(now: number): number;
export declare function dayIn(ms: number, timeZone: string): string;
export declare function demoSeedStatements(opts: { now: number; ownerHash: string; memberHash: string }): string[];
