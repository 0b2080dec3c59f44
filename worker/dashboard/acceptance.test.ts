import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// Issue 14's acceptance rows for the dashboard, over HTTP: the status banner only inside its
// window `[from, until)`, announcements only for their targets (and until their `until`).
// Requests run at the system time, which these tests fix (only `Date` is faked); the job that
// ends memberships runs through the development clock. The community's timezone is
// Europe/Paris (UTC+1 in February).

type Dashboard = { announcements: { title: string }[]; status: { state: string; message: string } | null };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const setNow = (ms: number | string) => vi.setSystemTime(typeof ms === "string" ? Date.parse(ms) : ms);

async function dashboard(tenant: TestTenant, cookie: string): Promise<Dashboard> {
  const res = await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as Dashboard;
}

async function created<T>(res: Response): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return JSON.parse(text) as T;
}

describe("the status banner over HTTP", () => {
  it("shows only inside its window: not before `from`, from `from` on, up to but not at `until`; without a window always; `open` only with a message", async () => {
    const from = Date.parse("2027-02-10T08:00:00Z");
    const until = Date.parse("2027-02-12T18:00:00Z");
    setNow(from - 3_600_000);
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "banner@example.com");
    const patch = async (status: unknown) => expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { status } })).status).toBe(200);
    await patch({ state: "temporarily_closed", message: "Closed for works", from: new Date(from).toISOString(), until: new Date(until).toISOString() });
    const bannerAt = async (ms: number) => {
      setNow(ms);
      return (await dashboard(tenant, member.cookie)).status;
    };
    expect(await bannerAt(from - 1)).toBeNull();
    expect(await bannerAt(from)).toMatchObject({ state: "temporarily_closed", message: "Closed for works" });
    expect(await bannerAt(until - 1)).toMatchObject({ state: "temporarily_closed" });
    expect(await bannerAt(until)).toBeNull();
    expect(await bannerAt(until + 7 * 86_400_000)).toBeNull();
    // Only `from`: from then on, for good. No window: always.
    await patch({ state: "restricted", message: "Members only", from: new Date(from).toISOString() });
    expect(await bannerAt(from - 1)).toBeNull();
    expect(await bannerAt(from + 20 * 86_400_000)).toMatchObject({ state: "restricted", message: "Members only" });
    await patch({ state: "restricted", message: "Members only" });
    expect(await bannerAt(from - 1)).toMatchObject({ state: "restricted" });
    // `open` informs only with a message.
    await patch({ state: "open", message: "" });
    expect(await bannerAt(from)).toBeNull();
    await patch({ state: "open", message: "Open late on Thursdays" });
    expect(await bannerAt(from)).toMatchObject({ state: "open", message: "Open late on Thursdays" });
  });
});

describe("announcements over HTTP", () => {
  it("reach only their targets: everyone; a plan's members while their membership gives access (not pending, not before its start, not after its end); a group's members; none after `until`", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    expect((await call(tenant.host, "POST", "/api/v1/groups", { cookie: owner, json: { name: "Makers", slug: "makers", joinPolicy: "open" } })).status).toBe(201);
    const plan = async (json: Record<string, unknown>) => (await created<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: owner, json: { price: { amount: 100, currency: "EUR" }, intervalMonths: 1, ...json } }))).plan.id;
    const resident = await plan({ name: "Resident" });
    const vetted = await plan({ name: "Vetted", approvalRequired: true });
    const other = await plan({ name: "Other" });
    const people = {
      onPlan: await signUpMember(tenant, "ann-plan@example.com"),
      pending: await signUpMember(tenant, "ann-pending@example.com"),
      later: await signUpMember(tenant, "ann-later@example.com"),
      ending: await signUpMember(tenant, "ann-ending@example.com"),
      otherPlan: await signUpMember(tenant, "ann-other@example.com"),
      inGroup: await signUpMember(tenant, "ann-group@example.com"),
      nobody: await signUpMember(tenant, "ann-nobody@example.com"),
    };
    const choose = async (cookie: string, planId: string, startsOn?: string) =>
      (await created<{ membership: { id: string } }>(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie, json: { planId, ...(startsOn ? { startsOn } : {}) } }))).membership.id;
    await choose(people.onPlan.cookie, resident);
    await choose(people.pending.cookie, vetted);
    await choose(people.later.cookie, resident, "2027-02-15");
    const ending = await choose(people.ending.cookie, resident);
    await choose(people.otherPlan.cookie, other);
    expect((await call(tenant.host, "POST", "/api/v1/groups/makers/join", { cookie: people.inGroup.cookie, json: {} })).status).toBe(200);
    // The admin ends one membership today: it gives access through today, none tomorrow.
    expect((await call(tenant.host, "POST", `/api/v1/memberships/${ending}/cancel`, { cookie: owner, json: { on: "2027-02-10" } })).status).toBe(200);

    const post = (json: Record<string, unknown>) => call(tenant.host, "POST", "/api/v1/announcements", { cookie: owner, json: { body: "Details inside.", ...json } });
    await created(await post({ title: "Everyone" }));
    await created(await post({ title: "Plans", plans: [resident, vetted], email: true }));
    await created(await post({ title: "Makers", groups: ["makers"] }));
    await created(await post({ title: "Until tonight", until: "2027-02-10T22:00:00Z" }));
    const seen = async () => {
      const out: Record<string, string[]> = {};
      for (const [name, m] of Object.entries(people)) out[name] = (await dashboard(tenant, m.cookie)).announcements.map((a) => a.title).sort();
      return out;
    };
    expect(await seen()).toEqual({
      onPlan: ["Everyone", "Plans", "Until tonight"],
      pending: ["Everyone", "Until tonight"],
      later: ["Everyone", "Until tonight"],
      ending: ["Everyone", "Plans", "Until tonight"],
      otherPlan: ["Everyone", "Until tonight"],
      inGroup: ["Everyone", "Makers", "Until tonight"],
      nobody: ["Everyone", "Until tonight"],
    });

    // The job at midnight in Paris delivers the email (to those the plans reached today, once) and
    // ends the cancelled membership; then, on the 15th, the later one has begun.
    const tick = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: "2027-02-10T23:00:00Z" } });
    expect(tick.status).toBe(200);
    const emailed: string[] = [];
    for (const [name, m] of Object.entries(people)) {
      const mails = (await (await call(tenant.host, "GET", `/api/v1/dev/mail?to=${encodeURIComponent(m.email)}`)).json()) as { subject: string }[];
      if (mails.some((x) => x.subject.includes("Plans"))) emailed.push(name);
    }
    expect(emailed.sort()).toEqual(["ending", "onPlan"]);
    setNow("2027-02-15T10:00:00Z");
    expect(await seen()).toEqual({
      onPlan: ["Everyone", "Plans"],
      pending: ["Everyone"],
      later: ["Everyone", "Plans"],
      ending: ["Everyone"],
      otherPlan: ["Everyone"],
      inGroup: ["Everyone", "Makers"],
      nobody: ["Everyone"],
    });
    // The dashboard's plan is the latest membership that is not canceled: none once it ended.
    expect(((await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: people.ending.cookie })).json()) as { membership: unknown }).membership).toBeNull();
  });

  it("the dashboard shows at most 10, newest first", async () => {
    setNow("2027-02-10T10:00:00Z");
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ann-many@example.com");
    for (let i = 1; i <= 12; i++) {
      setNow(Date.parse("2027-02-10T10:00:00Z") + i * 60_000);
      await created(await call(tenant.host, "POST", "/api/v1/announcements", { cookie: tenant.owner.cookie, json: { title: `News ${i}`, body: "Body" } }));
    }
    expect((await dashboard(tenant, member.cookie)).announcements.map((a) => a.title)).toEqual(Array.from({ length: 10 }, (_, i) => `News ${12 - i}`));
  });
});
