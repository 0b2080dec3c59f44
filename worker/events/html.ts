import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t as tr, type Lang, type MessageKey } from "../../web/i18n";
import { EventPage, type EventPageProps } from "../../web/pages/events/detail";
import { EventsOffPage, EventsPage, monthStep, type EventsQuery } from "../../web/pages/events/list";
import { eventPath } from "../../web/pages/events/shared";
import { formInputs, type ProfileInputField } from "../../web/pages/profiles/inputs";
import { tenantDb, type TenantDb } from "../db/client";
import type { Tenant, User } from "../db/schema";
import type { AppEnv } from "../env";
import { requireTenant, viewingAsMember } from "../http/context";
import { formAction, readForm, requirePageUser, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, rememberedBodies, renderPage, renderWith } from "../http/render";
import { idOf } from "../../web/ui/memo";
import { billingSettingsOf } from "../invoices/settings";
import { isDay, startOfDayMs } from "../memberships/periods";
import { clockOf } from "../memberships/service";
import { eventTypesCached } from "./cache";
import { decideEvent } from "./policy";
import { attendEvent, eventViewer, getEvent, leaveEvent, listEvents, registrationFields, type EventContext, type EventViewer, type RegistrationField } from "./service";

// /events and /events/{id} (API.md "Portal pages"): server-rendered pages over the events
// service; registering and cancelling are plain forms (POST, then 303 with `?done=`).

const NOTICES = { going: "events.done.going", waitlisted: "events.done.waitlisted", canceled: "events.done.canceled" } as const;

/** The refusals the events pages word themselves (the rest: the generic wording of their status). */
const REFUSALS: Partial<Record<string, MessageKey>> = {
  membership_required: "events.error.membership_required",
  event_closed: "events.error.event_closed",
  already_registered: "events.error.already_registered",
  slot_taken: "events.error.slot_taken",
  feature_disabled: "events.error.feature_disabled",
};

/** A refusal in the reader's language: the events' own wording by code, else the form kit's. */
export function eventRefusalText(lang: Lang, f: Pick<FormFailure, "err" | "formError">): string {
  const key = REFUSALS[f.err.code];
  return key ? tr(lang, key) : (f.formError ?? "");
}

/** Who reads an events page, with what the service needs. */
export type EventsReader = { tenant: Tenant; t: TenantDb; user: User; viewer: EventViewer };

/**
 * The signed-in reader of an events page, or the response instead: the login redirect for a
 * visitor, the "switched off" page (403) for a member when the community turned events off.
 */
export async function eventsReader(c: Context<AppEnv>, next?: string): Promise<EventsReader | Response> {
  const tenant = requireTenant(c);
  const user = requirePageUser(c, next);
  if (user instanceof Response) return user;
  const asMember = viewingAsMember(c);
  const d = decideEvent({ tenantRole: user.tenantRole, viewingAsMember: asMember }, "read", tenant.features);
  if (!d.ok && d.why === "feature_disabled") return renderPage(c, tr(pageContext(c).lang, "events.title"), EventsOffPage({ ctx: pageContext(c) }), 403);
  const t = tenantDb(c.env, tenant);
  return { tenant, t, user, viewer: await eventViewer(t, user, { viewingAsMember: asMember }) };
}

/** What the service's writes need: the community, its billing settings and the clock. */
export async function eventContext(c: Context<AppEnv>, r: Pick<EventsReader, "tenant" | "t">): Promise<EventContext> {
  return { tenant: r.tenant, env: c.env, billing: await billingSettingsOf(r.t, r.tenant.name), clock: clockOf(r.tenant) };
}

/** `/events`'s query as asked, anything unknown read as the default (the month: today's). */
function eventsQueryOf(c: Context<AppEnv>, today: string): EventsQuery {
  const date = c.req.query("date") ?? "";
  return {
    when: c.req.query("when") === "past" ? "past" : "upcoming",
    view: c.req.query("view") === "month" ? "month" : "list",
    type: (c.req.query("type") ?? "").trim().slice(0, 60),
    date: isDay(date) ? date : today,
  };
}

/** Events per page of the list (then a "more" link). */
const PAGE = 30;

async function eventsPage(c: Context<AppEnv>, r: EventsReader) {
  const clock = clockOf(r.tenant);
  const query = eventsQueryOf(c, clock.today);
  const tz = r.tenant.timezone;
  const month = `${query.date.slice(0, 7)}-01`;
  const filter = query.view === "month" ? { from: startOfDayMs(month, tz), to: startOfDayMs(monthStep(month, 1), tz) } : { when: query.when };
  const [list, types] = await Promise.all([
    listEvents(r.t, r.viewer, { ...filter, ...(query.type ? { type: query.type } : {}) }, clock.now, query.view === "month" ? { limit: 200, cursor: null } : { limit: PAGE, cursor: c.req.query("cursor") ?? null }),
    eventTypesCached(r.t),
  ]);
  const ctx = pageContext(c);
  const adminNotice = r.tenant.features.events === false;
  const nextCursor = query.view === "month" ? null : list.nextCursor;
  // The body is a pure function of these inputs (the nonce aside, which it never reads), as the
  // dashboard's: the same list for the same reader is rendered once. The list stands in the key
  // by identity (the same page object while its cached reads stay the same, service.ts).
  const body = eventLists(ctx, JSON.stringify([query, types, idOf(list), nextCursor, clock.today, adminNotice]), () => EventsPage({ ctx, query, types, events: list.items, nextCursor, today: clock.today, adminNotice }));
  return renderWith(c, ctx, { title: tr(ctx.lang, "events.title"), body });
}

const eventLists = rememberedBodies(200);

/** The registration form's controls: every field the event asks is required. */
const inputsOf = (fields: RegistrationField[]): ProfileInputField[] => fields.map((f) => ({ key: f.key, label: f.label, type: f.type, required: true, options: f.options, value: f.value }));

type Shown = Pick<EventPageProps, "values" | "errors" | "refusal">;

/** One event's page (404 when the reader may not see it), as stored or after a refused form. */
async function eventPage(c: Context<AppEnv>, r: EventsReader, shown: Shown = {}, status: ContentfulStatusCode = 200) {
  const id = c.req.param("id") ?? "";
  const event = await getEvent(r.t, r.tenant, r.viewer, id);
  const fields = event.fields.length > 0 && event.myStatus === null ? inputsOf(await registrationFields(r.t, r.tenant, r.viewer, id)) : [];
  const closed = event.canceledAt !== null || Date.parse(event.startsAt) <= clockOf(r.tenant).now;
  const ctx = pageContext(c);
  return renderPage(c, event.title, EventPage({ ctx, event, fields, closed, ...doneNotice(c, NOTICES), ...shown }), status);
}

/** The page again after a refused registration or cancellation: field errors beside their fields, else the refusal above. */
function refused(c: Context<AppEnv>, r: EventsReader, f: FormFailure, values?: Shown["values"]) {
  const fields = Object.keys(f.errors).length > 0;
  const lang = pageContext(c).lang;
  const refusal = fields ? undefined : { code: f.err.code, message: eventRefusalText(lang, f) };
  return eventPage(c, r, { values, errors: f.errors, refusal }, f.status);
}

export const eventPages = new Hono<AppEnv>()
  .get("/events", async (c) => {
    const r = await eventsReader(c);
    return r instanceof Response ? r : eventsPage(c, r);
  })
  .get("/events/:id", async (c) => {
    const r = await eventsReader(c);
    return r instanceof Response ? r : eventPage(c, r);
  })
  .post("/events/:id/attend", async (c) => {
    const r = await eventsReader(c, eventPath(c.req.param("id")));
    if (r instanceof Response) return r;
    const [ctx, answers] = [await eventContext(c, r), formInputs((await readForm(c)).all, "fields.")];
    return formAction(c, {
      run: () => attendEvent(r.t, ctx, r.viewer, r.user, c.req.param("id"), { fields: answers }, "form"),
      render: (f) => refused(c, r, f, answers),
      done: (res) => withDone(eventPath(c.req.param("id")), res.status),
    });
  })
  .post("/events/:id/cancel", async (c) => {
    const r = await eventsReader(c, eventPath(c.req.param("id")));
    if (r instanceof Response) return r;
    const ctx = await eventContext(c, r);
    return formAction(c, {
      run: () => leaveEvent(r.t, ctx, r.viewer, c.req.param("id")),
      render: (f) => refused(c, r, f),
      done: () => withDone(eventPath(c.req.param("id")), "canceled"),
    });
  });
