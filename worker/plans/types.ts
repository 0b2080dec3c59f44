import type { Money } from "../invoices/money";

// What the plan pages are given (web/ imports these types only).

export type PlanView = {
  id: string;
  name: string;
  description: string;
  price: Money;
  intervalMonths: number;
  taxRate: number;
  approvalRequired: boolean;
  hidden: boolean;
  noticeDays: number;
  setupFee: Money;
  credits: { minutes: number; categories: string[] };
  groups: string[];
  archived: boolean;
};

/** One row of /admin/plans: the plan and how many members are on it (active or canceling). */
export type AdminPlanItem = PlanView & { members: number };

/** The plan form as typed (strings as posted), to fill it again with its errors. */
export type PlanFormValues = {
  name: string;
  description: string;
  /** A decimal in the community's currency, "49.90" or "49,90". */
  price: string;
  intervalMonths: string;
  /** A percentage with at most two decimals. */
  taxRate: string;
  approvalRequired: boolean;
  hidden: boolean;
  noticeDays: string;
  setupFee: string;
  creditMinutes: string;
  /** Resource categories, comma-separated. */
  creditCategories: string;
  groups: string[];
};
