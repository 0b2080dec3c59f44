import { describe, expect, it } from "vitest";
import { ApiError } from "../http/errors";
import { calendarAsk, calendarGrid, calendarRange, daysOf, monthWeeks } from "./calendar-view";
import { parseBookingForm } from "./form";
import type { CalendarItem } from "./types";

// The /bookings calendar as plain data: which days each view covers, the half-hour grid's cells
// (free, busy, closed, past) in the community's timezone, across a DST change too, and the booking
// form's wall-clock times turned into the API's instants.

const TZ = "Europe/Paris";
const item = (id: string, resourceId: string, from: string, to: string, mine = false): CalendarItem => ({ id, resource: { id: resourceId, name: resourceId, category: "rooms" }, from, to, mine });
const room = { id: "r1", name: "Room", units: 1, openingHours: [1, 2, 3, 4, 5].map((day) => ({ day, from: "09:00", to: "17:00" })) };

describe("calendarAsk and calendarRange", () => {
  it("falls back to this week for a missing or malformed query", () => {
    const q = (values: Record<string, string>) => (n: string) => values[n];
    expect(calendarAsk(q({}), "2026-12-06")).toEqual({ view: "week", date: "2026-12-06", category: null, resource: null });
    expect(calendarAsk(q({ view: "year", date: "2026-13-40", resource: "x".repeat(65) }), "2026-12-06")).toEqual({ view: "week", date: "2026-12-06", category: null, resource: null });
    expect(calendarAsk(q({ view: "month", date: "2027-02-10", category: "desks", resource: "r1" }), "2026-12-06")).toEqual({ view: "month", date: "2027-02-10", category: "desks", resource: "r1" });
  });

  it("a day, the ISO week from Monday, and the whole weeks around a month, with previous and next", () => {
    expect(calendarRange("day", "2026-12-31", TZ)).toMatchObject({ first: "2026-12-31", end: "2027-01-01", prev: "2026-12-30", next: "2027-01-01" });
    const week = calendarRange("week", "2026-12-06", TZ); // a Sunday
    expect(week).toMatchObject({ first: "2026-11-30", end: "2026-12-07", prev: "2026-11-23", next: "2026-12-07" });
    expect(week.fromMs).toBe(Date.parse("2026-11-29T23:00:00Z"));
    const month = calendarRange("month", "2026-12-15", TZ);
    expect(month).toMatchObject({ first: "2026-11-30", end: "2027-01-04", prev: "2026-11-01", next: "2027-01-01" });
    expect(daysOf(month.first, month.end)).toHaveLength(35);
    expect(calendarRange("month", "2027-01-20", TZ)).toMatchObject({ prev: "2026-12-01", next: "2027-02-01" });
  });
});

describe("calendarGrid", () => {
  it("rows follow the opening hours; closed, busy, past and free cells; a booking sits in the cell it starts in", () => {
    // Friday 11 and Saturday 12 December 2026 (closed on Saturdays); now is Friday 10:00 in Paris.
    const now = Date.parse("2026-12-11T09:00:00Z");
    const busy = item("b1", "r1", "2026-12-11T10:00:00Z", "2026-12-11T11:00:00Z"); // 11:00–12:00 Paris
    const grid = calendarGrid([{ day: "2026-12-11", resource: room }, { day: "2026-12-12", resource: room }], [busy], TZ, now);
    expect(grid.rows[0]).toEqual({ start: "09:00", end: "09:30" });
    expect(grid.rows.at(-1)).toEqual({ start: "16:30", end: "17:00" });
    const friday = grid.columns[0]!.cells;
    const at = (hhmm: string) => friday.find((c) => c.start === hhmm)!;
    expect(at("09:30").state).toBe("past");
    expect(at("10:00").state).toBe("free"); // starting now is not in the past
    expect(at("10:30").state).toBe("free");
    expect(at("11:00")).toMatchObject({ state: "busy", items: [busy] });
    expect(at("11:30")).toMatchObject({ state: "busy", mine: false, items: [] });
    expect(at("12:00").state).toBe("free");
    expect(grid.columns[1]!.cells.every((c) => c.state === "closed")).toBe(true);
  });

  it("a resource with several units is busy only once all of them are taken; a column without a resource only shows bookings", () => {
    const desk = { id: "d1", name: "Desk", units: 2, openingHours: null };
    const a = item("a", "d1", "2026-12-14T09:00:00Z", "2026-12-14T10:00:00Z", true);
    const b = item("b", "d1", "2026-12-14T09:30:00Z", "2026-12-14T10:00:00Z");
    const grid = calendarGrid([{ day: "2026-12-14", resource: desk }, { day: "2026-12-14", resource: null }], [a, b], TZ, 0);
    const cell = (col: number, hhmm: string) => grid.columns[col]!.cells.find((c) => c.start === hhmm)!;
    expect(grid.rows[0]!.start).toBe("08:00"); // no opening hours: 08:00–20:00
    expect(cell(0, "10:00")).toMatchObject({ state: "free", mine: true });
    expect(cell(0, "11:00")).toMatchObject({ state: "free", mine: false });
    expect(cell(0, "10:30").state).toBe("busy");
    expect(cell(1, "10:30").state).toBe("busy");
    expect(cell(1, "12:00").state).toBe("free");
  });

  it("widens the rows to a booking outside them, and counts wall-clock rows across the autumn DST change", () => {
    const late = item("l", "x", "2026-10-25T19:30:00Z", "2026-10-25T20:30:00Z"); // 20:30–21:30 Paris (UTC+1 after the change)
    const grid = calendarGrid([{ day: "2026-10-25", resource: { id: "x", name: "X", units: 1, openingHours: null } }], [late], TZ, 0);
    expect(grid.rows.at(-1)).toEqual({ start: "21:00", end: "21:30" });
    const cell = grid.columns[0]!.cells.find((c) => c.start === "20:30")!;
    expect(cell).toMatchObject({ state: "busy", items: [late] });
  });

  it("the month's weeks hold each booking on its day in the community's timezone", () => {
    const range = calendarRange("month", "2026-12-01", TZ);
    const night = item("n", "r1", "2026-12-09T23:30:00Z", "2026-12-10T00:30:00Z"); // 10 December 00:30 in Paris
    const weeks = monthWeeks(range, [night], TZ);
    expect(weeks).toHaveLength(5);
    expect(weeks.flat().find((d) => d.day === "2026-12-10")!.items).toEqual([night]);
    expect(weeks.flat().find((d) => d.day === "2026-12-09")!.items).toEqual([]);
  });
});

describe("parseBookingForm", () => {
  it("wall-clock times in the community's timezone, midnight as an end, a title and a repetition", () => {
    expect(parseBookingForm({ resourceId: "r1", date: "2026-07-01", start: "09:30", end: "11:00", title: "  Sync  " }, TZ)).toEqual({
      resourceId: "r1",
      from: Date.parse("2026-07-01T07:30:00Z"),
      to: Date.parse("2026-07-01T09:00:00Z"),
      title: "Sync",
    });
    expect(parseBookingForm({ resourceId: "r1", date: "2026-12-01", start: "22:00", end: "00:00" }, TZ).to).toBe(Date.parse("2026-12-01T23:00:00Z"));
    expect(parseBookingForm({ resourceId: "r1", date: "2026-12-01", start: "09:00", end: "10:00", repeat: "week", repeatEnds: "count", count: "4" }, TZ).repeat).toEqual({ every: "week", count: 4 });
    expect(parseBookingForm({ resourceId: "r1", date: "2026-12-01", start: "09:00", end: "10:00", repeat: "day", repeatEnds: "until", until: "2026-12-05" }, TZ).repeat).toEqual({ every: "day", until: "2026-12-05" });
  });

  it("refusals name the form's fields (start, end, count, until), not the API's", () => {
    const fields = (values: Record<string, string>) => {
      try {
        parseBookingForm(values, TZ);
      } catch (err) {
        return (err as ApiError).fields;
      }
      return null;
    };
    expect(fields({ resourceId: "", date: "", start: "9h", end: "" })).toEqual({ resourceId: "field.required", date: "field.required", start: "field.invalid", end: "field.required" });
    expect(fields({ resourceId: "r1", date: "2026-12-01", start: "10:00", end: "09:00" })).toEqual({ end: "field.invalid" });
    expect(fields({ resourceId: "r1", date: "2026-12-01", start: "09:00", end: "10:00", repeat: "week", count: "1" })).toEqual({ count: expect.stringContaining("field.too_small") });
    expect(fields({ resourceId: "r1", date: "2026-12-01", start: "09:00", end: "10:00", repeat: "week", repeatEnds: "until", until: "" })).toEqual({ until: "field.day" });
  });
});
