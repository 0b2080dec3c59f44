import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { prepared, webhookEventFilled } from "../webhooks/emit-many";
import { z } from "zod";
import { msg, t as tr, type Lang } from "../../web/i18n";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { ReadCache } from "../db/read-cache";
import { eventRegistrations, events, groups, planMemberships, profileFields, profileValues, resources, users, type EventRow, type GroupRole, type ProfileField, type Tenant, type User } from "../db/schema";
import { renderMarkdown } from "../discussions/markdown";
import type { Bindings } from "../env";
import { groupBySlug, viewerRoles } from "../groups/queries";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { csvCell } from "../http/csv";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { forgetInvoicesOf } from "../invoices/cache";
import { eventChargeStatement, uninvoicedChargeRemoval } from "../invoices/charges";
import { basisPointsToPercent, percentToBasisPoints, type Money } from "../invoices/money";
import type { BillingSettingsView } from "../invoices/settings";
import { eventMail, mailLang, tenantBrand, type EventMailKind, type MailMessage } from "../mail/templates";
import { dayInTimeZone } from "../memberships/periods";
import { givesAccess, type Clock } from "../memberships/service";
import { checkValue, readValue, VALUE_ERRORS, type FieldValue } from "../profiles/fields";
import { selfCanEdit, selfCanSee } from "../profiles/policy";
import { listFields, memberGroupIds } from "../profiles/service";
import { resourceRow } from "../resources/service";
import { platformUrl } from "../tenancy/hosts";
import type { AttendInput, EventInput, EventPatch, EventsQuery } from "./inputs";
import { decideEvent, type EventAction, type EventActor, type EventDecision } from "./policy";

export { attendInput, eventInput, eventPatch, eventsQuery, type AttendInput, type EventInput, type EventPatch, type EventsQuery } from "./inputs";

// Events (API.md "Events", branch ev-api). An admin (or a group's admin, for a free event of
// that group) creates an event; members register: going, or waitlisted when it is full.
//
// Two guarantees rest on single conditional statements (D1 runs one statement at a time):
//   - a registration is inserted by ONE statement that counts the seats taken and numbers the
//     arrival (`position`), so of concurrent registrations exactly `capacity` are going and the
//     rest waitlisted in arrival order; a promotion is one conditional update that re-counts;
//   - an event holding a resource is inserted (or moved) by ONE statement that checks no booking
//     and no other event overlaps, and the bookings' insert checks no event holds the slot
//     (worker/bookings/service.ts), so bookings and holds never overlap.
// Emails go through the outbox in the same batch as the change that causes them.


// ---- Views ---------------------------------------------------------------------------------

export type MyEventStatus = "going" | "waitlisted";

/** `GET /api/v1/events/{id}`: the contract's object, plus `descriptionHtml` (the Markdown rendered safely) and `taxRate`. */
export type EventView = {
  id: string;
  title: string;
  description: string;
  descriptionHtml: string;
  type: string | null;
  startsAt: string;
  endsAt: string;
  location: string | null;
  resource: { id: string; name: string; category: string } | null;
  capacity: number | null;
  price: Money | null;
  taxRate: number;
  group: { slug: string; name: string } | null;
  fields: string[];
  going: number;
  waitlisted: number;
  myStatus: MyEventStatus | null;
  canceledAt: string | null;
};

/** One registrant, for admins (`GET …/attendees`): going first, then the waitlist, each in registration order. */
export type AttendeeView = {
  userId: string;
  name: string;
  email: string;
  status: MyEventStatus;
  position: number;
  registeredAt: string;
  answers: Record<string, FieldValue>;
};

/** A field asked at registration, with the member's current value (for the registration form). */
export type RegistrationField = { key: string; label: string; type: ProfileField["type"]; options: string[]; value: FieldValue | null; savedToProfile: boolean };

/** Who looks: their id, whether they act as a community admin, and their role in each group (by group id). */
export type EventViewer = { userId: string; tenantRole: User["tenantRole"]; admin: boolean; viewingAsMember: boolean; groupRoles: Record<string, GroupRole> };

/** What writes need beside the database: the community (timezone, languages, name, brand), its billing settings and the clock. */
export type EventContext = { tenant: Tenant; env: Pick<Bindings, "ROOT_DOMAIN">; billing: BillingSettingsView; clock: Clock };

/** The viewer of a request: API requests act with their role; pages pass `viewingAsMember` ("view as member"). */
export async function eventViewer(t: TenantDb, user: Pick<User, "id" | "tenantRole">, opts: { viewingAsMember?: boolean } = {}): Promise<EventViewer> {
  const viewingAsMember = opts.viewingAsMember ?? false;
  const admin = (user.tenantRole === "owner" || user.tenantRole === "admin") && !viewingAsMember;
  return { userId: user.id, tenantRole: user.tenantRole, admin, viewingAsMember, groupRoles: await viewerRoles(t, user.id) };
}

const actorOf = (v: EventViewer): EventActor => ({ tenantRole: v.tenantRole, viewingAsMember: v.viewingAsMember });

/** The policy's refusal as the contract's error (`notFoundAs`: what a hidden event answers). */
export function refusal(d: EventDecision): ApiError | null {
  if (d.ok) return null;
  switch (d.why) {
    case "signed_out":
      return new ApiError(401, "unauthenticated", "Sign in first.");
    case "feature_disabled":
      return forbidden("feature_disabled", "This community has turned events off.");
    case "not_found":
      return notFound("No such event.");
    case "not_admin":
      return forbidden("forbidden", "Only community owners and admins (or the group's admins, for its events) can do this.");
    case "price_needs_admin":
      return forbidden("forbidden", "Only community owners and admins can set a ticket price.");
  }
}

function assertEvent(viewer: EventViewer, action: EventAction, tenant: Pick<Tenant, "features">, row: Pick<EventRow, "groupId" | "priceAmount"> | null): void {
  const target = row ? { groupId: row.groupId, groupRole: row.groupId ? (viewer.groupRoles[row.groupId] ?? null) : null, priced: (row.priceAmount ?? 0) > 0 } : undefined;
  const err = refusal(decideEvent(actorOf(viewer), action, tenant.features, target));
  if (err) throw err;
}

type Joined = { e: EventRow; resourceName: string | null; category: string | null; groupSlug: string | null; groupName: string | null; going: number; waitlisted: number; myStatus: MyEventStatus | null };

const iso = (ms: number) => new Date(ms).toISOString();

function viewOf(r: Joined): EventView {
  const e = r.e;
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    descriptionHtml: e.descriptionHtml,
    type: e.type,
    startsAt: iso(e.startsMs),
    endsAt: iso(e.endsMs),
    location: e.location,
    resource: e.resourceId ? { id: e.resourceId, name: r.resourceName ?? "", category: r.category ?? "" } : null,
    capacity: e.capacity,
    price: e.priceAmount !== null && e.priceAmount > 0 && e.currency ? { amount: e.priceAmount, currency: e.currency } : null,
    taxRate: basisPointsToPercent(e.taxRateBp),
    group: e.groupId ? { slug: r.groupSlug ?? "", name: r.groupName ?? "" } : null,
    fields: e.fields,
    going: r.going,
    waitlisted: r.waitlisted,
    myStatus: r.myStatus,
    canceledAt: e.canceledAt === null ? null : iso(e.canceledAt),
  };
}

const countOf = (status: MyEventStatus) =>
  sql<number>`(select count(*) from ${eventRegistrations} x where x.event_id = ${events.id} and x.status = ${status})`.mapWith(Number);

/** The events with their resource, group, counts and (with a `viewerId`) the viewer's status. */
const joinedSelect = (t: TenantDb, viewerId: string | null) =>
  t.db
    .select({
      e: events,
      resourceName: resources.name,
      category: resources.category,
      groupSlug: groups.slug,
      groupName: groups.name,
      going: countOf("going"),
      waitlisted: countOf("waitlisted"),
      myStatus: viewerId === null ? sql<MyEventStatus | null>`null` : sql<MyEventStatus | null>`(select x.status from ${eventRegistrations} x where x.event_id = ${events.id} and x.user_id = ${viewerId})`,
    })
    .from(events)
    .leftJoin(resources, eq(resources.id, events.resourceId))
    .leftJoin(groups, eq(groups.id, events.groupId));

/** What the viewer may see: community-wide events and their groups' events (every event for admins; a deleted group's events for nobody else). */
function visibleTo(viewer: EventViewer): SQL | undefined {
  if (viewer.admin) return undefined;
  const ids = Object.keys(viewer.groupRoles);
  return or(isNull(events.groupId), and(ids.length ? inArray(events.groupId, ids) : sql`0`, isNull(groups.deletedAt)));
}

/** One event row of this community (no visibility check), or null. */
export async function eventRow(t: TenantDb, id: string): Promise<EventRow | null> {
  const [row] = await t.db
    .select()
    .from(events)
    .where(and(eq(events.tenantId, t.tenantId), eq(events.id, id)))
    .limit(1);
  return row ?? null;
}

async function joinedById(t: TenantDb, viewer: EventViewer, id: string): Promise<Joined | null> {
  const [row] = await joinedSelect(t, viewer.userId)
    .where(and(eq(events.tenantId, t.tenantId), eq(events.id, id)))
    .limit(1);
  return row ?? null;
}

/** The event the viewer may see (404 otherwise: unknown, another community's, or another group's). */
async function visibleEvent(t: TenantDb, tenant: Pick<Tenant, "features">, viewer: EventViewer, id: string, action: EventAction = "read"): Promise<Joined> {
  const row = await joinedById(t, viewer, id);
  if (!row) throw notFound("No such event.");
  if (!viewer.admin && row.e.groupId && row.groupSlug !== null) {
    // A deleted group's events are gone for its members.
    const [g] = await t.db.select({ deletedAt: groups.deletedAt }).from(groups).where(eq(groups.id, row.e.groupId)).limit(1);
    if (g?.deletedAt) throw notFound("No such event.");
  }
  assertEvent(viewer, action, tenant, row.e);
  return row;
}

/** `GET /api/v1/events/{id}`. */
export async function getEvent(t: TenantDb, tenant: Pick<Tenant, "features">, viewer: EventViewer, id: string): Promise<EventView> {
  return viewOf(await visibleEvent(t, tenant, viewer, id));
}

const listCursor = cursorKind("events", z.tuple([cursorParts.int, cursorParts.id]));

/**
 * `GET /api/v1/events?when=&type=&from=&to=`: the events the viewer may see, a page at a time.
 * `upcoming` (the default without `from`/`to`): ending after now, by start; `past`: ended, newest
 * first. `from`/`to` keep the events overlapping [from, to) (a calendar's month), by start, past
 * and upcoming alike unless `when` is given too. Canceled events stay, with `canceledAt`.
 */
export async function listEvents(t: TenantDb, viewer: EventViewer, q: EventsQuery, now: number, page: { limit: number; cursor: string | null }): Promise<EventsPage> {
  return (await answeredPage(t, viewer, q, now, page)).page;
}

/** `listEvents` as the API's JSON body, serialized once per answered page. */
export async function listEventsJson(t: TenantDb, viewer: EventViewer, q: EventsQuery, now: number, page: { limit: number; cursor: string | null }): Promise<string> {
  const answered = await answeredPage(t, viewer, q, now, page);
  return (answered.json ??= JSON.stringify(answered.page));
}

export type EventsPage = { items: EventView[]; nextCursor: string | null };
type AnsweredPage = { page: EventsPage; json?: string };

// A page as answered to one viewer is a function of the two cached reads it is built from: the
// shared list (whose cache key holds the query, the page size and the cursor) and the viewer's
// statuses, each replaced, never changed, when a write forgets it. Remembered by their
// identities, a page read again within the caches' lifetime is neither rebuilt nor serialized
// again, and it is forgotten with them.
const answered = new WeakMap<readonly Joined[], WeakMap<Readonly<Record<string, MyEventStatus>>, AnsweredPage>>();

async function answeredPage(t: TenantDb, viewer: EventViewer, q: EventsQuery, now: number, page: { limit: number; cursor: string | null }): Promise<AnsweredPage> {
  if (q.from !== undefined && q.to !== undefined && q.to <= q.from) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { to: msg("field.invalid") });
  const after = decodeOptionalCursor(listCursor, page.cursor);
  // What everyone with the same visibility sees (kept a few seconds per isolate), then the viewer's own statuses.
  const key = [t.tenantId, viewer.admin ? "*" : Object.keys(viewer.groupRoles).sort().join(","), q.when ?? "", q.type ?? "", q.from ?? "", q.to ?? "", page.limit, page.cursor ?? ""].join("|");
  const [shared, mine] = await Promise.all([listCache.getOrLoad(key, () => eventsListQuery(t, viewer, q, now, page.limit + 1, after)), myRegistrations(t, viewer.userId)]);
  let byMine = answered.get(shared);
  if (!byMine) answered.set(shared, (byMine = new WeakMap()));
  const known = byMine.get(mine);
  if (known) return known;
  const rows = shared.map((r) => ({ ...r, myStatus: mine[r.e.id] ?? null }));
  const items = rows.slice(0, page.limit).map(viewOf);
  const last = rows.length > page.limit ? rows[page.limit - 1] : undefined;
  const built: AnsweredPage = { page: { items, nextCursor: last ? encodeCursor(listCursor, [last.e.startsMs, last.e.id]) : null } };
  byMine.set(mine, built);
  return built;
}

// The list, as the dashboard's reads (db/read-cache.ts): per isolate, for READ_TTL_MS at most,
// forgotten in this isolate by every write that changes it (`forgetEvents`); other isolates see
// a change within READ_TTL_MS. Keyed by community, visibility (admin, or the viewer's groups)
// and query; the viewer's own statuses come from a second small cache of their registrations.
const listCache = new ReadCache<Joined[]>();
const myCache = new ReadCache<Record<string, MyEventStatus>>();

/** After a write to a community's events (and to these members' registrations). */
export function forgetEvents(tenantId: string, userIds: string[] = []): void {
  listCache.deleteWhere((key) => key.startsWith(`${tenantId}|`));
  for (const id of userIds) myCache.delete(`${tenantId}:${id}`);
}

/** The member's registrations: event id → status (the most recent 5,000). */
function myRegistrations(t: TenantDb, userId: string): Promise<Record<string, MyEventStatus>> {
  return myCache.getOrLoad(`${t.tenantId}:${userId}`, async () => {
    const rows = await t.db
      .select({ eventId: eventRegistrations.eventId, status: eventRegistrations.status })
      .from(eventRegistrations)
      .where(and(eq(eventRegistrations.tenantId, t.tenantId), eq(eventRegistrations.userId, userId)))
      .orderBy(desc(eventRegistrations.createdAt))
      .limit(5000);
    return Object.fromEntries(rows.map((r) => [r.eventId, r.status]));
  });
}

/** The list's one query (exported for its query-plan test): the page's events with their counts (the viewer's status is added from their registrations). */
export function eventsListQuery(t: TenantDb, viewer: EventViewer, q: Pick<EventsQuery, "when" | "type" | "from" | "to">, now: number, limit: number, after: [number, string] | null) {
  const when = q.when ?? (q.from !== undefined || q.to !== undefined ? null : "upcoming");
  const newestFirst = when === "past";
  const order = newestFirst ? [desc(events.startsMs), desc(events.id)] : [asc(events.startsMs), asc(events.id)];
  // The page's ids first (from the index, sorted and cut to `limit`), then their details: the
  // counts and the viewer's status are computed for the page's rows only, not for every event
  // the filter keeps (SQLite computes a select's subqueries before sorting).
  const page = t.db
    .select({ pageId: events.id })
    .from(events)
    .leftJoin(groups, eq(groups.id, events.groupId))
    .where(
      and(
        eq(events.tenantId, t.tenantId),
        visibleTo(viewer),
        ...(when === "upcoming" ? [gt(events.endsMs, now)] : when === "past" ? [lte(events.endsMs, now)] : []),
        ...(q.type ? [eq(events.type, q.type)] : []),
        ...(q.from !== undefined ? [gt(events.endsMs, q.from)] : []),
        ...(q.to !== undefined ? [lt(events.startsMs, q.to)] : []),
        ...(after
          ? [newestFirst ? or(lt(events.startsMs, after[0]), and(eq(events.startsMs, after[0]), lt(events.id, after[1]))) : or(gt(events.startsMs, after[0]), and(eq(events.startsMs, after[0]), gt(events.id, after[1])))]
          : []),
      ),
    )
    .orderBy(...order)
    .limit(limit)
    .as("page");
  return joinedSelect(t, null)
    .innerJoin(page, eq(page.pageId, events.id))
    .orderBy(...order);
}

/** The events the member is going to or waitlisted for that end after `now`, soonest first (the dashboard's `upcomingEvents`). */
export async function myUpcomingEvents(t: TenantDb, viewer: EventViewer, now: number, limit = 5): Promise<EventView[]> {
  const rows = await joinedSelect(t, viewer.userId)
    .innerJoin(eventRegistrations, and(eq(eventRegistrations.eventId, events.id), eq(eventRegistrations.userId, viewer.userId)))
    .where(and(eq(eventRegistrations.tenantId, t.tenantId), gt(events.endsMs, now), isNull(events.canceledAt), visibleTo(viewer)))
    .orderBy(asc(events.startsMs), asc(events.id))
    .limit(limit);
  return rows.map(viewOf);
}

/** The types in use (for a filter), sorted. */
export async function eventTypes(t: TenantDb): Promise<string[]> {
  const rows = await t.db
    .selectDistinct({ type: events.type })
    .from(events)
    .where(and(eq(events.tenantId, t.tenantId), sql`${events.type} is not null`))
    .orderBy(asc(events.type))
    .limit(200);
  return rows.map((r) => r.type!).filter(Boolean);
}

/**
 * A group's upcoming events (not canceled, ending after `now`), soonest first, for the group's
 * page: only to viewers who may see them (the group's members, community admins). Written by
 * branch ev-pages for `/g/{slug}` (the list's query has no group filter).
 */
export async function groupUpcomingEvents(t: TenantDb, viewer: EventViewer, groupId: string, now: number, limit = 5): Promise<EventView[]> {
  if (!viewer.admin && viewer.groupRoles[groupId] === undefined) return [];
  const rows = await joinedSelect(t, viewer.userId)
    .where(and(eq(events.tenantId, t.tenantId), eq(events.groupId, groupId), gt(events.endsMs, now), isNull(events.canceledAt)))
    .orderBy(asc(events.startsMs), asc(events.id))
    .limit(limit);
  return rows.map(viewOf);
}

// ---- Writing events ------------------------------------------------------------------------

const invalid = (fields: Record<string, string>) => new ApiError(422, "validation_failed", "Some fields are invalid.", fields);

/** The group an event is for (422 for an unknown or deleted slug). */
async function groupOf(t: TenantDb, slug: string): Promise<{ id: string; slug: string; name: string }> {
  const g = await groupBySlug(t, slug);
  if (!g || g.deletedAt) throw invalid({ group: msg("field.unknown") });
  return { id: g.id, slug: g.slug, name: g.name };
}

async function checkFields(t: TenantDb, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const known = new Set((await listFields(t)).map((f) => f.key));
  const unknown = keys.find((k) => !known.has(k));
  if (unknown) throw invalid({ fields: msg("field.unknown") });
}

async function checkResource(t: TenantDb, id: string): Promise<void> {
  if (!(await resourceRow(t, id))) throw invalid({ resourceId: msg("field.unknown") });
}

function checkPrice(billing: BillingSettingsView, price: Money | null | undefined): void {
  if (price && price.currency !== billing.currency) {
    throw new ApiError(422, "currency_mismatch", `Amounts are in ${billing.currency}, the community's currency.`, { price: msg("field.currency", { currency: billing.currency }) });
  }
}

/** The hold's condition: no booking and no other live event on the resource overlaps [starts, ends). */
const HOLD_FREE =
  "(e_new.resource_id is null or (" +
  " not exists (select 1 from bookings b where b.resource_id = e_new.resource_id and b.from_ms < e_new.ends_ms and b.to_ms > e_new.starts_ms)" +
  " and not exists (select 1 from events o where o.resource_id = e_new.resource_id and o.canceled_at is null and o.id <> e_new.id and o.starts_ms < e_new.ends_ms and o.ends_ms > e_new.starts_ms)))";

/** The conditional insert of an event: it lands only while its resource (if any) is free over its time. */
function insertEventStatement(t: TenantDb, row: EventRow): D1PreparedStatement {
  return t.d1
    .prepare(
      "insert into events (id, tenant_id, title, description, description_html, type, starts_ms, ends_ms, location, resource_id, capacity, price_amount, currency, tax_rate_bp, group_id, fields, canceled_at, created_by, created_at, updated_at) " +
        "select * from (select ?1 as id, ?2 as tenant_id, ?3 as title, ?4 as description, ?5 as description_html, ?6 as type, ?7 as starts_ms, ?8 as ends_ms, ?9 as location, ?10 as resource_id, ?11 as capacity, ?12 as price_amount, ?13 as currency, ?14 as tax_rate_bp, ?15 as group_id, ?16 as fields, null as canceled_at, ?17 as created_by, ?18 as created_at, ?18 as updated_at) e_new " +
        `where ${HOLD_FREE}`,
    )
    .bind(row.id, row.tenantId, row.title, row.description, row.descriptionHtml, row.type, row.startsMs, row.endsMs, row.location, row.resourceId, row.capacity, row.priceAmount, row.currency, row.taxRateBp, row.groupId, JSON.stringify(row.fields), row.createdBy, row.createdAt);
}

/**
 * `POST /api/v1/events`. Community admins create any event; a group's admins a free event of
 * their group; anyone else 403. The resource, if any, is held over [startsAt, endsAt): 409
 * `slot_taken` when a booking or another event overlaps.
 */
export async function createEvent(t: TenantDb, ctx: EventContext, viewer: EventViewer, input: EventInput): Promise<EventView> {
  const group = input.group ? await groupOf(t, input.group) : null;
  const priced = (input.price?.amount ?? 0) > 0;
  const d = decideEvent(actorOf(viewer), "manage", ctx.tenant.features, { groupId: group?.id ?? null, groupRole: group ? (viewer.groupRoles[group.id] ?? null) : null, priced });
  // Creating for a group one is not in is a refusal like any other (the group itself is public).
  if (!d.ok) throw refusal(d.why === "not_found" ? { ok: false, why: "not_admin" } : d)!;
  checkPrice(ctx.billing, input.price);
  await checkFields(t, input.fields ?? []);
  if (input.resourceId) await checkResource(t, input.resourceId);
  const description = input.description ?? "";
  const row: EventRow = {
    id: newId(),
    tenantId: t.tenantId,
    title: input.title,
    description,
    descriptionHtml: renderMarkdown(description).html,
    type: input.type ?? null,
    startsMs: input.startsAt,
    endsMs: input.endsAt,
    location: input.location ?? null,
    resourceId: input.resourceId ?? null,
    capacity: input.capacity ?? null,
    priceAmount: priced ? input.price!.amount : null,
    currency: priced ? input.price!.currency : null,
    taxRateBp: percentToBasisPoints(input.taxRate ?? ctx.billing.defaultTaxRate),
    groupId: group?.id ?? null,
    fields: input.fields ?? [],
    canceledAt: null,
    createdBy: viewer.userId,
    createdAt: ctx.clock.now,
    updatedAt: ctx.clock.now,
  };
  const result = await insertEventStatement(t, row).run();
  if ((result.meta.changes ?? 0) !== 1) throw conflict("slot_taken", "The resource is already booked at that time.");
  forgetEvents(t.tenantId);
  return getEvent(t, ctx.tenant, { ...viewer, admin: true }, row.id);
}

/** Registrants of an event with what their emails need. */
async function registrants(t: TenantDb, eventId: string): Promise<{ userId: string; email: string; language: string | null; status: MyEventStatus; chargeId: string | null }[]> {
  return t.db
    .select({ userId: eventRegistrations.userId, email: users.email, language: users.language, status: eventRegistrations.status, chargeId: eventRegistrations.chargeId })
    .from(eventRegistrations)
    .innerJoin(users, eq(users.id, eventRegistrations.userId))
    .where(and(eq(eventRegistrations.tenantId, t.tenantId), eq(eventRegistrations.eventId, eventId)))
    .orderBy(asc(eventRegistrations.position))
    .limit(100_000);
}

/** When an event takes place, as people write it in `lang`, in the community's timezone. */
export function eventWhen(lang: Lang, startsMs: number, endsMs: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat(lang, { timeZone, weekday: "long", year: "numeric", month: "long", day: "numeric" });
  const clock = new Intl.DateTimeFormat(lang, { timeZone, hour: "2-digit", minute: "2-digit" });
  // French writes hours "19 h 00" (no colon, which would take a space before it).
  const time = { format: (ms: number) => (lang === "fr" ? clock.format(ms).replace(/(\d{1,2}):(\d{2})/, "$1\u00a0h\u00a0$2") : clock.format(ms)) };
  const sameDay = dayInTimeZone(startsMs, timeZone) === dayInTimeZone(endsMs - 1, timeZone);
  return sameDay ? `${day.format(startsMs)}, ${time.format(startsMs)} – ${time.format(endsMs)}` : `${day.format(startsMs)}, ${time.format(startsMs)} – ${day.format(endsMs)}, ${time.format(endsMs)}`;
}

/** The page of an event on the community's host. */
export const eventUrl = (ctx: Pick<EventContext, "env" | "tenant">, id: string) => platformUrl(ctx.env, ctx.tenant.subdomain, `/events/${id}`);

/** One registrant's email about `e`, in their language. */
export function eventNotice(ctx: Pick<EventContext, "env" | "tenant">, e: Pick<EventRow, "id" | "title" | "startsMs" | "endsMs" | "location">, kind: EventMailKind, to: { email: string; language: string | null }): MailMessage {
  const lang = mailLang(to.language, ctx.tenant.defaultLanguage);
  return eventMail(lang, {
    brand: tenantBrand(ctx.env, ctx.tenant),
    to: to.email,
    community: ctx.tenant.name,
    kind,
    title: e.title,
    when: eventWhen(lang, e.startsMs, e.endsMs, ctx.tenant.timezone),
    location: e.location,
    url: eventUrl(ctx, e.id),
  });
}

/**
 * `PATCH /api/v1/events/{id}`. Moving it (or changing its resource) moves the hold in one
 * conditional update (409 `slot_taken`); a new time or place emails every registrant and re-arms
 * the reminder; raising `capacity` promotes waiting members at once (lowering it moves nobody);
 * tickets already charged keep their price. A canceled event is closed (409 `event_closed`).
 */
export async function updateEvent(t: TenantDb, ctx: EventContext, viewer: EventViewer, id: string, patch: EventPatch): Promise<EventView> {
  const before = (await visibleEvent(t, ctx.tenant, viewer, id, "manage")).e;
  if (before.canceledAt !== null) throw conflict("event_closed", "This event is canceled.");
  const group = patch.group === undefined ? undefined : patch.group === null ? null : await groupOf(t, patch.group);
  const priceAfter = patch.price === undefined ? before.priceAmount ?? 0 : (patch.price?.amount ?? 0);
  const groupAfter = group === undefined ? before.groupId : (group?.id ?? null);
  assertEvent(viewer, "manage", ctx.tenant, { groupId: groupAfter, priceAmount: priceAfter });
  checkPrice(ctx.billing, patch.price);
  if (patch.fields) await checkFields(t, patch.fields);
  if (patch.resourceId) await checkResource(t, patch.resourceId);
  const startsMs = patch.startsAt ?? before.startsMs;
  const endsMs = patch.endsAt ?? before.endsMs;
  if (startsMs >= endsMs) throw invalid({ endsAt: msg("field.invalid") });
  const set: Partial<EventRow> = { updatedAt: ctx.clock.now, startsMs, endsMs };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.description !== undefined) {
    set.description = patch.description ?? "";
    set.descriptionHtml = renderMarkdown(set.description).html;
  }
  if (patch.type !== undefined) set.type = patch.type;
  if (patch.location !== undefined) set.location = patch.location;
  if (patch.resourceId !== undefined) set.resourceId = patch.resourceId;
  if (patch.capacity !== undefined) set.capacity = patch.capacity;
  if (patch.price !== undefined) {
    set.priceAmount = priceAfter > 0 ? priceAfter : null;
    set.currency = priceAfter > 0 ? patch.price!.currency : null;
  }
  if (patch.taxRate !== undefined) set.taxRateBp = percentToBasisPoints(patch.taxRate);
  if (group !== undefined) set.groupId = group?.id ?? null;
  if (patch.fields !== undefined) set.fields = patch.fields;
  const after: EventRow = { ...before, ...set };
  const moved = after.startsMs !== before.startsMs || after.endsMs !== before.endsMs;
  const relocated = (after.location ?? null) !== (before.location ?? null);

  // The update itself, conditional on the (new) hold being free.
  const update = t.d1
    .prepare(
      "update events set title = ?3, description = ?4, description_html = ?5, type = ?6, starts_ms = ?7, ends_ms = ?8, location = ?9, resource_id = ?10, capacity = ?11, price_amount = ?12, currency = ?13, tax_rate_bp = ?14, group_id = ?15, fields = ?16, updated_at = ?17 " +
        "where tenant_id = ?1 and id = ?2 and canceled_at is null and exists (select 1 from (select ?2 as id, ?10 as resource_id, ?7 as starts_ms, ?8 as ends_ms) e_new where " +
        HOLD_FREE +
        ")",
    )
    .bind(t.tenantId, id, after.title, after.description, after.descriptionHtml, after.type, after.startsMs, after.endsMs, after.location, after.resourceId, after.capacity, after.priceAmount, after.currency, after.taxRateBp, after.groupId, JSON.stringify(after.fields), after.updatedAt);
  const batch: D1PreparedStatement[] = [update];
  if (moved) batch.push(t.d1.prepare("update event_registrations set reminded_at = null where tenant_id = ?1 and event_id = ?2").bind(t.tenantId, id));
  // Emails only when the update went in: each re-checks the row as the update left it.
  const notify = moved || relocated ? await registrants(t, id) : [];
  const mails = notify.map((r) => eventNotice(ctx, after, "moved", r));
  for (const m of mails) {
    batch.push(
      t.d1
        .prepare(
          "insert into outbox (id, tenant_id, \"to\", subject, text, html, status, attempts, next_attempt_at, created_at) " +
            "select ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7 where exists (select 1 from events where id = ?8 and updated_at = ?9 and starts_ms = ?10 and ends_ms = ?11)",
        )
        .bind(newId(), t.tenantId, m.to, m.subject, m.text, m.html, ctx.clock.now, id, after.updatedAt, after.startsMs, after.endsMs),
    );
  }
  const [done] = await t.d1.batch(batch);
  if ((done?.meta.changes ?? 0) !== 1) {
    const now = await eventRow(t, id);
    if (!now) throw notFound("No such event.");
    if (now.canceledAt !== null) throw conflict("event_closed", "This event is canceled.");
    throw conflict("slot_taken", "The resource is already booked at that time.");
  }
  forgetEvents(t.tenantId);
  if (after.capacity === null ? before.capacity !== null : before.capacity !== null && after.capacity > before.capacity) await promoteWaiting(t, ctx, id);
  return getEvent(t, ctx.tenant, { ...viewer, admin: true }, id);
}

/**
 * `DELETE /api/v1/events/{id}`: cancels it. It stays listed with `canceledAt`; ticket charges not
 * yet invoiced are removed; every registrant is emailed; the resource is free again (a canceled
 * event holds nothing). Canceling twice changes nothing more.
 */
export async function cancelEvent(t: TenantDb, ctx: EventContext, viewer: EventViewer, id: string): Promise<void> {
  const e = (await visibleEvent(t, ctx.tenant, viewer, id, "manage")).e;
  if (e.canceledAt !== null) return;
  const people = await registrants(t, id);
  const cancel = t.d1.prepare("update events set canceled_at = ?3, updated_at = ?3 where tenant_id = ?1 and id = ?2 and canceled_at is null").bind(t.tenantId, id, ctx.clock.now);
  const statements: D1PreparedStatement[] = [cancel];
  for (const p of people) if (p.chargeId) statements.push(uninvoicedChargeRemoval(t, p.chargeId));
  for (const p of people) {
    const m = eventNotice(ctx, e, "canceled", p);
    statements.push(
      t.d1
        .prepare("insert into outbox (id, tenant_id, \"to\", subject, text, html, status, attempts, next_attempt_at, created_at) select ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7 where exists (select 1 from events where id = ?8 and canceled_at = ?7)")
        .bind(newId(), t.tenantId, m.to, m.subject, m.text, m.html, ctx.clock.now, id),
    );
  }
  await t.d1.batch(statements);
  forgetEvents(t.tenantId);
  for (const p of people) if (p.chargeId) forgetInvoicesOf(t.tenantId, p.userId);
}

// ---- Registrations -------------------------------------------------------------------------

/** Whether the member has a membership giving access on `day` (priced events need one). */
async function hasAccess(t: TenantDb, userId: string, day: string): Promise<{ membershipId: string } | null> {
  const rows = await t.db
    .select()
    .from(planMemberships)
    .where(and(eq(planMemberships.tenantId, t.tenantId), eq(planMemberships.userId, userId), sql`${planMemberships.status} <> 'canceled'`))
    .limit(5);
  const m = rows.find((r) => givesAccess(r, day));
  return m ? { membershipId: m.id } : null;
}

/** The fields an event asks, with the member's current values (for the registration form). */
export async function registrationFields(t: TenantDb, tenant: Pick<Tenant, "features">, viewer: EventViewer, eventId: string): Promise<RegistrationField[]> {
  const e = (await visibleEvent(t, tenant, viewer, eventId)).e;
  if (e.fields.length === 0) return [];
  const [fields, groupIds, values] = await Promise.all([listFields(t), memberGroupIds(t, viewer.userId), profileValuesOf(t, viewer.userId)]);
  return e.fields.flatMap((key) => {
    const f = fields.find((x) => x.key === key);
    if (!f) return [];
    return [{ key, label: f.label, type: f.type, options: f.options, value: selfCanSee(f, groupIds) ? (values.get(f.id) ?? null) : null, savedToProfile: selfCanEdit(f, groupIds) }];
  });
}

async function profileValuesOf(t: TenantDb, userId: string): Promise<Map<string, FieldValue>> {
  const rows = await t.db
    .select({ fieldId: profileValues.fieldId, value: profileValues.value })
    .from(profileValues)
    .where(and(eq(profileValues.tenantId, t.tenantId), eq(profileValues.userId, userId)));
  const out = new Map<string, FieldValue>();
  for (const r of rows) {
    const v = readValue(r.value);
    if (v !== null) out.set(r.fieldId, v);
  }
  return out;
}

/**
 * The answers to an event's fields: each sent value checked by its field's type, a field left
 * out answered by the member's profile value (one they can see); 422 naming every field still
 * missing or invalid (`fields.{key}`), and for a key the event does not ask.
 */
async function answersFor(t: TenantDb, e: EventRow, userId: string, sent: Record<string, unknown>, source: "json" | "form"): Promise<{ answers: Record<string, FieldValue>; saves: { fieldId: string; value: FieldValue }[] }> {
  const errors: Record<string, string> = {};
  for (const key of Object.keys(sent)) if (!e.fields.includes(key)) errors[`fields.${key.slice(0, 40)}`] = msg("field.unknown");
  const answers: Record<string, FieldValue> = {};
  const saves: { fieldId: string; value: FieldValue }[] = [];
  if (e.fields.length > 0) {
    const [fields, groupIds, values] = await Promise.all([listFields(t), memberGroupIds(t, userId), profileValuesOf(t, userId)]);
    for (const key of e.fields) {
      const f = fields.find((x) => x.key === key);
      if (!f) continue; // a field deleted since: nothing to ask
      const raw = sent[key];
      const check = raw === undefined ? { ok: true as const, value: selfCanSee(f, groupIds) ? (values.get(f.id) ?? null) : null } : checkValue(f, raw, source);
      if (!check.ok) errors[`fields.${key}`] = check.error;
      else if (check.value === null) errors[`fields.${key}`] = VALUE_ERRORS.required;
      else {
        answers[key] = check.value;
        if (raw !== undefined && selfCanEdit(f, groupIds)) saves.push({ fieldId: f.id, value: check.value });
      }
    }
  }
  if (Object.keys(errors).length) throw new ApiError(422, "validation_failed", "Some answers are missing or invalid.", errors);
  return { answers, saves };
}

/** The line of a ticket on the invoice, in the member's language: the event and its local time. */
function ticketLine(lang: Lang, e: Pick<EventRow, "title" | "startsMs">, timeZone: string): string {
  const f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return tr(lang, "events.line", { title: e.title, when: f.format(e.startsMs).replace(",", "") });
}

/** A seat is free in the event `?ev` (by a fresh count, in the same statement). */
const SEAT_FREE = "(e.capacity is null or (select count(*) from event_registrations r where r.event_id = e.id and r.status = 'going') < e.capacity)";

/**
 * `POST /api/v1/events/{id}/attend`: 404 (unknown or not visible), 409 `event_closed` (started or
 * canceled), 409 `already_registered`, 403 `membership_required` (a priced event without an
 * active membership on its day), 422 (answers). Then ONE conditional insert decides going or
 * waitlisted and the arrival number; a going registration of a priced event adds its ticket (a
 * charge of kind `event`) in the same batch; editable answers go to the member's profile.
 */
export async function attendEvent(t: TenantDb, ctx: EventContext, viewer: EventViewer, user: Pick<User, "id" | "language">, id: string, input: AttendInput, source: "json" | "form" = "json"): Promise<{ status: MyEventStatus }> {
  const joined = await visibleEvent(t, ctx.tenant, viewer, id, "attend");
  const e = joined.e;
  const now = ctx.clock.now;
  if (e.canceledAt !== null || e.startsMs <= now) throw conflict("event_closed", "Registration for this event is closed.");
  const [existing] = await t.db
    .select({ id: eventRegistrations.id })
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, id), eq(eventRegistrations.userId, user.id)))
    .limit(1);
  if (existing) throw conflict("already_registered", "You are already registered for this event.");
  const priced = (e.priceAmount ?? 0) > 0;
  const access = priced ? await hasAccess(t, user.id, dayInTimeZone(e.startsMs, ctx.tenant.timezone)) : null;
  if (priced && !access) throw forbidden("membership_required", "This event needs an active membership.");
  const { answers, saves } = await answersFor(t, e, user.id, input.fields ?? {}, source);

  const regId = newId();
  const chargeId = priced ? newId() : null;
  const statements: D1PreparedStatement[] = [
    t.d1
      .prepare(
        "insert into event_registrations (id, tenant_id, event_id, user_id, status, position, answers, charge_id, reminded_at, promoted_at, created_at) " +
          `select ?1, ?2, e.id, ?3, case when ${SEAT_FREE} then 'going' else 'waitlisted' end, ` +
          "coalesce((select max(r.position) from event_registrations r where r.event_id = e.id), 0) + 1, ?5, " +
          `case when ${SEAT_FREE} then ?6 else null end, null, null, ?7 ` +
          "from events e where e.tenant_id = ?2 and e.id = ?4 and e.canceled_at is null and e.starts_ms > ?7 " +
          "on conflict (event_id, user_id) do nothing",
      )
      .bind(regId, t.tenantId, user.id, id, JSON.stringify(answers), chargeId, now),
  ];
  // `event.registered`, only with the registration this batch inserted: its status and the counts as they then are.
  const [member] = await t.db.select({ name: users.name }).from(users).where(and(eq(users.tenantId, t.tenantId), eq(users.id, user.id))).limit(1);
  const count = (status: MyEventStatus) => sql`select count(*) from ${eventRegistrations} x where x.event_id = ${id} and x.status = ${status}`;
  statements.push(
    prepared(
      t,
      webhookEventFilled(
        t,
        "event.registered",
        (fill: (name: "going" | "waitlisted" | "status") => string) => ({ event: { ...viewOf({ ...joined, myStatus: null }), going: fill("going"), waitlisted: fill("waitlisted") }, member: { id: user.id, name: member?.name ?? "" }, status: fill("status") }),
        { going: count("going"), waitlisted: count("waitlisted"), status: sql`select r.status from ${eventRegistrations} r where r.id = ${regId}` },
        now,
        sql`exists (select 1 from ${eventRegistrations} r where r.id = ${regId})`,
      ),
    ),
  );
  if (priced && chargeId) {
    const lang = mailLang(user.language, ctx.tenant.defaultLanguage);
    statements.push(
      eventChargeStatement(
        t,
        { id: chargeId, userId: user.id, membershipId: access?.membershipId ?? null, description: ticketLine(lang, e, ctx.tenant.timezone), amount: e.priceAmount!, currency: e.currency!, taxRateBp: e.taxRateBp, createdAt: now },
        regId,
      ),
    );
  }
  for (const s of saves) {
    statements.push(
      t.d1
        .prepare(
          "insert into profile_values (tenant_id, user_id, field_id, value, updated_at) select ?1, ?2, ?3, ?4, ?5 where exists (select 1 from event_registrations where id = ?6) " +
            "on conflict (user_id, field_id) do update set value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(t.tenantId, user.id, s.fieldId, JSON.stringify(s.value), now, regId),
    );
  }
  const [inserted] = await t.d1.batch(statements);
  if ((inserted?.meta.changes ?? 0) !== 1) {
    const again = await eventRow(t, id);
    if (!again || again.canceledAt !== null || again.startsMs <= Date.now()) throw conflict("event_closed", "Registration for this event is closed.");
    throw conflict("already_registered", "You are already registered for this event.");
  }
  forgetEvents(t.tenantId, [user.id]);
  const [row] = await t.db.select({ status: eventRegistrations.status }).from(eventRegistrations).where(eq(eventRegistrations.id, regId)).limit(1);
  if (priced && row?.status === "going") forgetInvoicesOf(t.tenantId, user.id);
  return { status: row?.status ?? "waitlisted" };
}

/**
 * `DELETE /api/v1/events/{id}/attend`: the registration goes, with its ticket charge while no
 * invoice carries it; a freed seat promotes the first waiting member. 404 when not registered;
 * 409 `event_closed` once the event started.
 */
export async function leaveEvent(t: TenantDb, ctx: EventContext, viewer: EventViewer, id: string): Promise<void> {
  const e = (await visibleEvent(t, ctx.tenant, viewer, id, "attend")).e;
  const [reg] = await t.db
    .select()
    .from(eventRegistrations)
    .where(and(eq(eventRegistrations.eventId, id), eq(eventRegistrations.userId, viewer.userId)))
    .limit(1);
  if (!reg) throw notFound("You are not registered for this event.");
  if (e.canceledAt === null && e.startsMs <= ctx.clock.now) throw conflict("event_closed", "This event has started.");
  await t.d1.batch([
    t.d1.prepare("delete from event_registrations where tenant_id = ?1 and id = ?2").bind(t.tenantId, reg.id),
    ...(reg.chargeId ? [uninvoicedChargeRemoval(t, reg.chargeId)] : []),
  ]);
  forgetEvents(t.tenantId, [viewer.userId]);
  if (reg.chargeId) forgetInvoicesOf(t.tenantId, viewer.userId);
  if (reg.status === "going") await promoteWaiting(t, ctx, id);
}

/**
 * Fills free seats from the waitlist, in registration order, never once the event started or
 * when canceled: each promotion is one conditional update that re-counts the seats, followed in
 * its batch by the ticket (priced events) and the email, both only if it went in. A waiting
 * member without access to a priced event is skipped (and keeps their place).
 */
export async function promoteWaiting(t: TenantDb, ctx: EventContext, eventId: string): Promise<number> {
  let promoted = 0;
  const skipped = new Set<string>();
  for (let round = 0; round < 1000; round++) {
    const e = await eventRow(t, eventId);
    const now = ctx.clock.now;
    if (!e || e.canceledAt !== null || e.startsMs <= now) break;
    const waiting = await t.db
      .select({ id: eventRegistrations.id, userId: eventRegistrations.userId, email: users.email, language: users.language })
      .from(eventRegistrations)
      .innerJoin(users, eq(users.id, eventRegistrations.userId))
      .where(and(eq(eventRegistrations.eventId, eventId), eq(eventRegistrations.status, "waitlisted")))
      .orderBy(asc(eventRegistrations.position))
      .limit(skipped.size + 1);
    const next = waiting.find((w) => !skipped.has(w.id));
    if (!next) break;
    const priced = (e.priceAmount ?? 0) > 0;
    const access = priced ? await hasAccess(t, next.userId, dayInTimeZone(e.startsMs, ctx.tenant.timezone)) : null;
    if (priced && !access) {
      skipped.add(next.id);
      continue;
    }
    const chargeId = priced ? newId() : null;
    const statements: D1PreparedStatement[] = [
      t.d1
        .prepare(
          "update event_registrations set status = 'going', charge_id = ?3, promoted_at = ?4, reminded_at = null where tenant_id = ?1 and id = ?2 and status = 'waitlisted' " +
            `and exists (select 1 from events e where e.id = ?5 and e.canceled_at is null and e.starts_ms > ?4 and ${SEAT_FREE})`,
        )
        .bind(t.tenantId, next.id, chargeId, now, eventId),
    ];
    if (priced && chargeId) {
      const lang = mailLang(next.language, ctx.tenant.defaultLanguage);
      statements.push(
        eventChargeStatement(
          t,
          { id: chargeId, userId: next.userId, membershipId: access?.membershipId ?? null, description: ticketLine(lang, e, ctx.tenant.timezone), amount: e.priceAmount!, currency: e.currency!, taxRateBp: e.taxRateBp, createdAt: now },
          next.id,
        ),
      );
    }
    const mail = eventNotice(ctx, e, "promoted", next);
    const results = await t.d1.batch([...statements, t.d1.prepare(mailAfterChangeSql).bind(newId(), t.tenantId, mail.to, mail.subject, mail.text, mail.html, now)]);
    if ((results[0]?.meta.changes ?? 0) !== 1) break;
    promoted++;
    forgetEvents(t.tenantId, [next.userId]);
    if (priced) forgetInvoicesOf(t.tenantId, next.userId);
  }
  return promoted;
}

/** An email that goes only if the statement just before it in the batch changed exactly one row. */
const mailAfterChangeSql =
  "insert into outbox (id, tenant_id, \"to\", subject, text, html, status, attempts, next_attempt_at, created_at) select ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7 where changes() = 1";

// ---- Attendees -----------------------------------------------------------------------------

/** `GET /api/v1/events/{id}/attendees`: admins (and the group's admins for its events); going first, then the waitlist. */
export async function attendees(t: TenantDb, tenant: Pick<Tenant, "features">, viewer: EventViewer, id: string): Promise<{ event: EventView; items: AttendeeView[] }> {
  const joined = await visibleEvent(t, tenant, viewer, id, "read");
  assertEvent(viewer, "seeAttendees", tenant, joined.e);
  const rows = await t.db
    .select({ r: eventRegistrations, name: users.name, email: users.email })
    .from(eventRegistrations)
    .innerJoin(users, eq(users.id, eventRegistrations.userId))
    .where(and(eq(eventRegistrations.tenantId, t.tenantId), eq(eventRegistrations.eventId, id)))
    .orderBy(sql`case ${eventRegistrations.status} when 'going' then 0 else 1 end`, asc(eventRegistrations.position))
    .limit(100_000);
  return {
    event: viewOf(joined),
    items: rows.map(({ r, name, email }) => ({ userId: r.userId, name, email, status: r.status, position: r.position, registeredAt: iso(r.createdAt), answers: r.answers as Record<string, FieldValue> })),
  };
}

const answerText = (v: FieldValue | undefined): string => (v === undefined ? "" : Array.isArray(v) ? v.join("|") : typeof v === "boolean" ? (v ? "TRUE" : "FALSE") : String(v));

/** `GET /api/v1/events/{id}/attendees.csv`: the same rows, one column per asked field (its label), every cell through `csvCell` (formulas defused). */
export async function attendeesCsv(t: TenantDb, tenant: Pick<Tenant, "features">, viewer: EventViewer, id: string): Promise<{ filename: string; body: string }> {
  const { event, items } = await attendees(t, tenant, viewer, id);
  const fields = await t.db.select({ key: profileFields.key, label: profileFields.label }).from(profileFields).where(eq(profileFields.tenantId, t.tenantId));
  const label = (key: string) => fields.find((f) => f.key === key)?.label ?? key;
  const lines = [["name", "email", "status", "position", "registered_at", ...event.fields.map(label)].map(csvCell).join(",")];
  for (const a of items) lines.push([a.name, a.email, a.status, String(a.position), a.registeredAt, ...event.fields.map((k) => answerText(a.answers[k]))].map(csvCell).join(","));
  const slug = event.title.normalize("NFKD").replace(/[^\w]+/g, "-").replace(/^-|-$/g, "").toLowerCase().slice(0, 60) || "event";
  return { filename: `${slug}-attendees.csv`, body: `\ufeff${lines.join("\r\n")}\r\n` };
}
