import { describe, expect, it } from "vitest";
import { dayOfUntil, localTimeToMs, msToLocalTime, untilOfDay } from "./portal-form";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("wall-clock times of the community's timezone (the banner's window)", () => {
  it("converts a datetime-local value exactly, winter and summer, east and west of UTC", () => {
    expect(iso(localTimeToMs("2027-01-10T09:30", "Europe/Paris"))).toBe("2027-01-10T08:30:00.000Z");
    expect(iso(localTimeToMs("2027-07-10T09:30", "Europe/Paris"))).toBe("2027-07-10T07:30:00.000Z");
    expect(iso(localTimeToMs("2027-01-10T09:30", "America/New_York"))).toBe("2027-01-10T14:30:00.000Z");
    expect(iso(localTimeToMs("2027-07-10T09:30", "America/New_York"))).toBe("2027-07-10T13:30:00.000Z");
    expect(iso(localTimeToMs("2027-01-01T00:15", "Asia/Kolkata"))).toBe("2026-12-31T18:45:00.000Z");
    expect(iso(localTimeToMs("2027-01-10T09:30:15", "UTC"))).toBe("2027-01-10T09:30:15.000Z");
  });

  it("reads the times around a DST change: the evening before, a skipped time, a repeated one", () => {
    // Paris springs forward on 28 March 2027 at 02:00 (to 03:00) and falls back on 31 October at 03:00 (to 02:00).
    expect(iso(localTimeToMs("2027-03-27T23:00", "Europe/Paris"))).toBe("2027-03-27T22:00:00.000Z");
    expect(iso(localTimeToMs("2027-03-28T02:30", "Europe/Paris"))).toBe("2027-03-28T01:30:00.000Z");
    expect(iso(localTimeToMs("2027-03-28T03:30", "Europe/Paris"))).toBe("2027-03-28T01:30:00.000Z");
    expect(iso(localTimeToMs("2027-10-31T02:30", "Europe/Paris"))).toBe("2027-10-31T00:30:00.000Z");
    expect(iso(localTimeToMs("2027-10-31T03:30", "Europe/Paris"))).toBe("2027-10-31T02:30:00.000Z");
  });

  it("gives back the value typed (round trip), and refuses what is not a time", () => {
    for (const tz of ["Europe/Paris", "America/New_York", "Australia/Sydney", "UTC"]) {
      for (const local of ["2027-01-10T09:30", "2027-07-10T23:59", "2027-12-31T00:00"]) expect(msToLocalTime(localTimeToMs(local, tz)!, tz)).toBe(local);
    }
    for (const bad of ["", "2027-01-10", "2027-02-30T10:00", "2027-13-01T10:00", "2027-01-10T24:00", "tomorrow"]) expect(localTimeToMs(bad, "Europe/Paris")).toBeNull();
  });

  it("an announcement's last day is included: until the next day starts in the community's timezone", () => {
    expect(untilOfDay("2027-01-10", "America/New_York")).toBe("2027-01-11T05:00:00.000Z");
    expect(untilOfDay("2027-03-27", "Europe/Paris")).toBe("2027-03-27T23:00:00.000Z");
    expect(dayOfUntil("2027-01-11T05:00:00.000Z", "America/New_York")).toBe("2027-01-10");
    expect(untilOfDay("", "Europe/Paris")).toBeNull();
    expect(() => untilOfDay("10/01/2027", "Europe/Paris")).toThrowError(expect.objectContaining({ status: 422, fields: { until: "field.day" } }));
  });
});
