import { describe, expect, it } from "vitest";
import {
  addDays,
  addMonths,
  billingPeriods,
  cancelsOn,
  dayInTimeZone,
  dayLengthMs,
  daysBetween,
  firstPeriod,
  hasProratedFirstPeriod,
  invoiceDateOf,
  isDay,
  nextInvoiceDate,
  periodContaining,
  periodsInvoicedOn,
  planChangeEffectiveOn,
  proratedFirstPeriodAmount,
  scheduleAfterChange,
  startOfDayMs,
  wholePeriodEndingOn,
} from "./periods";

const H = 3_600_000;

/** Periods written "start..end", as the comments write them. */
const spans = (...written: string[]) => written.map((span) => ({ start: span.split("..")[0], end: span.split("..")[1] }));

describe("day arithmetic", () => {
  it("validates real calendar days only", () => {
    const days: [unknown, boolean][] = [
      ["2028-02-29", true],
      ["2027-02-29", false],
      ["2026-04-31", false],
      ["2026-4-01", false],
      [20260401, false],
    ];
    for (const [day, valid] of days) expect(isDay(day), String(day)).toBe(valid);
  });

  it("adds days across months and leap days", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2027-02-28", 1)).toBe("2027-03-01");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
    expect(daysBetween("2028-01-01", "2029-01-01")).toBe(366);
  });

  it("adds months, clamping to the end of shorter months", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
    expect(addMonths("2026-11-15", 3)).toBe("2027-02-15");
    expect(addMonths("2026-03-15", -3)).toBe("2025-12-15");
  });
});

describe("billing periods", () => {
  it("a monthly membership starting on the invoice day has calendar-month periods", () => {
    const s = { startsOn: "2026-01-01", invoiceDay: 1, intervalMonths: 1 };
    expect(hasProratedFirstPeriod(s)).toBe(false);
    expect(billingPeriods(s, "2026-03-01")).toEqual(spans("2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"));
    expect(periodContaining(s, "2026-02-14")).toEqual({ start: "2026-02-01", end: "2026-02-28" });
    expect(periodContaining(s, "2025-12-31")).toBeNull();
  });

  it("a membership started on the 31st has a one-day first period, then whole months", () => {
    const s = { startsOn: "2026-01-31", invoiceDay: 1, intervalMonths: 1 };
    expect(firstPeriod(s)).toEqual({ start: "2026-01-31", end: "2026-01-31" });
    expect(billingPeriods(s, "2026-03-15")).toEqual(spans("2026-01-31..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"));
    // 1 day of the whole period 2026-01-01..2026-01-31 (31 days): 3100 × 1 / 31 = 100.
    expect(proratedFirstPeriodAmount(s, 3100)).toBe(100);
    // The prorated first period is invoiced on the next invoice day with February.
    expect(invoiceDateOf(s, firstPeriod(s))).toBe("2026-02-01");
    expect(nextInvoiceDate(s, "2026-01-31")).toBe("2026-02-01");
  });

  it("a membership started on the 31st with invoice day 28 runs to the 27th of February", () => {
    const s = { startsOn: "2026-01-31", invoiceDay: 28, intervalMonths: 1 };
    expect(billingPeriods(s, "2026-04-01")).toEqual(spans("2026-01-31..2026-02-27", "2026-02-28..2026-03-27", "2026-03-28..2026-04-27"));
    // First period: 31 Jan..27 Feb = 1 + 27 = 28 days; whole period ending 27 Feb:
    // 28 Jan..27 Feb = 4 + 27 = 31 days. 10000 × 28 / 31 = 9032.258… → 9032.
    expect(wholePeriodEndingOn(s, "2026-02-27")).toEqual({ start: "2026-01-28", end: "2026-02-27" });
    expect(proratedFirstPeriodAmount(s, 10000)).toBe(9032);
  });

  it("invoice day 28 through February in a leap year", () => {
    const s = { startsOn: "2028-02-28", invoiceDay: 28, intervalMonths: 1 };
    expect(billingPeriods(s, "2028-03-28")).toEqual(spans("2028-02-28..2028-03-27", "2028-03-28..2028-04-27"));
    expect(periodContaining(s, "2028-02-29")).toEqual({ start: "2028-02-28", end: "2028-03-27" });
    expect(periodContaining(s, "2028-03-27")).toEqual({ start: "2028-02-28", end: "2028-03-27" });
    expect(periodContaining(s, "2028-03-28")).toEqual({ start: "2028-03-28", end: "2028-04-27" });
  });

  it("quarterly periods: a short first period to the next monthly invoice day, then 3 months", () => {
    const s = { startsOn: "2026-09-17", invoiceDay: 1, intervalMonths: 3 };
    expect(billingPeriods(s, "2027-01-01")).toEqual(spans("2026-09-17..2026-09-30", "2026-10-01..2026-12-31", "2027-01-01..2027-03-31"));
    // 14 days (17..30 Sep) of the whole quarter ending 30 Sep: 1 Jul..30 Sep = 31+31+30 = 92 days.
    // 30000 × 14 / 92 = 4565.217… → 4565.
    expect(wholePeriodEndingOn(s, "2026-09-30")).toEqual({ start: "2026-07-01", end: "2026-09-30" });
    expect(proratedFirstPeriodAmount(s, 30000)).toBe(4565);
    expect(nextInvoiceDate(s, "2026-10-02")).toBe("2027-01-01");
    expect(nextInvoiceDate(s, "2026-10-01")).toBe("2026-10-01");
  });

  it("yearly periods from the invoice day", () => {
    const s = { startsOn: "2026-03-05", invoiceDay: 5, intervalMonths: 12 };
    expect(billingPeriods(s, "2028-03-05")).toEqual(spans("2026-03-05..2027-03-04", "2027-03-05..2028-03-04", "2028-03-05..2029-03-04"));
    expect(periodContaining(s, "2028-02-29")).toEqual({ start: "2027-03-05", end: "2028-03-04" });
    expect(nextInvoiceDate(s, "2026-03-06")).toBe("2027-03-05");
  });

  it("yearly plan started off the invoice day: prorated over the year ending that day", () => {
    const s = { startsOn: "2026-06-20", invoiceDay: 1, intervalMonths: 12 };
    expect(firstPeriod(s)).toEqual({ start: "2026-06-20", end: "2026-06-30" });
    // 11 days of 2025-07-01..2026-06-30 (365 days): 120000 × 11 / 365 = 3616.438… → 3616.
    expect(proratedFirstPeriodAmount(s, 120000)).toBe(3616);
    expect(periodContaining(s, "2027-06-30")).toEqual({ start: "2026-07-01", end: "2027-06-30" });
  });
});

describe("what an invoice day bills", () => {
  it("the first invoice carries the prorated period and the coming whole period", () => {
    const s = { startsOn: "2026-09-17", invoiceDay: 1, intervalMonths: 3 };
    expect(periodsInvoicedOn(s, "2026-09-17")).toEqual([]);
    expect(periodsInvoicedOn(s, "2026-10-01")).toEqual(spans("2026-09-17..2026-09-30", "2026-10-01..2026-12-31"));
    expect(periodsInvoicedOn(s, "2026-11-01")).toEqual([]); // a monthly invoice day inside a quarter
    expect(periodsInvoicedOn(s, "2027-01-01")).toEqual([{ start: "2027-01-01", end: "2027-03-31" }]);
  });

  it("a membership starting on the invoice day is billed on its first day", () => {
    const s = { startsOn: "2026-12-01", invoiceDay: 1, intervalMonths: 1 };
    expect(periodsInvoicedOn(s, "2026-12-01")).toEqual([{ start: "2026-12-01", end: "2026-12-31" }]);
    expect(periodsInvoicedOn(s, "2026-11-01")).toEqual([]);
    expect(periodsInvoicedOn(s, "2026-12-15")).toEqual([]);
  });
});

describe("proration", () => {
  it("a monthly plan started on the 17th of a 30-day month", () => {
    const s = { startsOn: "2026-09-17", invoiceDay: 1, intervalMonths: 1 };
    expect(firstPeriod(s)).toEqual({ start: "2026-09-17", end: "2026-09-30" });
    // 14 days of 30: 4999 × 14 / 30 = 69986 / 30 = 2332.866… → 2333 cents.
    expect(proratedFirstPeriodAmount(s, 4999)).toBe(2333);
  });

  it("rounds an exact half up", () => {
    // 2026-06-16..2026-06-30 = 15 days of June's 30: 4999 × 15 / 30 = 2499.5 → 2500.
    const s = { startsOn: "2026-06-16", invoiceDay: 1, intervalMonths: 1 };
    expect(proratedFirstPeriodAmount(s, 4999)).toBe(2500);
    // 1 cent × 15 / 30 = 0.5 → 1.
    expect(proratedFirstPeriodAmount(s, 1)).toBe(1);
  });

  it("a first period that is whole is not prorated", () => {
    const s = { startsOn: "2026-06-01", invoiceDay: 1, intervalMonths: 1 };
    expect(proratedFirstPeriodAmount(s, 4999)).toBe(4999);
  });

  it("prorates against a February base (28 days)", () => {
    // Starts 2027-02-15, invoice day 1: 15..28 Feb = 14 days of 28: 2800 × 14 / 28 = 1400.
    const s = { startsOn: "2027-02-15", invoiceDay: 1, intervalMonths: 1 };
    expect(proratedFirstPeriodAmount(s, 2800)).toBe(1400);
  });
});

describe("cancelsOn", () => {
  const monthly = { startsOn: "2026-01-01", invoiceDay: 1, intervalMonths: 1 };

  it("ends with the period containing today + notice", () => {
    expect(cancelsOn(monthly, "2026-05-10", 0)).toBe("2026-05-31");
    expect(cancelsOn(monthly, "2026-05-10", 21)).toBe("2026-05-31"); // 31 May ≥ 31 May
    expect(cancelsOn(monthly, "2026-05-10", 22)).toBe("2026-06-30"); // 1 June > 31 May
    expect(cancelsOn(monthly, "2026-05-31", 0)).toBe("2026-05-31");
  });

  it("a notice crossing the end of February, non-leap year", () => {
    // 2027-02-09 + 20 = 2027-03-01 (February has 28 days): the period ending 31 March.
    expect(cancelsOn(monthly, "2027-02-09", 20)).toBe("2027-03-31");
    // 2027-02-08 + 20 = 2027-02-28: the period ending 28 February.
    expect(cancelsOn(monthly, "2027-02-08", 20)).toBe("2027-02-28");
  });

  it("a notice crossing the end of February, leap year", () => {
    // 2028-02-09 + 20 = 2028-02-29: the period ending 29 February.
    expect(cancelsOn(monthly, "2028-02-09", 20)).toBe("2028-02-29");
    // 2028-02-10 + 20 = 2028-03-01: the period ending 31 March.
    expect(cancelsOn(monthly, "2028-02-10", 20)).toBe("2028-03-31");
  });

  it("counts the short first period and whole quarters", () => {
    const s = { startsOn: "2026-09-17", invoiceDay: 1, intervalMonths: 3 };
    expect(cancelsOn(s, "2026-09-20", 5)).toBe("2026-09-30");
    expect(cancelsOn(s, "2026-09-20", 11)).toBe("2026-12-31");
    // Asked before the start: at least the first period.
    expect(cancelsOn(s, "2026-09-01", 0)).toBe("2026-09-30");
  });

  it("with invoice day 28 and a long notice", () => {
    const s = { startsOn: "2026-01-28", invoiceDay: 28, intervalMonths: 1 };
    // 2026-02-10 + 60 = 2026-04-11: period 28 Mar..27 Apr.
    expect(cancelsOn(s, "2026-02-10", 60)).toBe("2026-04-27");
  });
});

describe("plan changes", () => {
  it("take effect on the first day of the next period", () => {
    const s = { startsOn: "2026-09-17", invoiceDay: 1, intervalMonths: 3 };
    expect(planChangeEffectiveOn(s, "2026-09-20")).toBe("2026-10-01");
    expect(planChangeEffectiveOn(s, "2026-10-01")).toBe("2027-01-01");
    expect(planChangeEffectiveOn(s, "2026-12-31")).toBe("2027-01-01");
    expect(planChangeEffectiveOn(s, "2026-08-01")).toBe("2026-10-01");
  });

  it("periods of the new interval count from the change day, without proration", () => {
    const s = { startsOn: "2026-01-15", invoiceDay: 15, intervalMonths: 12 };
    const on = planChangeEffectiveOn(s, "2026-06-01");
    expect(on).toBe("2027-01-15");
    const after = scheduleAfterChange(s, on, 1);
    expect(hasProratedFirstPeriod(after)).toBe(false);
    expect(billingPeriods(after, "2027-02-15")).toEqual(spans("2027-01-15..2027-02-14", "2027-02-15..2027-03-14"));
  });

  it("rejects schedules outside the contract's ranges", () => {
    expect(() => firstPeriod({ startsOn: "2026-01-01", invoiceDay: 29, intervalMonths: 1 })).toThrow(RangeError);
    expect(() => firstPeriod({ startsOn: "2026-01-01", invoiceDay: 1, intervalMonths: 13 })).toThrow(RangeError);
    expect(() => firstPeriod({ startsOn: "2026-02-30", invoiceDay: 1, intervalMonths: 1 })).toThrow(RangeError);
  });
});

describe("days in a timezone", () => {
  it("today in Brussels across the spring DST change (29 March 2026)", () => {
    // 23:30 UTC on 28 March = 00:30 CET (UTC+1) on 29 March.
    expect(dayInTimeZone(Date.UTC(2026, 2, 28, 23, 30), "Europe/Brussels")).toBe("2026-03-29");
    expect(dayInTimeZone(Date.UTC(2026, 2, 28, 22, 59), "Europe/Brussels")).toBe("2026-03-28");
    // 22:30 UTC on 29 March = 00:30 CEST (UTC+2) on 30 March.
    expect(dayInTimeZone(Date.UTC(2026, 2, 29, 22, 30), "Europe/Brussels")).toBe("2026-03-30");
    expect(startOfDayMs("2026-03-29", "Europe/Brussels")).toBe(Date.UTC(2026, 2, 28, 23));
    expect(startOfDayMs("2026-03-30", "Europe/Brussels")).toBe(Date.UTC(2026, 2, 29, 22));
    expect(dayLengthMs("2026-03-29", "Europe/Brussels")).toBe(23 * H);
  });

  it("today in Brussels across the autumn DST change (25 October 2026)", () => {
    expect(dayInTimeZone(Date.UTC(2026, 9, 24, 22, 30), "Europe/Brussels")).toBe("2026-10-25");
    expect(dayInTimeZone(Date.UTC(2026, 9, 25, 22, 30), "Europe/Brussels")).toBe("2026-10-25");
    expect(dayInTimeZone(Date.UTC(2026, 9, 25, 23, 0), "Europe/Brussels")).toBe("2026-10-26");
    expect(dayLengthMs("2026-10-25", "Europe/Brussels")).toBe(25 * H);
  });

  it("other zones, including a day that DST makes start at 01:00", () => {
    expect(dayInTimeZone(Date.UTC(2026, 0, 1, 3), "America/New_York")).toBe("2025-12-31");
    expect(dayInTimeZone(Date.UTC(2026, 0, 1, 3), "UTC")).toBe("2026-01-01");
    expect(dayInTimeZone(Date.UTC(2026, 0, 1, 11), "Pacific/Auckland")).toBe("2026-01-02");
    // Chile springs forward at 24:00 on Saturday 5 September 2026: Sunday starts at 01:00 (-03).
    expect(startOfDayMs("2026-09-06", "America/Santiago")).toBe(Date.UTC(2026, 8, 6, 4));
    expect(dayLengthMs("2026-09-05", "America/Santiago")).toBe(24 * H);
    expect(dayLengthMs("2026-09-06", "America/Santiago")).toBe(23 * H);
  });

  it("rejects an unknown zone", () => {
    expect(() => dayInTimeZone(0, "Mars/Olympus_Mons")).toThrow(RangeError);
  });
});

describe("dayInTimeZone, asked again and again", () => {
  it("answers the right day on each side of a community's midnight, within one minute and across it", () => {
    // Paris in winter is UTC+1: midnight of 1 February 2027 is 2027-01-31T23:00:00Z.
    const midnight = Date.parse("2027-01-31T23:00:00Z");
    expect(dayInTimeZone(midnight - 60_001, "Europe/Paris")).toBe("2027-01-31");
    expect(dayInTimeZone(midnight - 1, "Europe/Paris")).toBe("2027-01-31");
    expect(dayInTimeZone(midnight, "Europe/Paris")).toBe("2027-02-01");
    expect(dayInTimeZone(midnight + 59_999, "Europe/Paris")).toBe("2027-02-01");
    // Back in time, and another zone between two asks of the same one.
    expect(dayInTimeZone(midnight - 1, "Europe/Paris")).toBe("2027-01-31");
    expect(dayInTimeZone(midnight, "Asia/Kolkata")).toBe("2027-02-01"); // 04:30 there
    expect(dayInTimeZone(midnight, "America/New_York")).toBe("2027-01-31"); // 18:00 there
    // Kathmandu is UTC+5:45: its midnight falls on a quarter hour.
    const kathmandu = Date.parse("2027-01-31T18:15:00Z");
    expect(dayInTimeZone(kathmandu - 1, "Asia/Kathmandu")).toBe("2027-01-31");
    expect(dayInTimeZone(kathmandu, "Asia/Kathmandu")).toBe("2027-02-01");
  });
});
