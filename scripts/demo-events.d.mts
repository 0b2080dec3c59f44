// Types of scripts/demo-events.mjs, for worker/events/demo.test.ts.
import type { DemoApi } from "./demo-invoices.mjs";
export declare const DEMO_EVENTS_MEMBER: { email: string; password: string; name: string; language: string };
export declare function wallInstant(now: number, days: number, hhmm: string, timeZone?: string): string;
export declare function seedDemoEvents(api: DemoApi, opts?: { now?: number }): Promise<{ seeded: false } | { seeded: true; events: number; waitlisted: string }>;
