// Types of scripts/demo-bookings.mjs, for worker/dev/demo-seed.test.ts.
import type { DemoApi } from "./demo-invoices.mjs";
type DemoResource = { key: string; name: string; category: string; units: number; capacity: number; price: number; planPrices: Record<string, number>; openingHours: { day: number; from: string; to: string }[] | null };
export declare const DEMO_RESOURCES: DemoResource[];
export declare const DEMO_BOOKINGS: { day: number; resource: string; from: string; to: string; userId: string; title: string | null }[];
export declare function wallClock(day: string, time: string, timeZone: string): number;
export declare function mondayOf(now: number, timeZone?: string): string;
export declare function seedDemoBookings(api: DemoApi, opts?: { now?: number }): Promise<{ seeded: false } | { seeded: true; resources: number; booked: number; skipped: number; week: string }>;
