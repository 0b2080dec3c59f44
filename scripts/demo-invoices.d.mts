// Types of scripts/demo-invoices.mjs, for worker/dev/demo-seed.test.ts.
export type DemoApi = (method: string, path: string, opts: { json?: unknown; cookie?: string | null }) => Promise<{ status: number; body: any; cookie: string | null }>;
export declare function pastInvoiceDays(now: number, invoiceDay: number, timeZone?: string): string[];
export declare function seedDemoInvoices(api: DemoApi, opts?: { now?: number }): Promise<{ issued: false } | { issued: true; days: string[]; paid: string | null }>;
