import { describe, expect, it } from "vitest";
import { fitsOpeningHours, isoWeekday, minutesOf, openIntervals, wallTimeMs, windowProblem } from "./hours";

// Opening hours are wall-clock windows in the community's timezone. In Europe/Paris the clocks
// go 02:00 → 03:00 on the last Sunday of March (2026-03-29, at 01:00Z) and 03:00 → 02:00 on the
// last Sunday of October (2026-10-25, at 01:00Z).

const Z = (iso: string) => Date.parse(iso);
const PARIS = "Europe/Paris";
const HOUR = 3_600_000;
const everyDay = (from: string, to: string) => [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from, to }));

describe("opening hours: parsing", () => {
  it("reads HH:MM, 24:00 only as an end; a window needs day 1..7 and from < to", () => {
    expect(minutesOf("00:00")).toBe(0);
    expect(minutesOf("08:30")).toBe(510);
    expect(minutesOf("24:00")).toBeNull();
    expect(minutesOf("24:00", true)).toBe(1440);
    expect(minutesOf("8:30")).toBeNull();
    expect(minutesOf("23:60")).toBeNull();
    expect(windowProblem({ day: 1, from: "08:00", to: "24:00" })).toBeNull();
    expect(windowProblem({ day: 0, from: "08:00", to: "18:00" })).not.toBeNull();
    expect(windowProblem({ day: 8, from: "08:00", to: "18:00" })).not.toBeNull();
    expect(windowProblem({ day: 1, from: "18:00", to: "08:00" })).not.toBeNull();
    expect(windowProblem({ day: 1, from: "08:00", to: "08:00" })).not.toBeNull();
    expect(windowProblem({ day: 1, from: "24:00", to: "24:00" })).not.toBeNull();
  });

  it("ISO weekdays: 2026-03-29 is a Sunday (7), 2026-03-30 a Monday (1)", () => {
    expect(isoWeekday("2026-03-29")).toBe(7);
    expect(isoWeekday("2026-03-30")).toBe(1);
  });
});

describe("opening hours across DST in Europe/Paris", () => {
  it("a whole Sunday is 23 hours on the last Sunday of March and 25 hours on the last Sunday of October", () => {
    const march = openIntervals([{ day: 7, from: "00:00", to: "24:00" }], Z("2026-03-29T10:00:00Z"), Z("2026-03-29T11:00:00Z"), PARIS);
    expect(march).toEqual([[Z("2026-03-28T23:00:00Z"), Z("2026-03-29T22:00:00Z")]]);
    expect((march[0]![1] - march[0]![0]) / HOUR).toBe(23);
    const october = openIntervals([{ day: 7, from: "00:00", to: "24:00" }], Z("2026-10-25T10:00:00Z"), Z("2026-10-25T11:00:00Z"), PARIS);
    expect(october).toEqual([[Z("2026-10-24T22:00:00Z"), Z("2026-10-25T23:00:00Z")]]);
    expect((october[0]![1] - october[0]![0]) / HOUR).toBe(25);
  });

  it("08:00-20:00 is 06:00Z-18:00Z the Sunday after spring-forward and 07:00Z-19:00Z the Saturday before", () => {
    const hours = everyDay("08:00", "20:00");
    expect(fitsOpeningHours(hours, Z("2026-03-29T06:00:00Z"), Z("2026-03-29T18:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(hours, Z("2026-03-29T05:59:00Z"), Z("2026-03-29T07:00:00Z"), PARIS)).toBe(false);
    expect(fitsOpeningHours(hours, Z("2026-03-29T17:00:00Z"), Z("2026-03-29T18:01:00Z"), PARIS)).toBe(false);
    expect(fitsOpeningHours(hours, Z("2026-03-28T07:00:00Z"), Z("2026-03-28T19:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(hours, Z("2026-03-28T06:00:00Z"), Z("2026-03-28T08:00:00Z"), PARIS)).toBe(false);
    // October: Saturday in summer time (UTC+2), Sunday in winter time (UTC+1).
    expect(fitsOpeningHours(hours, Z("2026-10-24T06:00:00Z"), Z("2026-10-24T18:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(hours, Z("2026-10-25T07:00:00Z"), Z("2026-10-25T19:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(hours, Z("2026-10-25T06:00:00Z"), Z("2026-10-25T08:00:00Z"), PARIS)).toBe(false);
  });

  it("a window starting inside the skipped hour opens when the clock jumps (02:30 → 01:00Z, which reads 03:00)", () => {
    expect(wallTimeMs("2026-03-29", 150, PARIS)).toBe(Z("2026-03-29T01:00:00Z"));
    expect(wallTimeMs("2026-03-29", 180, PARIS)).toBe(Z("2026-03-29T01:00:00Z"));
    // In the repeated hour of October the first pass counts: 02:30 is 00:30Z (summer time).
    expect(wallTimeMs("2026-10-25", 150, PARIS)).toBe(Z("2026-10-25T00:30:00Z"));
    expect(wallTimeMs("2026-10-25", 600, PARIS)).toBe(Z("2026-10-25T09:00:00Z"));
  });

  it("a window ending at 24:00 joins the next day's window from 00:00, across the DST night too", () => {
    const night = [
      { day: 6, from: "18:00", to: "24:00" },
      { day: 7, from: "00:00", to: "06:00" },
    ];
    // Saturday 22:00 (21:00Z, UTC+1) to Sunday 05:00 (03:00Z, UTC+2): 6 real hours.
    expect(fitsOpeningHours(night, Z("2026-03-28T21:00:00Z"), Z("2026-03-29T03:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(night, Z("2026-03-28T21:00:00Z"), Z("2026-03-29T04:01:00Z"), PARIS)).toBe(false);
    // Without the Sunday window from 00:00, the night is cut at midnight.
    expect(fitsOpeningHours([night[0]!, { day: 7, from: "00:30", to: "06:00" }], Z("2026-03-28T21:00:00Z"), Z("2026-03-29T03:00:00Z"), PARIS)).toBe(false);
    // October: Saturday 22:00 (20:00Z, UTC+2) to Sunday 06:00 (05:00Z, UTC+1) is 9 real hours, all open.
    expect(fitsOpeningHours(night, Z("2026-10-24T20:00:00Z"), Z("2026-10-25T05:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(night, Z("2026-10-24T20:00:00Z"), Z("2026-10-25T05:01:00Z"), PARIS)).toBe(false);
  });

  it("every instant must be open: a booking over a lunch break does not fit; no hours (null) is always open; an empty list never", () => {
    const split = [
      { day: 1, from: "08:00", to: "12:00" },
      { day: 1, from: "13:00", to: "18:00" },
    ];
    // Monday 2026-03-30, UTC+2.
    expect(fitsOpeningHours(split, Z("2026-03-30T06:00:00Z"), Z("2026-03-30T10:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours(split, Z("2026-03-30T09:00:00Z"), Z("2026-03-30T12:00:00Z"), PARIS)).toBe(false);
    expect(fitsOpeningHours(null, Z("2026-03-30T01:00:00Z"), Z("2026-03-31T01:00:00Z"), PARIS)).toBe(true);
    expect(fitsOpeningHours([], Z("2026-03-30T09:00:00Z"), Z("2026-03-30T10:00:00Z"), PARIS)).toBe(false);
  });
});
