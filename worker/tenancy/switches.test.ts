import { describe, expect, it } from "vitest";
import { call, form, makeTenant, signUpMember, type TestTenant } from "../test/helpers";

// Issue 17, "every switch over every tab": with every tab in place, each switch of the contract
// ("Switches, status and messages") turns its tab and its member routes off (403
// `feature_disabled`) and back on; owners and admins are never refused; the dashboard stays; and
// "view as member" sees exactly what a member sees (same tabs, same answer on each tab's page).

const DAY = 86_400_000;
const from = new Date(Date.now() + DAY).toISOString();
const to = new Date(Date.now() + 8 * DAY).toISOString();

type Tab = { flag: "bookings" | "events" | "helpdesk" | "directory"; nav: string; page: string; reads: string[] };
const TABS: Tab[] = [
  { flag: "bookings", nav: "nav-bookings /bookings", page: "/bookings", reads: ["/api/v1/resources", `/api/v1/bookings?from=${from}&to=${to}`, "/api/v1/me/bookings"] },
  { flag: "events", nav: "nav-events /events", page: "/events", reads: ["/api/v1/events"] },
  { flag: "helpdesk", nav: "nav-help /help", page: "/help", reads: ["/api/v1/guides", "/api/v1/issues"] },
  { flag: "directory", nav: "nav-members /members", page: "/members", reads: ["/api/v1/directory"] },
];

function navOf(page: string): string[] {
  const nav = /<nav class="site-nav"[^>]*>([\s\S]*?)<\/nav>/.exec(page)![1]!;
  return [...nav.matchAll(/<li class="([^"]*)">\s*<a[^>]*href="([^"]*)"/g)].map((m) => `${m[1]} ${m[2]}`);
}
async function code(res: Response): Promise<string | null> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error?: { code: string } }).error?.code ?? null;
  } catch {
    return null;
  }
}
async function patchFeatures(tenant: TestTenant, features: Record<string, boolean>) {
  const res = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features } });
  expect(res.status, await res.clone().text()).toBe(200);
}
async function viewAsMember(tenant: TestTenant): Promise<string> {
  const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
  expect(set.status).toBe(303);
  return `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
}
const page = async (tenant: TestTenant, path: string, cookie: string) => {
  const res = await call(tenant.host, "GET", path, { cookie });
  return { status: res.status, html: await res.text() };
};

/** What a member, the owner and the owner viewing as a member see of every tab, and the dashboard. */
async function snapshot(tenant: TestTenant, member: string, asMember: string) {
  const out: Record<string, unknown> = {};
  for (const who of [["member", member], ["owner", tenant.owner.cookie], ["viewer", asMember]] as const) {
    const home = await page(tenant, "/", who[1]);
    out[`${who[0]} /`] = home.status;
    out[`${who[0]} nav`] = navOf(home.html);
    for (const tab of TABS) out[`${who[0]} ${tab.page}`] = (await page(tenant, tab.page, who[1])).status;
  }
  return out;
}

describe("every portal switch over every tab", () => {
  it("each tab's switch turns its tab, page and member routes off (403 feature_disabled) and on again; admins keep them; the dashboard stays; view-as-member matches a member", async () => {
    const tenant = await makeTenant();
    const member = (await signUpMember(tenant, `switches-${crypto.randomUUID()}@example.org`, "Sam Switch")).cookie;
    const asMember = await viewAsMember(tenant);
    const before = await snapshot(tenant, member, asMember);
    expect(before["viewer nav"]).toEqual(before["member nav"]);
    for (const tab of TABS) {
      expect(before["member nav"]).toContain(tab.nav);
      expect(before[`member ${tab.page}`]).toBe(200);
    }
    for (const tab of TABS) {
      await patchFeatures(tenant, { [tab.flag]: false });
      // Members: every read of the section refused, the page refused, the tab gone.
      for (const path of tab.reads) {
        const res = await call(tenant.host, "GET", path, { cookie: member });
        expect([path, res.status, await code(res)]).toEqual([path, 403, "feature_disabled"]);
        expect((await call(tenant.host, "GET", path, { cookie: tenant.owner.cookie })).status, `${path} as the owner`).toBe(200);
      }
      const off = await snapshot(tenant, member, asMember);
      expect(off[`member ${tab.page}`]).toBe(403);
      expect(off["member nav"]).not.toContain(tab.nav);
      // The dashboard cannot be turned off; its API answers too.
      expect(off["member /"]).toBe(200);
      expect((await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member })).status).toBe(200);
      // Owners keep the tab and its page.
      expect(off[`owner ${tab.page}`]).toBe(200);
      expect(off["owner nav"]).toContain(tab.nav);
      // Viewing as a member: exactly a member's tabs and answers.
      expect(off["viewer nav"]).toEqual(off["member nav"]);
      for (const other of TABS) expect([other.page, off[`viewer ${other.page}`]]).toEqual([other.page, off[`member ${other.page}`]]);
      // And back on: everything as before.
      await patchFeatures(tenant, { [tab.flag]: true });
      for (const path of tab.reads) expect([path, (await call(tenant.host, "GET", path, { cookie: member })).status]).toEqual([path, 200]);
      expect(await snapshot(tenant, member, asMember)).toEqual(before);
    }
  });

  it("the action switches: opening help issues, member guides, cancelling, changing and the billing details", async () => {
    const tenant = await makeTenant();
    const member = (await signUpMember(tenant, `actions-${crypto.randomUUID()}@example.org`, "Ada Actions")).cookie;
    const plan = async (name: string) =>
      ((await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name, price: { amount: 5000, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } }).plan.id;
    const flex = await plan("Flex");
    const team = await plan("Team");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member, json: { planId: flex } })).status).toBe(201);
    const issue = { title: "Printer", body: "The printer is jammed." };
    const guide = { title: "Wi-Fi", body: "The network is *Members*." };
    const actions: { flag: string; method: string; path: string; json?: object; onStatus: number; defaultOn: boolean }[] = [
      { flag: "helpdeskIssues", method: "POST", path: "/api/v1/issues", json: issue, onStatus: 201, defaultOn: true },
      { flag: "memberGuides", method: "POST", path: "/api/v1/guides", json: guide, onStatus: 201, defaultOn: false },
      { flag: "editBillingDetails", method: "PATCH", path: "/api/v1/me/membership/billing", json: { name: "Ada Actions SARL" }, onStatus: 200, defaultOn: true },
      { flag: "changeMembership", method: "POST", path: "/api/v1/me/membership/change", json: { planId: team }, onStatus: 200, defaultOn: true },
      { flag: "cancelMembership", method: "POST", path: "/api/v1/me/membership/cancel", onStatus: 200, defaultOn: true },
    ];
    for (const a of actions) {
      const send = () => call(tenant.host, a.method, a.path, { cookie: member, ...(a.json ? { json: a.json } : {}) });
      if (a.defaultOn) await patchFeatures(tenant, { [a.flag]: false });
      const refused = await send();
      expect([a.flag, refused.status, await code(refused)]).toEqual([a.flag, 403, "feature_disabled"]);
      await patchFeatures(tenant, { [a.flag]: true });
      const done = await send();
      expect([a.flag, done.status], await done.clone().text()).toEqual([a.flag, a.onStatus]);
    }
  });
});
