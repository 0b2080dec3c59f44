import { describe, expect, it } from "vitest";
import { icsDocument, icsResponse, type CalendarEntry } from "./ics";

const utf8 = new TextEncoder();

/** Undoes RFC 5545 folding (CRLF followed by one space or tab). */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, "");

const room: CalendarEntry = {
  uid: "booking-abc@communities.test",
  start: new Date("2026-03-29T00:30:00Z"),
  end: new Date("2026-03-29T02:00:00Z"),
  summary: "Salle Łukasz Őry-Ærø; réunion, \"équipe\" \\ plan",
  description: "Ligne 1\nLigne 2 — Ærø, Ștefan; ".repeat(8),
  location: "Atelier Commun, 3 rue des Ærø",
  url: "https://demo.communities.test/bookings/abc",
};

describe("icsDocument writes RFC 5545 on workerd", () => {
  it("uses CRLF everywhere, folds at 75 octets without splitting a character, escapes text and stamps every event", () => {
    const text = icsDocument([room, { ...room, uid: "booking-def@communities.test", description: null, location: null, url: null }], { name: "Réservations de Łukasz", timezone: "Europe/Paris" });
    expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(text.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
    // Every line break is CRLF: no bare LF and no bare CR.
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    const lines = text.split("\r\n").filter((l) => l.length > 0);
    for (const line of lines) {
      expect(utf8.encode(line).length).toBeLessThanOrEqual(75);
      // A fold never cuts a UTF-8 sequence: each physical line is valid text on its own.
      expect(line).not.toMatch(/\uFFFD/);
    }
    expect(lines.some((l) => l.startsWith(" "))).toBe(true); // the long description was folded

    const unfolded = unfold(text);
    expect(unfolded).toContain("VERSION:2.0");
    expect(unfolded).toMatch(/^PRODID:.+$/m);
    expect(unfolded).toContain("METHOD:PUBLISH");
    expect(unfolded).toContain("X-WR-TIMEZONE:Europe/Paris");
    expect(unfolded).toContain("X-WR-CALNAME:Réservations de Łukasz");
    // Text values: backslash, semicolon and comma escaped, newlines as \n; UTF-8 kept as is.
    expect(unfolded).toContain('SUMMARY:Salle Łukasz Őry-Ærø\\; réunion\\, "équipe" \\\\ plan');
    expect(unfolded).toContain("DESCRIPTION:Ligne 1\\nLigne 2 — Ærø\\, Ștefan\\; Ligne 1\\n");
    expect(unfolded).toContain("LOCATION:Atelier Commun\\, 3 rue des Ærø");
    expect(unfolded).toContain("URL;VALUE=URI:https://demo.communities.test/bookings/abc");

    const events = unfolded.split("BEGIN:VEVENT").slice(1);
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatch(/\r\nUID:booking-(abc|def)@communities\.test\r\n/);
      expect(event).toMatch(/\r\nDTSTAMP:\d{8}T\d{6}Z\r\n/);
      // UTC times (a VTIMEZONE is then not needed): the start across the Paris DST change is exact.
      expect(event).toContain("DTSTART:20260329T003000Z");
      expect(event).toContain("DTEND:20260329T020000Z");
      expect(event).toContain("STATUS:CONFIRMED");
      expect(event).not.toContain("TZID");
    }
    expect(events[1]).not.toContain("LOCATION");
    expect(unfolded).not.toContain("BEGIN:VTIMEZONE");
  });

  it("writes METHOD:REQUEST for a confirmation and METHOD:CANCEL with STATUS:CANCELLED, a higher SEQUENCE and the same UID", () => {
    const request = unfold(icsDocument([room], { name: "Atelier", timezone: "Europe/Paris", method: "REQUEST" }));
    const cancel = unfold(icsDocument([{ ...room, status: "CANCELLED" }], { name: "Atelier", timezone: "Europe/Paris", method: "CANCEL" }));
    expect(request).toContain("METHOD:REQUEST");
    expect(request).toContain("STATUS:CONFIRMED");
    expect(request).toContain("SEQUENCE:0");
    expect(cancel).toContain("METHOD:CANCEL");
    expect(cancel).toContain("STATUS:CANCELLED");
    expect(cancel).toContain("SEQUENCE:1");
    expect(cancel).toContain("UID:booking-abc@communities.test");
    expect(request).toContain("UID:booking-abc@communities.test");
    // Under METHOD:CANCEL an entry without a status is cancelled too.
    expect(unfold(icsDocument([room], { name: "A", timezone: "UTC", method: "CANCEL" }))).toContain("STATUS:CANCELLED");
  });

  it("writes an empty calendar when there is nothing to show", () => {
    const text = icsDocument([], { name: "Empty", timezone: "America/New_York" });
    expect(text).toContain("BEGIN:VCALENDAR\r\n");
    expect(text).not.toContain("BEGIN:VEVENT");
  });

  it("answers text/calendar in UTF-8, named for download and never stored by a shared cache", async () => {
    const res = icsResponse(icsDocument([room], { name: "Ærø", timezone: "UTC" }), "booking Ærø/../x.ics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="booking__r__.._x.ics"');
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(await res.text()).toContain("SUMMARY:Salle Łukasz");
  });
});
