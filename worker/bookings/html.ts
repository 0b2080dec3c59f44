import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type MessageKey } from "../../web/i18n";
import { problemErrors, seriesDates, type BookingFormValues } from "../../web/pages/bookings/booking-form";
import { BookingPage, BookingPreviewPage, BookingsOffPage, BookingsPage, type PreviewView } from "../../web/pages/bookings/bookings";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant, viewingAsMember } from "../http/context";
import { memberFeedUrl } from "../calendar/service";
import { secretsKeyOf } from "../invoices/sealed";
import { CalendarFeedControl } from "../../web/pages/calendar/feed-control";
import { formAction, readForm, signedIn, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, rememberedBodies, renderPage, renderWith } from "../http/render";
import { idOf } from "../../web/ui/memo";
import { calendarCached, calendarRead } from "./cache";
import { portalBasics, type PortalBasics } from "../memberships/http";
import { dayInTimeZone } from "../memberships/periods";
import { actingAdmin, decide, type BookingActor } from "../resources/policy";
import { listResources, type ResourceView } from "../resources/service";
import { calendarAsk, calendarGrid, calendarRange, daysOf, monthWeeks, type CalendarAsk, type GridResource } from "./calendar-view";
import { bookFromForm, previewFromForm } from "./form";
import { bookingNoticesOf } from "../calendar/http";
import { deliverSoon } from "../mail/deliver";
import { bookerOf, bookingFor, cancelBooking, myBookings, type BookingAnswer } from "./service";

// The member's /bookings pages (API.md "Portal pages"): the calendar (day, week, month) with
// the booking form and their bookings, the preview step, one booking with its cancel buttons.
// Every read and action is the bookings and resources services'; an owner or admin viewing as
// a member is a member here.

const NOTICES: Record<string, MessageKey> = { booked: "bookings.notice.booked", booked_series: "bookings.notice.booked_series", canceled: "bookings.notice.canceled" };
const HOUR = 3_600_000;
const MINUTE = 60_000;

const pageActor = (c: Context<AppEnv>): BookingActor => ({ tenantRole: c.get("user")?.tenantRole ?? null, viewingAsMember: viewingAsMember(c) });
const actsAsAdmin = (c: Context<AppEnv>) => actingAdmin(pageActor(c));
const idParam = (c: Context<AppEnv>) => {
  const id = c.req.param("id") ?? "";
  return id.length <= 64 ? id : "";
};

/** A visitor goes to log in; a member of a community that turned bookings off gets its page (403); null lets the reader in. */
async function gate(c: Context<AppEnv>): Promise<Response | null> {
  requireTenant(c);
  // A form posted after the session ended comes back to the calendar, not to a POST-only path.
  const login = signedIn(c, c.req.method === "GET" ? undefined : "/bookings");
  if (login) return login;
  if (decide(pageActor(c), "readBookings", requireTenant(c).features).ok) return null;
  return renderPage(c, t(pageContext(c).lang, "bookings.title"), BookingsOffPage({ ctx: pageContext(c) }), 403);
}

const gridResource = (r: ResourceView): GridResource => ({ id: r.id, name: r.name, units: r.units, openingHours: r.openingHours });

/** The form's values on arriving: a free slot's link fills it (`book`, `on`, `start`, `end`), else the shown resource and day. */
function arrivingValues(c: Context<AppEnv>, ask: CalendarAsk, today: string): BookingFormValues {
  const q = (n: string) => (c.req.query(n) ?? "").slice(0, 64);
  if (q("book")) return { resourceId: q("book"), date: q("on"), start: q("start"), end: q("end") };
  return { resourceId: ask.resource ?? "", date: ask.date < today ? today : ask.date };
}

/** /bookings: the calendar as asked, the booking form (filled by a slot link, or refused), the member's bookings. */
async function calendarPage(c: Context<AppEnv>, form?: { values: BookingFormValues; errors: Record<string, string> }, status: ContentfulStatusCode = 200) {
  const r = portalBasics(c);
  const admin = actsAsAdmin(c);
  const tz = r.tenant.timezone;
  const ask = calendarAsk((n) => c.req.query(n), r.clock.today);
  const range = calendarRange(ask.view, ask.date, tz);
  const viewer = `${r.user.id}:${admin ? "a" : "m"}`;
  const asked = { from: range.fromMs, to: range.toMs, ...(ask.resource ? { resourceId: ask.resource } : {}), ...(ask.category ? { category: ask.category } : {}) };
  const [resources, items, upcoming, past, feed] = await Promise.all([
    calendarRead(r.t, "resources", viewer, () => listResources(r.t, { userId: r.user.id, all: admin })),
    calendarCached(r.t, { userId: r.user.id, admin }, asked),
    calendarRead(r.t, "upcoming", `${r.user.id}:${Math.floor(r.clock.now / MINUTE)}`, () => myBookings(r.t, r.user.id, "upcoming", r.clock.now, { limit: 20, cursor: null })),
    calendarRead(r.t, "past", `${r.user.id}:${Math.floor(r.clock.now / MINUTE)}`, () => myBookings(r.t, r.user.id, "past", r.clock.now, { limit: 10, cursor: null })),
    calendarRead(r.t, "feed", `${r.user.id}:${requestOrigin(c)}`, () => memberFeedUrl(r.t, secretsKeyOf(c.env), requestOrigin(c), r.user.id)),
  ]);
  const ctx = pageContext(c);
  const values = form?.values ?? arrivingValues(c, ask, r.clock.today);
  const errors = form?.errors ?? {};
  const replaced = c.req.query("done") === "calendar";
  const adminOff = admin && r.tenant.features.bookings === false;
  const notice = doneNotice(c, NOTICES);
  // The body is a pure function of these inputs (the nonce aside, which it never reads), as the
  // dashboard's: a busy week is laid out once per reader while its reads stay cached. The big
  // reads stand in the key by identity (a cached read is the same array until it is read again).
  const inputs = JSON.stringify([tz, r.clock.today, Math.floor(r.clock.now / MINUTE), ask, range, idOf(resources), idOf(items), idOf(upcoming), idOf(past), feed, values, errors, replaced, adminOff, notice]);
  const body = calendarBodies(ctx, inputs, () => {
    const selected = resources.find((x) => x.id === ask.resource) ?? null;
    const shown = resources.filter((x) => !ask.category || x.category === ask.category);
    const columns =
      ask.view === "day"
        ? (selected ? [selected] : shown).map((x) => ({ day: ask.date, resource: gridResource(x) }))
        : daysOf(range.first, range.end).map((day) => ({ day, resource: selected ? gridResource(selected) : null }));
    return BookingsPage({
        ctx,
        timeZone: tz,
        today: r.clock.today,
        ask,
        range,
        resources: resources.map((x) => ({ id: x.id, name: x.name, category: x.category })),
        categories: [...new Set(resources.map((x) => x.category))],
        grid: ask.view !== "month" && columns.length > 0 ? calendarGrid(columns, items, tz, r.clock.now) : null,
        month: ask.view === "month" ? monthWeeks(range, items, tz) : null,
        adminOff,
        form: { values, errors },
        upcoming: upcoming.items,
        past: past.items,
        calendarFeed: CalendarFeedControl({ lang: ctx.lang, url: feed, back: "/bookings", replaced }),
        ...notice,
      });
  });
  return renderWith(c, ctx, { title: t(ctx.lang, "bookings.title"), body }, status);
}

/** A page with a busy week is some tens of KB. */
const calendarBodies = rememberedBodies(100);


type Refusal = { errors: Record<string, string>; formError?: string; membershipNeeded: boolean };

/** A refused preview or booking in the member's words: problems beside their fields, a series' dates named. */
function refusal(c: Context<AppEnv>, f: FormFailure, timeZone: string): Refusal {
  const lang = pageContext(c).lang;
  const extra = f.err.extra ?? {};
  const membershipNeeded = f.err.code === "membership_required";
  if (Array.isArray(extra.conflicts)) return { errors: {}, formError: t(lang, "bookings.conflicts", { dates: seriesDates(lang, extra.conflicts as { from: string }[], timeZone) }), membershipNeeded };
  if (Array.isArray(extra.problems) && typeof extra.problems[0] === "object") {
    return { errors: {}, formError: t(lang, "bookings.series_problems", { dates: seriesDates(lang, extra.problems as { from: string }[], timeZone) }), membershipNeeded };
  }
  if (Array.isArray(extra.problems) || f.err.code === "slot_taken") return { errors: problemErrors(lang, (extra.problems as string[] | undefined) ?? [f.err.code]), membershipNeeded };
  if (membershipNeeded) return { errors: {}, membershipNeeded };
  return { errors: f.errors, ...(f.formError ? { formError: f.formError } : {}), membershipNeeded };
}

/** The preview step (also where a refused confirmation comes back to). */
async function previewPage(c: Context<AppEnv>, r: PortalBasics, values: BookingFormValues, shown: Refusal, preview: (PreviewView & { problems: string[] }) | null, status: ContentfulStatusCode = 200) {
  const resources = await listResources(r.t, { userId: r.user.id, all: actsAsAdmin(c) });
  const ctx = pageContext(c);
  const props = { ctx, timeZone: r.tenant.timezone, resources: resources.map((x) => ({ id: x.id, name: x.name, category: x.category })), values, preview, ...shown };
  return renderPage(c, t(ctx.lang, "bookings.preview.title"), BookingPreviewPage(props), status);
}

/** The preview's answer for the page: the resource's name, its problems beside their fields. */
async function previewed(c: Context<AppEnv>, r: PortalBasics, values: BookingFormValues, answer: Awaited<ReturnType<typeof previewFromForm>>) {
  const resources = await listResources(r.t, { userId: r.user.id, all: actsAsAdmin(c) });
  const name = resources.find((x) => x.id === values.resourceId)?.name ?? "";
  const shown: Refusal = { errors: problemErrors(pageContext(c).lang, answer.problems), membershipNeeded: answer.problems.includes("membership_required") };
  return previewPage(c, r, values, shown, { ...answer, resourceName: name }, answer.available ? 200 : 422);
}

const booker = (c: Context<AppEnv>, r: PortalBasics) => bookerOf(r.t, r.user, actsAsAdmin(c), undefined);

const booked = (r: PortalBasics, res: BookingAnswer | BookingAnswer[]) =>
  Array.isArray(res) ? withDone(`/bookings?view=week&date=${r.clock.today}`, "booked_series") : withDone(`/bookings/${res.id}`, "booked");

/** One booking: the member's own, any for admins (404 otherwise); `formError` after a refused cancel. */
async function bookingPage(c: Context<AppEnv>, formError?: string, status: ContentfulStatusCode = 200) {
  const r = portalBasics(c);
  const admin = actsAsAdmin(c);
  const { view, resource } = await bookingFor(r.t, idParam(c), { userId: r.user.id, admin });
  const from = Date.parse(view.from);
  const until = resource.cancellationHours ? from - resource.cancellationHours * HOUR : null;
  const cancelable = admin || (r.clock.now < from && (until === null || r.clock.now <= until));
  const ctx = pageContext(c);
  const week = `/bookings?view=week&date=${dayInTimeZone(from, r.tenant.timezone)}`;
  const props = { ctx, timeZone: r.tenant.timezone, booking: view, week, showMember: admin && !view.mine, cancelUntil: !admin && until ? new Date(until).toISOString() : null, cancelable, formError, ...doneNotice(c, NOTICES) };
  return renderPage(c, t(ctx.lang, "bookings.detail.title", { resource: view.resource.name }), BookingPage(props), status);
}

export const bookingPages = new Hono<AppEnv>()
  .get("/bookings", async (c) => (await gate(c)) ?? calendarPage(c))
  .post("/bookings/preview", async (c) => {
    const closed = await gate(c);
    if (closed) return closed;
    const [r, form] = await Promise.all([portalBasics(c), readForm(c)]);
    const tz = r.tenant.timezone;
    return formAction(c, {
      form,
      run: async () => previewFromForm(r.t, r.tenant, r.clock, await booker(c, r), form.values),
      render: (f) => previewPage(c, r, form.values, refusal(c, f, tz), null, f.status),
      done: (answer) => previewed(c, r, form.values, answer),
    });
  })
  .post("/bookings", async (c) => {
    const closed = await gate(c);
    if (closed) return closed;
    const [r, form] = await Promise.all([portalBasics(c), readForm(c)]);
    return formAction(c, {
      form,
      run: async () => bookFromForm(r.t, r.tenant, r.clock, await booker(c, r), form.values, bookingNoticesOf(c, r.t, r.tenant).confirmed),
      render: (f) => previewPage(c, r, form.values, refusal(c, f, r.tenant.timezone), null, f.status),
      done: (res) => (deliverSoon(c), booked(r, res)),
    });
  })
  .get("/bookings/:id", async (c) => (await gate(c)) ?? bookingPage(c))
  .post("/bookings/:id/cancel", async (c) => {
    const closed = await gate(c);
    if (closed) return closed;
    const [r, form] = await Promise.all([portalBasics(c), readForm(c)]);
    const lang = pageContext(c).lang;
    return formAction(c, {
      form,
      run: () => cancelBooking(r.t, r.clock, idParam(c), { userId: r.user.id, admin: actsAsAdmin(c) }, { following: form.str("series") === "following", notice: bookingNoticesOf(c, r.t, r.tenant).canceled }),
      render: (f) => bookingPage(c, f.err.code === "cancellation_closed" ? t(lang, "bookings.cancel_closed") : f.formError, f.status),
      done: () => (deliverSoon(c), withDone("/bookings", "canceled")),
    });
  });
