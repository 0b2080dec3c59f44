// The member portal, in the browser, the way a new member meets it (issue 14's journey):
//   - the owner (through the API) adds a plan that needs approval and opens a new paid group,
//     an announcement for that plan's members only, and a status banner;
//   - a visitor signs up on /signup choosing that plan, with billing details, and lands on
//     /membership saying the request waits for approval; the dashboard shows no plan access yet
//     and not the plan's announcement; the paid group offers the plan instead of a join button;
//   - the owner confirms the request from the queue on /admin/memberships;
//   - the member's dashboard shows the banner, the announcement and the active plan;
//   - the member joins the paid group with the group page's own button;
//   - the member opens "Cancel my membership" on /membership, reads the cancellation message and
//     the last day, cancels, and sees that day as the end (the same day the API stores);
//   - screenshots of the dashboard, /membership, /admin/plans, /admin/memberships and
//     /admin/portal in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, settle, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

/** "2027-03-31" as the pages write a day in `lang` (formatDay: dateStyle long, the day as is). */
const longDay = (lang, day) => new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

const suffix = uniqueSuffix(3);
const PLAN = { name: `Studio ${suffix}`, price: 12000 };
const GROUP = { slug: `studio-${suffix}`, name: `Studio room ${suffix}` };
const ANNOUNCEMENT = `Studio keys ${suffix}`;
const BANNER = `Lift out of order ${suffix}: use the stairs.`;
const CANCELLATION = `We are sorry to see you go ${suffix}.`;

describe("Member portal: sign up on a plan, approval, dashboard, paid group, cancel (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const visitor = { name: `Pia Portal ${suffix}`, email: `pia-${suffix}@example.org`, password: `pia-pass-${suffix}-Xy!` };
  let owner, member, saved, planId;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    member = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await owner.page.goto(`${tenant}/admin?lang=${lang}`);
  });
  after(async () => {
    // The community's portal settings as they were, for the files after this one.
    if (saved) await api(owner.page, "/api/v1/tenant", "PATCH", saved).catch(() => {});
    await owner?.context.close();
    await member?.context.close();
  });

  step("the owner adds a paid group, a plan that needs approval and opens it, an announcement for the plan, a banner", async () => {
    const p = owner.page;
    const before = (await api(p, "/api/v1/tenant")).body;
    saved = { status: before.status, cancellationMessage: before.cancellationMessage };
    const group = await api(p, "/api/v1/groups", "POST", { slug: GROUP.slug, name: GROUP.name, description: "A quiet room for members on the Studio plan.", joinPolicy: "open" });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    const plan = await api(p, "/api/v1/plans", "POST", {
      name: PLAN.name,
      description: "A desk in the studio, **five days a week**.",
      price: { amount: PLAN.price, currency: "EUR" },
      intervalMonths: 1,
      taxRate: 20,
      approvalRequired: true,
      noticeDays: 30,
      groups: [GROUP.slug],
    });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    planId = plan.body.plan.id;
    const a = await api(p, "/api/v1/announcements", "POST", { title: ANNOUNCEMENT, body: "Pick them up at the desk.", plans: [planId] });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const s = await api(p, "/api/v1/tenant", "PATCH", { status: { state: "restricted", message: BANNER }, cancellationMessage: CANCELLATION });
    assert.equal(s.status, 200, JSON.stringify(s.body));
  });

  step("a visitor signs up on /signup choosing the plan, with billing details, and is told it waits for approval", async () => {
    const p = member.page;
    await p.goto(`${tenant}/signup?lang=${lang}`);
    await field(p, t(lang, "signup.name")).fill(visitor.name);
    await field(p, t(lang, "signup.email")).fill(visitor.email);
    await field(p, t(lang, "signup.password")).fill(visitor.password);
    await p.getByRole("radio", { name: new RegExp(PLAN.name) }).check();
    await field(p, t(lang, "membership.billing.name")).fill(visitor.name);
    await field(p, t(lang, "membership.billing.address")).fill("12 rue des Ateliers\n69001 Lyon");
    await Promise.all([p.waitForURL((u) => u.pathname === "/membership"), p.getByRole("button", { name: t(lang, "signup.submit") }).click()]);
    const text = await mainText(p);
    assert(text.includes(PLAN.name), `no plan name on /membership: ${text.slice(0, 300)}`);
    assert(text.includes(t(lang, "membership.status.pending_approval")), `not pending: ${text.slice(0, 300)}`);
    const mine = await api(p, "/api/v1/me/membership");
    assert.equal(mine.body.status, "pending_approval");
    assert.deepEqual(mine.body.billing, { name: visitor.name, address: "12 rue des Ateliers\n69001 Lyon", taxId: null });
  });

  step("while pending: no plan announcement on the dashboard, and the paid group offers the plan instead of a join button", async () => {
    const p = member.page;
    await p.goto(`${tenant}/?lang=${lang}`);
    const home = await mainText(p);
    assert(!home.includes(ANNOUNCEMENT), "the plan's announcement shows before the membership gives access");
    await p.goto(`${tenant}/g/${GROUP.slug}?lang=${lang}`);
    assert.equal(await p.getByRole("button", { name: t(lang, "group.join"), exact: true }).count(), 0, "a join button on a paid group without access");
    assert((await mainText(p)).includes(PLAN.name), "the group page does not name the plan that opens it");
  });

  step("the owner confirms the request from the queue on /admin/memberships", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/memberships?lang=${lang}`);
    assert((await mainText(p)).includes(t(lang, "admin.memberships.queue_title")));
    await Promise.all([p.waitForLoadState("load"), p.getByRole("button", { name: t(lang, "admin.memberships.confirm_label", { name: visitor.name }) }).click()]);
    await settle(p);
    const mine = await api(member.page, "/api/v1/me/membership");
    assert.equal(mine.body.status, "active", JSON.stringify(mine.body));
  });

  step("the dashboard shows the banner, the plan's announcement and the active plan", async () => {
    const p = member.page;
    await p.goto(`${tenant}/?lang=${lang}`);
    const text = await mainText(p);
    for (const expected of [BANNER, ANNOUNCEMENT, PLAN.name]) assert(text.includes(expected), `the dashboard does not show "${expected}": ${text.slice(0, 400)}`);
  });

  step("the member joins the paid group with the group page's button", async () => {
    const p = member.page;
    await p.goto(`${tenant}/g/${GROUP.slug}?lang=${lang}`);
    await Promise.all([p.waitForLoadState("load"), p.getByRole("button", { name: t(lang, "group.join"), exact: true }).first().click()]);
    await settle(p);
    const members = await api(owner.page, `/api/v1/groups/${GROUP.slug}/members`);
    const row = members.body.items.find((m) => m.name === visitor.name);
    assert(row, "the member is not in the paid group");
    assert.equal(row.plan?.name, PLAN.name, "the members list does not show the plan they are in through");
  });

  step("cancel on /membership: the message and the last day shown first, then 'Ending' with that day", async () => {
    const p = member.page;
    await p.goto(`${tenant}/membership?lang=${lang}`);
    await p.getByText(t(lang, "membership.cancel_title"), { exact: true }).first().click();
    const text = await mainText(p);
    assert(text.includes(CANCELLATION), "the cancellation message is not shown where the member cancels");
    const announced = /last day of access will be ([^.]+)\./.exec(text)?.[1];
    assert(announced, `no last day before cancelling: ${text.slice(0, 500)}`);
    await Promise.all([p.waitForLoadState("load"), p.getByRole("button", { name: t(lang, "membership.cancel_submit"), exact: true }).click()]);
    await settle(p);
    const mine = (await api(p, "/api/v1/me/membership")).body;
    assert.equal(mine.status, "canceling");
    assert.equal(longDay(lang, mine.cancelsOn), announced, "the day announced before cancelling is not the day stored");
    assert((await mainText(p)).includes(t(lang, "membership.canceling_body", { date: longDay(lang, mine.cancelsOn) })), "the page does not say when the membership ends");
  });

  describe("screenshots", () => {
    for (const shotLang of LANGS) {
      eachViewport(`portal pages (${shotLang})`, ({ tag, options, step: shotStep }) => {
        let ownerShots, memberShots;
        before(async () => {
          ownerShots = await openPage(options, { as: DEMO.owner });
          memberShots = await openPage(options, { as: visitor });
        });
        after(async () => {
          await ownerShots?.context.close();
          await memberShots?.context.close();
        });
        const expect = (key, vars) => t(shotLang, key, vars);
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/?lang=${shotLang}`, file: `portal-dashboard-${shotLang}-${tag}.png`, lang: shotLang, width: options.viewport.width, expectText: BANNER });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/membership?lang=${shotLang}`, file: `portal-membership-${shotLang}-${tag}.png`, lang: shotLang, width: options.viewport.width, expectText: expect("membership.status.canceling") });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/plans?lang=${shotLang}`, file: `portal-admin-plans-${shotLang}-${tag}.png`, lang: shotLang, width: options.viewport.width, expectText: PLAN.name });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/memberships?lang=${shotLang}`, file: `portal-admin-memberships-${shotLang}-${tag}.png`, lang: shotLang, width: options.viewport.width, expectText: visitor.name });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/portal?lang=${shotLang}`, file: `portal-admin-portal-${shotLang}-${tag}.png`, lang: shotLang, width: options.viewport.width, expectText: BANNER });
      });
    }
  });
});
