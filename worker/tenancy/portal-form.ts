import { msg } from "../../web/i18n";
import { ApiError } from "../http/errors";
import type { Form } from "../http/forms";
import { addDays, dayInTimeZone, isDay, startOfDayMs, type Day } from "../memberships/periods";

// The /admin/portal forms as the API's bodies: the switches (a checkbox that is not ticked
// sends nothing, so each switch also posts a hidden "off" before its box), the banner's
// window typed as wall-clock times of the community's timezone, and an announcement's last day.

/** The member portal's switches that have a tab or an action today (bookings, events and the help desk add theirs with their issues). */
export const PORTAL_SWITCHES = ["directory", "cancelMembership", "changeMembership", "editBillingDetails"] as const;
export type PortalSwitch = (typeof PORTAL_SWITCHES)[number];

/** The form name of a switch's checkbox (and of the hidden "off" posted before it). */
export const switchField = (key: PortalSwitch) => `features.${key}`;

/**
 * The `features` patch of the switches form: each switch whose field was posted (its hidden
 * "off", then "on" when ticked: the last value wins), so a switch the form does not carry stays as stored.
 */
export function switchesPatch(form: Form): { features: Record<string, boolean> } {
  const features: Record<string, boolean> = {};
  for (const key of PORTAL_SWITCHES) if (form.has(switchField(key))) features[key] = form.bool(switchField(key));
  return { features };
}

/** Every switch as members get it (absent means on). */
export function switchStates(features: Record<string, boolean>): Record<PortalSwitch, boolean> {
  return Object.fromEntries(PORTAL_SWITCHES.map((key) => [key, features[key] !== false])) as Record<PortalSwitch, boolean>;
}

// ── wall-clock times in a timezone ─────────────────────────────────────────

const wallFormats = new Map<string, Intl.DateTimeFormat>();

function wallFormat(timeZone: string): Intl.DateTimeFormat {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    wallFormats.set(timeZone, f);
  }
  return f;
}

/** The wall clock of `timeZone` at the instant `ms`, as the UTC instant with the same digits. */
function wallClockMs(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of wallFormat(timeZone).formatToParts(ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** How far `timeZone` is ahead of UTC at the instant `ms`. */
const offsetAt = (ms: number, timeZone: string) => wallClockMs(Math.floor(ms / 1000) * 1000, timeZone) - Math.floor(ms / 1000) * 1000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * The instant a `datetime-local` value (`2027-03-01T09:30`) names in `timeZone`, or null
 * when it is not one. A time skipped by a DST change reads with the offset before the
 * change (02:30 on a spring-forward night is 03:30); a repeated one is its first occurrence.
 */
export function localTimeToMs(local: string, timeZone: string): number | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(naive).getUTCDate() !== d) return null;
  // The offset one day before and after brackets any change: take the one that gives back the digits typed.
  const candidates = [...new Set([offsetAt(naive - 86_400_000, timeZone), offsetAt(naive, timeZone), offsetAt(naive + 86_400_000, timeZone)])].map((o) => naive - o);
  const exact = candidates.filter((ms) => wallClockMs(ms, timeZone) === naive).sort((a, b) => a - b);
  return exact[0] ?? naive - offsetAt(naive - 86_400_000, timeZone);
}

/** The `datetime-local` value (`2027-03-01T09:30`) of the instant `ms` in `timeZone`. */
export function msToLocalTime(ms: number, timeZone: string): string {
  return new Date(wallClockMs(ms, timeZone)).toISOString().slice(0, 16);
}

const invalid = (field: string, key: Parameters<typeof msg>[0]) => new ApiError(422, "validation_failed", "Some fields are invalid.", { [field]: msg(key) });

/** A window bound typed in the form: null when empty, its ISO instant, or 422 on the field. */
function boundOf(value: string, field: string, timeZone: string): string | null {
  if (value.trim() === "") return null;
  const ms = localTimeToMs(value, timeZone);
  if (ms === null) throw invalid(field, "portal.error.datetime");
  return new Date(ms).toISOString();
}

/** The status form as `PATCH /api/v1/tenant`'s `status` (its window in the community's timezone). */
export function statusPatch(values: Record<string, string>, timeZone: string) {
  return {
    status: {
      state: values.state ?? "",
      message: values.message ?? "",
      from: boundOf(values.from ?? "", "status.from", timeZone),
      until: boundOf(values.until ?? "", "status.until", timeZone),
    },
  };
}

// ── an announcement's last day ─────────────────────────────────────────────

/** The last day an announcement shows (inclusive) as its `until` (the next day's start in `timeZone`), null when empty, 422 otherwise. */
export function untilOfDay(value: string, timeZone: string): string | null {
  const day = value.trim();
  if (day === "") return null;
  if (!isDay(day)) throw invalid("until", "field.day");
  return new Date(startOfDayMs(addDays(day, 1), timeZone)).toISOString();
}

/** The last day an announcement with this `until` shows, in `timeZone`. */
export function dayOfUntil(until: string, timeZone: string): Day {
  return dayInTimeZone(Date.parse(until) - 1, timeZone);
}

/** The announcement form as the API's body (`email` only when creating). */
export function announcementBody(form: Form, timeZone: string, creating: boolean) {
  return {
    title: form.str("title"),
    body: form.str("body"),
    plans: form.list("plans"),
    groups: form.list("groups"),
    until: untilOfDay(form.str("until"), timeZone),
    ...(creating ? { email: form.bool("email") } : {}),
  };
}
