import type { OpeningWindow } from "../db/schema";

// The shapes the /bookings pages (web/pages/bookings) read, on their own so that web/ imports no
// service: the calendar's bookings and a booking (as `service.ts` answers them; tsc checks the
// two agree where the pages are fed), a preview, and the calendar grid of calendar-view.ts.

export type Problem = "membership_required" | "in_past" | "inside_cutoff" | "too_short" | "too_long" | "outside_opening_hours" | "slot_taken";
type Money = { amount: number; currency: string };
type ResourceRef = { id: string; name: string; category: string };

/** One booking on the calendar: others' without title or member (admins see all). */
export type CalendarItem = { id: string; resource: ResourceRef; from: string; to: string; mine: boolean; title?: string | null; member?: { id: string; name: string } };

/** One of the member's bookings. */
export type BookingView = {
  id: string;
  resource: ResourceRef;
  from: string;
  to: string;
  price: Money;
  creditsUsedMinutes: number;
  title: string | null;
  seriesId: string | null;
  mine: boolean;
  member: { id: string; name: string } | null;
};

export type PreviewAnswer = { price: Money; creditsUsedMinutes: number; available: boolean; problems: Problem[] };

export type CalendarView = "day" | "week" | "month";
/** What `/bookings?view=&date=&category=&resource=` asks (anything malformed falls back to the default). */
export type CalendarAsk = { view: CalendarView; date: string; category: string | null; resource: string | null };
export type CalendarRange = { first: string; /** exclusive */ end: string; prev: string; next: string; fromMs: number; toMs: number };

export type GridResource = { id: string; name: string; units: number; openingHours: OpeningWindow[] | null };
export type CellState = "free" | "busy" | "closed" | "past";
/** `mine`: one of the reader's own bookings runs in it. */
export type GridCell = { start: string; end: string; state: CellState; mine: boolean; items: CalendarItem[] };
export type GridColumn = { day: string; resource: GridResource | null; cells: GridCell[] };
export type Grid = { rows: { start: string; end: string }[]; columns: GridColumn[] };
