// Types of scripts/demo-helpdesk.mjs, for worker/helpdesk/demo.test.ts.
import type { DemoApi } from "./demo-invoices.mjs";
export declare const DEMO_GUIDES: { title: string; body: string }[];
export declare const DEMO_ISSUES: {
  public: { title: string; body: string };
  publicAnswer: string;
  publicThanks: string;
  private: { title: string; body: string };
  privateAnswer: string;
};
export declare function seedDemoHelpdesk(api: DemoApi): Promise<{ seeded: false } | { seeded: true; guides: number; issues: string[] }>;
