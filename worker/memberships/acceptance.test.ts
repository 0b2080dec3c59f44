import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, env, logIn, makeTenant, membershipRows, sessionCookie, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";

// Issue 14's acceptance rows for plans and memberships, over HTTP only: the member's and the
// admin's requests through `call()`, the scheduled job through the development clock
// (`POST /api/v1/dev/scheduled {at}`). Requests run at the system time, which these tests fix
// (only `Date` is faked) so that "today" is a chosen day; the community's timezone is
// Europe/Paris (UTC+1 in winter, UTC+2 from 28 March 2027), so its midnight is 23:00 or
// 22:00 UTC. Every expected day is worked out by hand in the comments.

type Plan = { id: string; name: string; archived: boolean };
type Membership = {
  id: string;
  status: string;
  plan: Plan;
  startedOn: string;
  currentPeriod: { start: string; end: string } | null;
  nextInvoiceDate: string | null;
  cancelsOn: string | null;
  scheduledChange: { plan: { id: string }; on: string } | null;
};
type Refusal = { status: number; code: string; fields?: Record<string, string> };

/** "Today" for the requests: `iso` is a UTC time. */
const setNow = (iso: string) => vi.setSystemTime(Date.parse(iso));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

async function refused(res: Response): Promise<Refusal> {
  const body = (await res.json()) as { error: { code: string; fields?: Record<string, string> } };
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

const newPlan = async (tenant: TestTenant, json: Record<string, unknown>) =>
  (await ok<{ plan: Plan }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { price: { amount: 4999, currency: "EUR" }, intervalMonths: 1, ...json } }), 201)).plan;

const choose = (tenant: TestTenant, cookie: string, planId: string, extra: Record<string, unknown> = {}) => call(tenant.host, "POST", "/api/v1/me/membership", { cookie, json: { planId, ...extra } });
const mine = async (tenant: TestTenant, cookie: string) => ok<Membership>(await call(tenant.host, "GET", "/api/v1/me/membership", { cookie }));
const act = async (tenant: TestTenant, cookie: string, action: "cancel" | "undo-cancel") => (await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/me/membership/${action}`, { cookie }))).membership;
const changeTo = async (tenant: TestTenant, cookie: string, planId: string) => (await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/me/membership/change", { cookie, json: { planId } }))).membership;
const adminRead = async (tenant: TestTenant, id: string) => (await ok<{ membership: Membership }>(await call(tenant.host, "GET", `/api/v1/memberships/${id}`, { cookie: tenant.owner.cookie }))).membership;

/** The development clock for this community: every scheduled job as if the cron fired at `iso`. */
async function tick(tenant: TestTenant, iso: string) {
  const body = await ok<{ ran: string[] }>(await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: iso } }));
  expect(body.ran).toContain("memberships");
}

/** A member signed up and on `planId` from today (their choice), with their cookie and membership id. */
async function memberOn(tenant: TestTenant, email: string, planId: string) {
  const m = await signUpMember(tenant, email);
  const membership = (await ok<{ membership: Membership }>(await choose(tenant, m.cookie, planId), 201)).membership;
  return { ...m, membershipId: membership.id };
}

/** A fresh session (after the clock moved more than a session's 30 days). */
const relogin = async (tenant: TestTenant, m: { email: string; password: string }) => sessionCookie(await logIn(tenant, m.email, m.password));

describe("the notice arithmetic over HTTP, across month ends and short months", () => {
  it("a membership started on the 31st: a one-day first period, then calendar months; 0, 28 and 29 days of notice end it on 31 January, 28 February and 31 March; the job ends each at the community's midnight after its last day", async () => {
    setNow("2027-01-31T10:00:00Z");
    const tenant = await makeTenant();
    const none = await newPlan(tenant, { name: "No notice", noticeDays: 0 });
    const four = await newPlan(tenant, { name: "Four weeks", noticeDays: 28 });
    const longer = await newPlan(tenant, { name: "Four weeks and a day", noticeDays: 29 });
    const a = await memberOn(tenant, "st31-a@example.com", none.id);
    const b = await memberOn(tenant, "st31-b@example.com", four.id);
    const c = await memberOn(tenant, "st31-c@example.com", longer.id);
    // Invoice day 1: the first period is the 31st alone, the next invoice on 1 February.
    expect(await mine(tenant, b.cookie)).toMatchObject({ status: "active", startedOn: "2027-01-31", currentPeriod: { start: "2027-01-31", end: "2027-01-31" }, nextInvoiceDate: "2027-02-01" });
    // 31 Jan + 0 = 31 Jan: its own period. + 28 = 28 Feb: the period 1..28 Feb. + 29 = 1 Mar: the period 1..31 Mar.
    expect((await act(tenant, a.cookie, "cancel")).cancelsOn).toBe("2027-01-31");
    expect((await act(tenant, b.cookie, "cancel")).cancelsOn).toBe("2027-02-28");
    expect((await act(tenant, c.cookie, "cancel")).cancelsOn).toBe("2027-03-31");
    const statuses = async () => [(await adminRead(tenant, a.membershipId)).status, (await adminRead(tenant, b.membershipId)).status, (await adminRead(tenant, c.membershipId)).status];

    await tick(tenant, "2027-01-31T22:59:59Z"); // 23:59:59 on 31 January in Paris
    expect(await statuses()).toEqual(["canceling", "canceling", "canceling"]);
    await tick(tenant, "2027-01-31T23:00:00Z"); // midnight, 1 February
    expect(await statuses()).toEqual(["canceled", "canceling", "canceling"]);
    await tick(tenant, "2027-02-28T22:59:59Z");
    expect(await statuses()).toEqual(["canceled", "canceling", "canceling"]);
    await tick(tenant, "2027-02-28T23:00:00Z"); // midnight, 1 March
    expect(await statuses()).toEqual(["canceled", "canceled", "canceling"]);
    await tick(tenant, "2027-03-31T21:59:59Z"); // summer time since 28 March: 23:59:59 on 31 March
    expect(await statuses()).toEqual(["canceled", "canceled", "canceling"]);
    await tick(tenant, "2027-03-31T22:00:00Z"); // midnight, 1 April
    expect(await statuses()).toEqual(["canceled", "canceled", "canceled"]);
  });

  it("with invoice day 28, a membership started on 31 January runs to 27 February, then 28th to 27th: 28 days of notice end it on 27 March", async () => {
    setNow("2027-01-31T10:00:00Z");
    const tenant = await makeTenant();
    await ok(await call(tenant.host, "PATCH", "/api/v1/billing/settings", { cookie: tenant.owner.cookie, json: { invoiceDay: 28 } }));
    const p = await newPlan(tenant, { name: "Four weeks", noticeDays: 28 });
    const m = await memberOn(tenant, "st31-d28@example.com", p.id);
    expect(await mine(tenant, m.cookie)).toMatchObject({ currentPeriod: { start: "2027-01-31", end: "2027-02-27" }, nextInvoiceDate: "2027-02-28" });
    // 31 Jan + 28 = 28 Feb: the period 28 Feb..27 Mar.
    expect((await act(tenant, m.cookie, "cancel")).cancelsOn).toBe("2027-03-27");
  });

  it("a notice that crosses the end of February: 20 days from 8 and 9 February 2027 (28 days), from 9 and 10 February 2028 (29 days)", async () => {
    setNow("2027-02-01T10:00:00Z");
    const tenant = await makeTenant();
    const p = await newPlan(tenant, { name: "Three weeks", noticeDays: 20 });
    const cases: [string, string][] = [
      ["2027-02-08", "2027-02-28"], // + 20 = 28 Feb 2027: the period ending 28 February
      ["2027-02-09", "2027-03-31"], // + 20 = 1 Mar 2027: the period ending 31 March
      ["2028-02-09", "2028-02-29"], // + 20 = 29 Feb 2028 (leap year): the period ending 29 February
      ["2028-02-10", "2028-03-31"], // + 20 = 1 Mar 2028: the period ending 31 March
    ];
    const ids: string[] = [];
    for (const [today, expected] of cases) {
      setNow(`${today}T10:00:00Z`);
      tenant.owner.cookie = await relogin(tenant, tenant.owner); // a year later, the owner's session has expired
      const m = await memberOn(tenant, `feb-${today}@example.com`, p.id);
      const canceling = await act(tenant, m.cookie, "cancel");
      expect([today, canceling.cancelsOn, canceling.nextInvoiceDate]).toEqual([today, expected, expected.endsWith("-31") ? `${expected.slice(0, 8)}01` : null]);
      ids.push(m.membershipId);
    }
    // The leap day is the last day of access: ended at midnight on 1 March 2028, not before.
    await tick(tenant, "2028-02-29T22:59:59Z");
    expect((await adminRead(tenant, ids[2]!)).status).toBe("canceling");
    await tick(tenant, "2028-02-29T23:00:00Z");
    expect((await adminRead(tenant, ids[2]!)).status).toBe("canceled");
    expect((await adminRead(tenant, ids[3]!)).status).toBe("canceling");
  });
});

describe("cancel → undo → cancel over HTTP", () => {
  it("the second cancel counts its notice from its own day; the job ends it once, the day after; afterwards there is nothing to undo", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const p = await newPlan(tenant, { name: "Monthly", noticeDays: 30 });
    const m = await signUpMember(tenant, "undo@example.com");
    // An admin put them on the plan from 15 January: a short first period, then months.
    const assigned = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: m.id, planId: p.id, startsOn: "2027-01-15" } }), 201)).membership;
    // 10 Feb + 30 = 12 Mar: the period 1..31 Mar.
    expect(await act(tenant, m.cookie, "cancel")).toMatchObject({ status: "canceling", cancelsOn: "2027-03-31", nextInvoiceDate: "2027-03-01" });
    setNow("2027-02-11T10:00:00Z");
    expect(await act(tenant, m.cookie, "undo-cancel")).toMatchObject({ status: "active", cancelsOn: null, nextInvoiceDate: "2027-03-01" });
    // The job on the old last day's morrow ends nothing: the undo holds.
    await tick(tenant, "2027-03-31T22:00:00Z");
    expect((await adminRead(tenant, assigned.id)).status).toBe("active");
    setNow("2027-03-02T10:00:00Z");
    const cookie = await relogin(tenant, m);
    // 2 Mar + 30 = 1 Apr: the period 1..30 Apr.
    expect(await act(tenant, cookie, "cancel")).toMatchObject({ status: "canceling", cancelsOn: "2027-04-30" });
    await tick(tenant, "2027-04-30T21:59:59Z"); // 23:59:59 on 30 April in Paris
    expect((await adminRead(tenant, assigned.id)).status).toBe("canceling");
    await tick(tenant, "2027-04-30T22:00:00Z");
    const ended = await adminRead(tenant, assigned.id);
    expect(ended.status).toBe("canceled");
    await tick(tenant, "2027-04-30T22:00:00Z");
    expect(await adminRead(tenant, assigned.id)).toEqual(ended);
    expect((await mine(tenant, cookie)).status).toBe("canceled");
    expect(await refused(await call(tenant.host, "POST", "/api/v1/me/membership/undo-cancel", { cookie }))).toMatchObject({ status: 404 });
    expect(await refused(await call(tenant.host, "POST", `/api/v1/memberships/${assigned.id}/undo-cancel`, { cookie: tenant.owner.cookie }))).toMatchObject({ status: 409, code: "membership_not_canceling" });
  });
});

describe("a plan change over HTTP", () => {
  it("is applied by the job on the first day of the next period, not the day before, once; the new interval's periods count from that day", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const flex = await newPlan(tenant, { name: "Flex" });
    const quarterly = await newPlan(tenant, { name: "Quarterly", intervalMonths: 3, price: { amount: 45000, currency: "EUR" } });
    const m = await memberOn(tenant, "change@example.com", flex.id);
    expect((await changeTo(tenant, m.cookie, quarterly.id)).scheduledChange).toMatchObject({ plan: { id: quarterly.id }, on: "2027-03-01" });
    await tick(tenant, "2027-02-28T22:59:59Z"); // 23:59:59 on 28 February in Paris
    expect(await adminRead(tenant, m.membershipId)).toMatchObject({ plan: { id: flex.id }, scheduledChange: { on: "2027-03-01" } });
    await tick(tenant, "2027-02-28T23:00:00Z"); // midnight, 1 March
    setNow("2027-03-10T10:00:00Z");
    const changed = await adminRead(tenant, m.membershipId);
    expect(changed).toMatchObject({ status: "active", plan: { id: quarterly.id }, scheduledChange: null, currentPeriod: { start: "2027-03-01", end: "2027-05-31" }, nextInvoiceDate: "2027-06-01" });
    await tick(tenant, "2027-02-28T23:00:00Z");
    expect(await adminRead(tenant, m.membershipId)).toEqual(changed);
  });
});

describe("archived plans over HTTP", () => {
  it("cannot be chosen (422 plan_unavailable, by members and admins alike, nor changed to), are no longer offered, and their members keep them; a change scheduled to a plan archived meanwhile still happens", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const old = await newPlan(tenant, { name: "Old" });
    const next = await newPlan(tenant, { name: "Next" });
    const keeper = await memberOn(tenant, "keeper@example.com", old.id);
    const mover = await memberOn(tenant, "mover@example.com", old.id);
    expect((await changeTo(tenant, mover.cookie, next.id)).scheduledChange).toMatchObject({ on: "2027-03-01" });
    expect((await call(tenant.host, "DELETE", `/api/v1/plans/${old.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect((await call(tenant.host, "DELETE", `/api/v1/plans/${next.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);

    const newcomer = await signUpMember(tenant, "newcomer@example.com");
    expect(await refused(await choose(tenant, newcomer.cookie, old.id))).toMatchObject({ status: 422, code: "plan_unavailable", fields: { planId: expect.any(String) } });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/memberships", { cookie: tenant.owner.cookie, json: { userId: newcomer.id, planId: old.id } }))).toMatchObject({ status: 422, code: "plan_unavailable" });
    expect((await ok<{ items: Plan[] }>(await call(tenant.host, "GET", "/api/v1/plans", { cookie: newcomer.cookie }))).items).toEqual([]);
    expect(await refused(await call(tenant.host, "POST", "/api/v1/me/membership/change", { cookie: keeper.cookie, json: { planId: next.id } }))).toMatchObject({ status: 422, code: "plan_unavailable" });

    // The keeper keeps the archived plan, on their membership and their dashboard.
    expect(await mine(tenant, keeper.cookie)).toMatchObject({ status: "active", plan: { id: old.id, name: "Old", archived: true }, nextInvoiceDate: "2027-03-01" });
    expect((await ok<{ membership: unknown }>(await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: keeper.cookie }))).membership).toEqual({ plan: { id: old.id, name: "Old" }, status: "active" });
    // The job on 1 March: the change to the archived "Next" happens; the keeper stays on "Old".
    await tick(tenant, "2027-02-28T23:00:00Z");
    expect(await adminRead(tenant, mover.membershipId)).toMatchObject({ status: "active", plan: { id: next.id, archived: true }, scheduledChange: null });
    expect(await adminRead(tenant, keeper.membershipId)).toMatchObject({ status: "active", plan: { id: old.id } });
  });
});

describe("paid groups over HTTP", () => {
  it("403 plan_required with the plans beside the error; when the membership ends or moves to a plan that does not open the group the member leaves, its owner and admins stay", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const group = await ok<{ group: { id: string } }>(await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Residents", slug: "residents", joinPolicy: "open" } }), 201);
    const resident = await newPlan(tenant, { name: "Resident", price: { amount: 19900, currency: "EUR" }, groups: ["residents"] });
    const secret = await newPlan(tenant, { name: "Secret", hidden: true, groups: ["residents"] });
    const flex = await newPlan(tenant, { name: "Flex", price: { amount: 9900, currency: "EUR" } });
    const join = (cookie: string) => call(tenant.host, "POST", "/api/v1/groups/residents/join", { cookie, json: {} });

    const leaver = await signUpMember(tenant, "paid-leaver@example.com");
    const first = await join(leaver.cookie);
    expect(first.status).toBe(403);
    // Only the plans a member can choose (not the hidden one), beside the error.
    expect(await first.json()).toEqual({ error: expect.objectContaining({ code: "plan_required" }), plans: [{ id: resident.id, name: "Resident", price: { amount: 19900, currency: "EUR" } }] });
    // A plan that does not open the group does not let anyone in either.
    const onFlex = await memberOn(tenant, "paid-flex@example.com", flex.id);
    expect(await refused(await join(onFlex.cookie))).toMatchObject({ status: 403, code: "plan_required" });

    await ok(await choose(tenant, leaver.cookie, resident.id), 201);
    const admin = await memberOn(tenant, "paid-admin@example.com", resident.id);
    const mover = await memberOn(tenant, "paid-mover@example.com", resident.id);
    const stayer = await memberOn(tenant, "paid-stayer@example.com", resident.id);
    for (const m of [leaver, admin, mover, stayer]) expect((await join(m.cookie)).status).toBe(200);
    await setGroupRole(tenant, "residents", admin.id, "admin");

    expect((await act(tenant, leaver.cookie, "cancel")).cancelsOn).toBe("2027-02-28");
    expect((await act(tenant, admin.cookie, "cancel")).cancelsOn).toBe("2027-02-28");
    await changeTo(tenant, mover.cookie, flex.id);
    await changeTo(tenant, stayer.cookie, secret.id);
    const ownerId = (await ok<{ id: string }>(await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie }))).id;
    const inGroup = async (userId: string) => (await membershipRows(tenant.id, group.group.id, userId)).length === 1;
    const who = async () => ({ leaver: await inGroup(leaver.id), admin: await inGroup(admin.id), mover: await inGroup(mover.id), stayer: await inGroup(stayer.id), owner: await inGroup(ownerId) });

    await tick(tenant, "2027-02-28T22:59:59Z"); // still 28 February in Paris: everyone has access
    expect(await who()).toEqual({ leaver: true, admin: true, mover: true, stayer: true, owner: true });
    await tick(tenant, "2027-02-28T23:00:00Z"); // 1 March
    expect(await who()).toEqual({ leaver: false, admin: true, mover: false, stayer: true, owner: true });
    // Out for good: joining again asks for a plan.
    setNow("2027-03-01T10:00:00Z");
    expect(await refused(await join(leaver.cookie))).toMatchObject({ status: 403, code: "plan_required" });
    expect(await refused(await join(mover.cookie))).toMatchObject({ status: 403, code: "plan_required" });
  });
});

describe("the scheduled job, twice at the same time", () => {
  /** Every row of every table of the app (D1's own tables aside), in a stable order. */
  async function everything(): Promise<Record<string, unknown[]>> {
    const { results: tables } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%' ORDER BY name").all<{ name: string }>();
    const out: Record<string, unknown[]> = {};
    for (const { name } of tables) out[name] = (await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).all()).results;
    return out;
  }

  it("changes nothing the second time, and an earlier time undoes nothing (every table compared)", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Residents", slug: "residents", joinPolicy: "open" } })).status).toBe(201);
    const resident = await newPlan(tenant, { name: "Resident", groups: ["residents"] });
    const flex = await newPlan(tenant, { name: "Flex" });
    const ending = await memberOn(tenant, "twice-ending@example.com", resident.id);
    const changing = await memberOn(tenant, "twice-changing@example.com", resident.id);
    await memberOn(tenant, "twice-staying@example.com", resident.id);
    for (const m of [ending, changing]) expect((await call(tenant.host, "POST", "/api/v1/groups/residents/join", { cookie: m.cookie, json: {} })).status).toBe(200);
    await act(tenant, ending.cookie, "cancel");
    await changeTo(tenant, changing.cookie, flex.id);
    // Mail waiting in the outbox and an invitation due for its reminder, so every job has work.
    expect((await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: "Closed on Monday", body: "See you Tuesday.", email: true } })).status).toBe(201);
    expect((await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: "twice-invited@example.com" } })).status).toBe(200);

    const before = await everything();
    await tick(tenant, "2027-03-01T08:00:00Z");
    const once = await everything();
    // The first run did the work: the membership ended, the change applied, the mail delivered.
    expect(await adminRead(tenant, ending.membershipId)).toMatchObject({ status: "canceled" });
    expect(await adminRead(tenant, changing.membershipId)).toMatchObject({ plan: { id: flex.id }, scheduledChange: null });
    expect(once).not.toEqual(before);
    await tick(tenant, "2027-03-01T08:00:00Z");
    expect(await everything()).toEqual(once);
    await tick(tenant, "2027-02-20T08:00:00Z");
    expect(await everything()).toEqual(once);
  });
});

describe("one membership at a time over HTTP", () => {
  it("of 10 concurrent POST /me/membership (two plans) exactly one gets 201, the nine others 409 membership_exists; one membership is stored", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const a = await newPlan(tenant, { name: "A" });
    const b = await newPlan(tenant, { name: "B" });
    const m = await signUpMember(tenant, "race@example.com");
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => choose(tenant, m.cookie, i % 2 ? a.id : b.id)));
    const outcomes = await Promise.all(answers.map(async (r) => (r.status === 201 ? "201" : `${r.status} ${(await refused(r)).code}`)));
    expect(outcomes.sort()).toEqual(["201", ...Array(9).fill("409 membership_exists")]);
    const listed = await ok<{ items: { member: { email: string } }[] }>(await call(tenant.host, "GET", "/api/v1/memberships", { cookie: tenant.owner.cookie }));
    expect(listed.items.map((x) => x.member.email)).toEqual(["race@example.com"]);
  });
});

describe("approval and access over HTTP", () => {
  it("a pending membership gives no paid access (403 plan_required, no period, no invoice date) until an admin confirms; confirming starts it on the later of its start day and today", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Residents", slug: "residents", joinPolicy: "open" } })).status).toBe(201);
    const vetted = await newPlan(tenant, { name: "Resident", approvalRequired: true, groups: ["residents"] });
    const join = (cookie: string) => call(tenant.host, "POST", "/api/v1/groups/residents/join", { cookie, json: {} });

    const now = await signUpMember(tenant, "approval-now@example.com");
    const pending = (await ok<{ membership: Membership }>(await choose(tenant, now.cookie, vetted.id), 201)).membership;
    expect(pending).toMatchObject({ status: "pending_approval", startedOn: "2027-02-10", currentPeriod: null, nextInvoiceDate: null });
    expect(await refused(await join(now.cookie))).toMatchObject({ status: 403, code: "plan_required" });
    expect((await ok<{ membership: unknown }>(await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: now.cookie }))).membership).toEqual({ plan: { id: vetted.id, name: "Resident" }, status: "pending_approval" });
    const confirmed = (await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${pending.id}/confirm`, { cookie: tenant.owner.cookie }))).membership;
    expect(confirmed).toMatchObject({ status: "active", startedOn: "2027-02-10", currentPeriod: { start: "2027-02-10", end: "2027-02-28" }, nextInvoiceDate: "2027-03-01" });
    expect((await join(now.cookie)).status).toBe(200);

    // Chosen to start on the 20th, confirmed on the 10th: it starts on the 20th, not before.
    const later = await signUpMember(tenant, "approval-later@example.com");
    const asked = (await ok<{ membership: Membership }>(await choose(tenant, later.cookie, vetted.id, { startsOn: "2027-02-20" }), 201)).membership;
    expect((await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${asked.id}/confirm`, { cookie: tenant.owner.cookie }))).membership).toMatchObject({ status: "active", startedOn: "2027-02-20", currentPeriod: null });
    expect(await refused(await join(later.cookie))).toMatchObject({ status: 403, code: "plan_required" });
    setNow("2027-02-20T10:00:00Z");
    expect((await join(later.cookie)).status).toBe(200);

    // Confirmed on the 25th, after its start day: it starts on the 25th.
    setNow("2027-02-21T10:00:00Z");
    const late = await signUpMember(tenant, "approval-late@example.com");
    const waiting = (await ok<{ membership: Membership }>(await choose(tenant, late.cookie, vetted.id), 201)).membership;
    setNow("2027-02-25T10:00:00Z");
    expect((await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${waiting.id}/confirm`, { cookie: tenant.owner.cookie }))).membership).toMatchObject({ status: "active", startedOn: "2027-02-25" });
  });

  it("cancelling a pending membership ends it at once (a declined request, by the member or an admin); the member may then choose again", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const vetted = await newPlan(tenant, { name: "Resident", approvalRequired: true, noticeDays: 60 });
    const m = await signUpMember(tenant, "declined@example.com");
    await ok(await choose(tenant, m.cookie, vetted.id), 201);
    expect(await act(tenant, m.cookie, "cancel")).toMatchObject({ status: "canceled", cancelsOn: null });
    const again = (await ok<{ membership: Membership }>(await choose(tenant, m.cookie, vetted.id), 201)).membership;
    expect(again.status).toBe("pending_approval");
    expect((await ok<{ membership: Membership }>(await call(tenant.host, "POST", `/api/v1/memberships/${again.id}/cancel`, { cookie: tenant.owner.cookie, json: {} }))).membership).toMatchObject({ status: "canceled", cancelsOn: null });
    expect((await mine(tenant, m.cookie)).status).toBe("canceled");
  });
});

describe("more plan changes over HTTP", () => {
  it("a second change replaces the first; a plan that needs approval can be the target and needs none; cancelling drops the change", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const flex = await newPlan(tenant, { name: "Flex" });
    const team = await newPlan(tenant, { name: "Team" });
    const vetted = await newPlan(tenant, { name: "Vetted", approvalRequired: true });
    const m = await memberOn(tenant, "second-change@example.com", flex.id);
    await changeTo(tenant, m.cookie, team.id);
    expect((await changeTo(tenant, m.cookie, vetted.id)).scheduledChange).toMatchObject({ plan: { id: vetted.id }, on: "2027-03-01" });
    await tick(tenant, "2027-02-28T23:00:00Z");
    setNow("2027-03-01T10:00:00Z");
    expect(await mine(tenant, m.cookie)).toMatchObject({ status: "active", plan: { id: vetted.id }, scheduledChange: null });

    const n = await memberOn(tenant, "dropped-change@example.com", flex.id);
    await changeTo(tenant, n.cookie, team.id);
    expect(await act(tenant, n.cookie, "cancel")).toMatchObject({ status: "canceling", cancelsOn: "2027-03-31", scheduledChange: null });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/me/membership/change", { cookie: n.cookie, json: { planId: team.id } }))).toMatchObject({ status: 409, code: "membership_canceling" });
    await tick(tenant, "2027-03-31T22:00:00Z");
    expect(await adminRead(tenant, n.membershipId)).toMatchObject({ status: "canceled", plan: { id: flex.id } });
  });
});

describe("an admin's cancel over HTTP", () => {
  it("takes effect on the day the admin picks (today or later, 422 before), whatever the member switch says; nothing is invoiced after it; the job ends it the day after", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const p = await newPlan(tenant, { name: "Monthly", noticeDays: 60 });
    const m = await memberOn(tenant, "admin-cancel@example.com", p.id);
    await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { cancelMembership: false } } }));
    expect(await refused(await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: m.cookie }))).toMatchObject({ status: 403, code: "feature_disabled" });
    const cancelAs = (on: string) => call(tenant.host, "POST", `/api/v1/memberships/${m.membershipId}/cancel`, { cookie: tenant.owner.cookie, json: { on } });
    expect(await refused(await cancelAs("2027-02-09"))).toMatchObject({ status: 422, fields: { on: expect.any(String) } });
    expect((await ok<{ membership: Membership }>(await cancelAs("2027-02-17"))).membership).toMatchObject({ status: "canceling", cancelsOn: "2027-02-17", nextInvoiceDate: null });
    await tick(tenant, "2027-02-17T22:59:59Z");
    expect((await adminRead(tenant, m.membershipId)).status).toBe("canceling");
    await tick(tenant, "2027-02-17T23:00:00Z");
    expect((await adminRead(tenant, m.membershipId)).status).toBe("canceled");
  });
});

describe("joining a paid group over HTTP", () => {
  it("checks in order: 404, 403 banned, 403 invite_only, 403 plan_required, then the join policy (202 pending with a plan)", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    for (const [slug, joinPolicy] of [["paid-open", "open"], ["paid-invite", "invite"], ["paid-approval", "approval"]]) {
      expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: slug, slug, joinPolicy } })).status).toBe(201);
    }
    const p = await newPlan(tenant, { name: "Resident", groups: ["paid-open", "paid-invite", "paid-approval"] });
    const m = await signUpMember(tenant, "order@example.com");
    const join = (slug: string) => call(tenant.host, "POST", `/api/v1/groups/${slug}/join`, { cookie: m.cookie, json: {} });
    expect((await join("no-such-group")).status).toBe(404);
    expect((await call(tenant.host, "POST", `/api/v1/groups/paid-open/members/${m.id}/ban`, { cookie: tenant.owner.cookie })).status).toBe(204);
    expect(await refused(await join("paid-open"))).toMatchObject({ status: 403, code: "banned" });
    expect(await refused(await join("paid-invite"))).toMatchObject({ status: 403, code: "invite_only" });
    expect(await refused(await join("paid-approval"))).toMatchObject({ status: 403, code: "plan_required" });
    await ok(await choose(tenant, m.cookie, p.id), 201);
    expect(await refused(await join("paid-open"))).toMatchObject({ status: 403, code: "banned" });
    expect(await refused(await join("paid-invite"))).toMatchObject({ status: 403, code: "invite_only" });
    expect((await join("paid-approval")).status).toBe(202);
  });
});

describe("billing details and the admins' filters over HTTP", () => {
  it("members edit their billing details field by field (422 on an empty name); admins filter memberships by status and by plan", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const a = await newPlan(tenant, { name: "A" });
    const b = await newPlan(tenant, { name: "B", approvalRequired: true });
    const m = await memberOn(tenant, "billing-a@example.com", a.id);
    const other = await signUpMember(tenant, "billing-b@example.com");
    await ok(await choose(tenant, other.cookie, b.id), 201);
    const patch = (json: unknown) => call(tenant.host, "PATCH", "/api/v1/me/membership/billing", { cookie: m.cookie, json });
    expect((await ok<{ membership: { billing: unknown } }>(await patch({ name: "Zoë Łukasz SRL", address: "Strada Ș 1, Cluj" }))).membership.billing).toEqual({ name: "Zoë Łukasz SRL", address: "Strada Ș 1, Cluj", taxId: null });
    expect((await ok<{ membership: { billing: unknown } }>(await patch({ taxId: "RO123456" }))).membership.billing).toEqual({ name: "Zoë Łukasz SRL", address: "Strada Ș 1, Cluj", taxId: "RO123456" });
    expect(await refused(await patch({ name: " " }))).toMatchObject({ status: 422, fields: { name: expect.any(String) } });
    const emails = async (query: string) => (await ok<{ items: { member: { email: string } }[] }>(await call(tenant.host, "GET", `/api/v1/memberships${query}`, { cookie: tenant.owner.cookie }))).items.map((x) => x.member.email).sort();
    expect(await emails("")).toEqual(["billing-a@example.com", "billing-b@example.com"]);
    expect(await emails(`?planId=${a.id}`)).toEqual(["billing-a@example.com"]);
    expect(await emails(`?planId=${b.id}&status=pending_approval`)).toEqual(["billing-b@example.com"]);
    expect(await emails(`?planId=${b.id}&status=active`)).toEqual([]);
  });
});
