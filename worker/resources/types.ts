import type { Money } from "../invoices/money";

// What the resource pages are given (web/ imports these types only).

export type OpeningWindowView = { day: number; from: string; to: string };

/** A resource as the API answers it (`GET /api/v1/resources/{id}`). */
export type ResourceView = {
  id: string;
  name: string;
  category: string;
  description: string;
  /** The resource's picture under `/media/…`, or null. */
  image: string | null;
  units: number;
  capacity: number | null;
  pricePerHour: Money;
  planPrices: Record<string, Money>;
  taxRate: number;
  minMinutes: number | null;
  maxMinutes: number | null;
  cutoffHours: number | null;
  cancellationHours: number | null;
  openingHours: OpeningWindowView[] | null;
  hidden: boolean;
};

/** A plan the resource form offers a price for. */
export type PlanChoice = { id: string; name: string; archived: boolean };

/** One opening window as typed (`HH:MM` strings, possibly empty). */
export type WindowValues = { from: string; to: string };

/** The resource form as typed (strings as posted), to fill it again with its errors. */
export type ResourceFormValues = {
  name: string;
  category: string;
  description: string;
  units: string;
  capacity: string;
  /** A decimal in the community's currency, "12.50" or "12,50". */
  pricePerHour: string;
  /** Plan id → a decimal, empty for "the base price". */
  planPrices: Record<string, string>;
  taxRate: string;
  minMinutes: string;
  maxMinutes: string;
  cutoffHours: string;
  cancellationHours: string;
  /** ISO weekday (1 = Monday … 7) → its windows in order, empty rows included. */
  hours: Record<number, WindowValues[]>;
  hidden: boolean;
};

/** The resources hidden from one member, as the form on their admin page shows them. */
export type HiddenResourcesView = {
  userId: string;
  resources: { id: string; name: string; category: string; hidden: boolean }[];
  hiddenIds: string[];
};
