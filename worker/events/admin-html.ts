import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t as tr } from "../../web/i18n";
import { AdminEventFormPage, AdminEventsPage, type AdminEventsQuery, type AttendeeItem, type Choice, type EventFormValues } from "../../web/pages/events/admin";
import { ADMIN_EVENTS_PATH, adminEventPath } from "../../web/pages/events/shared";
import { valueDisplay } from "../../web/pages/profiles/inputs";
import type { AppEnv } from "../env";
import { viewingAsMember } from "../http/context";
import { forbidden } from "../http/errors";
import { formAction, readForm, withDone, type FormFailure } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { groupDirectory } from "../groups/queries";
import { clockOf } from "../memberships/service";
import { listFields } from "../profiles/service";
import { listResources } from "../resources/service";
import { eventTypesCached } from "./cache";
import { eventFormInput, eventFormOf, eventFormValues } from "./form";
import { eventContext, eventRefusalText, eventsReader, type EventsReader } from "./html";
import { attendees, cancelEvent, createEvent, listEvents, updateEvent, type AttendeeView, type EventView } from "./service";

// /admin/events, /admin/events/new, /admin/events/{id}: the community's owners and admins
// manage every event; a group's admins the (free) events of the groups they run.

const NOTICES = { created: "events.admin.done.created", saved: "events.admin.done.saved", canceled: "events.admin.done.canceled" } as const;

/** The slugs of the groups the reader runs (owner or admin). */
async function runGroups(r: EventsReader): Promise<Choice[]> {
  const all = await groupDirectory(r.t);
  const runs = (id: string) => r.viewer.admin || r.viewer.groupRoles[id] === "admin" || r.viewer.groupRoles[id] === "owner";
  return all.filter((g) => runs(g.id)).map((g) => ({ value: g.slug, label: g.name }));
}

type AdminReader = EventsReader & { groups: Choice[] };

/** A community admin, or a group's admin (for their groups' events); anyone else the 403 page, a visitor the login. */
async function eventsAdmin(c: Context<AppEnv>, next?: string): Promise<AdminReader | Response> {
  const r = await eventsReader(c, next);
  if (r instanceof Response) return r;
  const groups = await runGroups(r);
  if (!r.viewer.admin && groups.length === 0) throw forbidden("forbidden", "Only community owners and admins (or a group's admins) manage events.");
  return { ...r, groups };
}

function adminQueryOf(c: Context<AppEnv>): AdminEventsQuery {
  return { when: c.req.query("when") === "past" ? "past" : "upcoming", type: (c.req.query("type") ?? "").trim().slice(0, 60), group: (c.req.query("group") ?? "").trim().slice(0, 100) };
}

async function listPage(c: Context<AppEnv>, r: AdminReader) {
  const query = adminQueryOf(c);
  const [list, types] = await Promise.all([listEvents(r.t, r.viewer, { when: query.when, ...(query.type ? { type: query.type } : {}) }, clockOf(r.tenant).now, { limit: 200, cursor: null }), eventTypesCached(r.t)]);
  // A group's admin sees the events of the groups they run; the group filter keeps one group's.
  const mine = new Set(r.groups.map((g) => g.value));
  const shown = list.items.filter((e) => (r.viewer.admin || (e.group !== null && mine.has(e.group.slug))) && (!query.group || e.group?.slug === query.group));
  const ctx = pageContext(c);
  const page = AdminEventsPage({ ctx, viewingAsMember: viewingAsMember(c), query, types, groups: r.groups, events: shown, mayCreate: true, ...doneNotice(c, NOTICES) });
  return renderPage(c, tr(ctx.lang, "admin.nav.events"), page);
}

const answerText = (lang: Parameters<typeof valueDisplay>[0], v: unknown) =>
  v === undefined || v === null ? "" : valueDisplay(lang, "text", v as Parameters<typeof valueDisplay>[2]);

type Typed = { values?: EventFormValues; errors: Record<string, string>; formError?: string | undefined };

/** The event's form (a new one when `id` is null), as stored or as typed with its errors, and its attendees. */
async function formPage(c: Context<AppEnv>, r: AdminReader, id: string | null, typed?: Typed, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  const ectx = await eventContext(c, r);
  const found: { event: EventView; items: AttendeeView[] } | null = id ? await attendees(r.t, r.tenant, r.viewer, id) : null;
  const [resources, fields] = await Promise.all([listResources(r.t, { userId: r.user.id, all: r.viewer.admin }), listFields(r.t)]);
  const defaults = { taxRate: ectx.billing.defaultTaxRate, group: r.viewer.admin ? (c.req.query("group") ?? "") : (c.req.query("group") ?? r.groups[0]?.value ?? "") };
  const items: AttendeeItem[] = (found?.items ?? []).map((a) => ({ name: a.name, email: a.email, status: a.status, registeredAt: a.registeredAt, answers: Object.fromEntries(Object.entries(a.answers).map(([k, v]) => [k, answerText(ctx.lang, v)])) }));
  const page = AdminEventFormPage({
    ctx,
    viewingAsMember: viewingAsMember(c),
    event: found?.event ?? null,
    currency: found?.event.price?.currency ?? ectx.billing.currency,
    values: typed?.values ?? eventFormOf(ctx.lang, found?.event ?? null, r.tenant.timezone, defaults),
    errors: typed?.errors ?? {},
    formError: typed?.formError,
    resources: resources.map((x) => ({ value: x.id, label: x.name })),
    groups: r.groups,
    profileFields: fields.map((f) => ({ value: f.key, label: f.label })),
    groupOnly: !r.viewer.admin,
    attendees: items,
    ...doneNotice(c, NOTICES),
  });
  return renderPage(c, found?.event.title ?? tr(ctx.lang, "events.admin.new_title"), page, status);
}

/** The form again after a refusal: errors beside their fields, the refusal (in the events' words) above. */
function refusedForm(c: Context<AppEnv>, r: AdminReader, id: string | null, values: EventFormValues, f: FormFailure) {
  const lang = pageContext(c).lang;
  // A group's admin may do all but set a price: that refusal belongs beside the price.
  if (f.err.code === "forbidden" && !r.viewer.admin && values.price !== "") return formPage(c, r, id, { values, errors: { price: tr(lang, "events.error.price_needs_admin") } }, f.status);
  const formError = Object.keys(f.errors).length > 0 ? undefined : eventRefusalText(lang, f);
  return formPage(c, r, id, { values, errors: f.errors, formError }, f.status);
}

export const eventAdminPages = new Hono<AppEnv>()
  .get("/admin/events", async (c) => {
    const r = await eventsAdmin(c);
    return r instanceof Response ? r : listPage(c, r);
  })
  .get("/admin/events/new", async (c) => {
    const r = await eventsAdmin(c);
    return r instanceof Response ? r : formPage(c, r, null);
  })
  .post("/admin/events/new", async (c) => {
    const r = await eventsAdmin(c, `${ADMIN_EVENTS_PATH}/new`);
    if (r instanceof Response) return r;
    const [ctx, values] = [await eventContext(c, r), eventFormValues(await readForm(c))];
    return formAction(c, {
      run: () => createEvent(r.t, ctx, r.viewer, eventFormInput(values, ctx.billing.currency, r.tenant.timezone)),
      render: (f) => refusedForm(c, r, null, values, f),
      done: (event) => withDone(adminEventPath(event.id), "created"),
    });
  })
  .get("/admin/events/:id", async (c) => {
    const r = await eventsAdmin(c);
    return r instanceof Response ? r : formPage(c, r, c.req.param("id"));
  })
  .post("/admin/events/:id", async (c) => {
    const r = await eventsAdmin(c, adminEventPath(c.req.param("id")));
    if (r instanceof Response) return r;
    const [ctx, values, id] = [await eventContext(c, r), eventFormValues(await readForm(c)), c.req.param("id")];
    return formAction(c, {
      run: () => updateEvent(r.t, ctx, r.viewer, id, eventFormInput(values, ctx.billing.currency, r.tenant.timezone)),
      render: (f) => refusedForm(c, r, id, values, f),
      done: () => withDone(adminEventPath(id), "saved"),
    });
  })
  .post("/admin/events/:id/cancel", async (c) => {
    const r = await eventsAdmin(c, adminEventPath(c.req.param("id")));
    if (r instanceof Response) return r;
    const [ctx, id] = [await eventContext(c, r), c.req.param("id")];
    return formAction(c, {
      run: () => cancelEvent(r.t, ctx, r.viewer, id),
      render: (f) => formPage(c, r, id, { errors: {}, formError: eventRefusalText(pageContext(c).lang, f) }, f.status),
      done: () => withDone(adminEventPath(id), "canceled"),
    });
  });
