// Events, in the browser (issue 17's journey):
//   - the owner creates a paid event with one seat on /admin/events/new (times typed in the
//     community's timezone, the price with a comma in French);
//   - two members on a plan register on the event's page: the first is going, the second joins
//     the waitlist; each page says so;
//   - the first cancels from the event's page: the second is promoted, which their page shows;
//   - the owner sees both on the attendee list;
//   - screenshots of /events (list and month), an event page, /admin/events, /admin/events/new
//     and /admin/events/{id}, French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, LANGS, mainText, openPage, pageApi as api, postJson, settle, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const TITLE = `Soirée impro ${suffix}`;
/** Ten days from now, 19:30 to 22:00 on the community's clock (Europe/Paris). */
const day = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);

describe("Events: a paid event with one seat, a waitlist and a promotion (fr, 1280x800)", () => {
  const step = steps();
  const lang = "fr";
  const people = ["ana", "ben"].map((n) => ({ name: `${n === "ana" ? "Ana" : "Ben"} Events ${suffix}`, email: `${n}-${suffix}@example.org`, password: `${n}-pass-${suffix}-Xy!` }));
  let owner, first, second, eventId;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await owner.page.goto(`${tenant}/admin/events?lang=${lang}`);
    // Two members on a plan that gives access at once (a priced event needs an active membership).
    const plan = await api(owner.page, "/api/v1/plans", "POST", { name: `Impro ${suffix}`, price: { amount: 1000, currency: "EUR" }, intervalMonths: 1 });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    for (const p of people) {
      const res = await postJson("/api/v1/auth/signup", { ...p, planId: plan.body.plan.id });
      assert.equal(res.status, 201, res.body.slice(0, 300));
    }
    first = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: people[0] });
    second = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: people[1] });
  });
  after(async () => {
    await owner?.context.close();
    await first?.context.close();
    await second?.context.close();
  });

  step("the owner creates the event on /admin/events/new: one seat, 15,00 €, times in the community's timezone", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/events/new?lang=${lang}`);
    await p.locator("#field-title").fill(TITLE);
    await p.locator("#field-description").fill("Une soirée **d’improvisation** ouverte à tous les niveaux.");
    await p.locator("#field-type").fill("Spectacle");
    await p.locator("#field-startsAt").fill(`${day}T19:30`);
    await p.locator("#field-endsAt").fill(`${day}T22:00`);
    await p.locator("#field-location").fill("La grande salle");
    await p.locator("#field-capacity").fill("1");
    await p.locator("#field-price").fill("15,00");
    await Promise.all([p.waitForURL((u) => /^\/admin\/events\/[^/]+$/.test(u.pathname) && u.searchParams.get("done") === "created"), p.getByRole("button", { name: t(lang, "events.admin.create") }).click()]);
    eventId = new URL(p.url()).pathname.split("/")[3];
    const e = (await api(p, `/api/v1/events/${eventId}`)).body.event;
    assert.equal(e.capacity, 1);
    assert.deepEqual(e.price, { amount: 1500, currency: "EUR" });
    // 19:30 in Paris, whatever the season.
    const paris = new Intl.DateTimeFormat("en-GB", { timeZone: DEMO.timezone, hour: "2-digit", minute: "2-digit" }).format(new Date(e.startsAt));
    assert.equal(paris, "19:30");
    assert((await mainText(p)).includes(t(lang, "events.admin.done.created")));
  });

  step("the first member registers from the event page and is going", async () => {
    const p = first.page;
    await p.goto(`${tenant}/events?lang=${lang}`);
    assert((await mainText(p)).includes(TITLE), "the event is not on /events");
    await p.getByRole("link", { name: TITLE }).click();
    await settle(p);
    assert((await mainText(p)).includes("15,00"), "no price on the event page");
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "going"), p.getByRole("button", { name: t(lang, "events.register") }).click()]);
    const text = await mainText(p);
    assert(text.includes(t(lang, "events.mine.going")), `not going: ${text.slice(0, 300)}`);
  });

  step("the second member finds it full and joins the waitlist", async () => {
    const p = second.page;
    await p.goto(`${tenant}/events/${eventId}?lang=${lang}`);
    assert((await mainText(p)).includes(t(lang, "events.waitlist_title")));
    await Promise.all([p.waitForURL((u) => u.searchParams.get("done") === "waitlisted"), p.getByRole("button", { name: t(lang, "events.join_waitlist") }).click()]);
    const text = await mainText(p);
    assert(text.includes(t(lang, "events.mine.waitlisted")), `not waitlisted: ${text.slice(0, 300)}`);
  });

  step("the first member cancels; the second is promoted and their page says they are going", async () => {
    await first.page.goto(`${tenant}/events/${eventId}?lang=${lang}`);
    await Promise.all([first.page.waitForURL((u) => u.searchParams.get("done") === "canceled"), first.page.getByRole("button", { name: t(lang, "events.cancel_registration") }).click()]);
    assert((await mainText(first.page)).includes(t(lang, "events.done.canceled")));
    await second.page.goto(`${tenant}/events/${eventId}?lang=${lang}`);
    const text = await mainText(second.page);
    assert(text.includes(t(lang, "events.mine.going")), `the second member is not going: ${text.slice(0, 300)}`);
    assert.equal((await api(second.page, `/api/v1/events/${eventId}`)).body.event.myStatus, "going");
    // And their dashboard lists it.
    await second.page.goto(`${tenant}/?lang=${lang}`);
    assert((await mainText(second.page)).includes(TITLE), "the dashboard does not list the event");
  });

  step("the owner's attendee list shows the promoted member", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/events/${eventId}?lang=${lang}`);
    const text = await mainText(p);
    assert(text.includes(people[1].name), "the promoted member is not on the attendee list");
    assert(!text.includes(people[0].name), "the member who cancelled is still on the attendee list");
  });

  describe("screenshots", () => {
    for (const shotLang of LANGS) {
      eachViewport(`events pages (${shotLang})`, ({ tag, options, step: shotStep }) => {
        let ownerShots, memberShots;
        before(async () => {
          ownerShots = await openPage(options, { as: DEMO.owner });
          memberShots = await openPage(options, { as: people[1] });
        });
        after(async () => {
          await ownerShots?.context.close();
          await memberShots?.context.close();
        });
        const width = options.viewport.width;
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/events?lang=${shotLang}`, file: `events-list-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: TITLE });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/events?view=month&date=${day}&lang=${shotLang}`, file: `events-month-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: TITLE });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/events/${eventId}?lang=${shotLang}`, file: `events-event-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: t(shotLang, "events.mine.going") });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/events?lang=${shotLang}`, file: `events-admin-list-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: TITLE });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/events/new?lang=${shotLang}`, file: `events-admin-new-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: t(shotLang, "events.admin.section.tickets") });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/events/${eventId}?lang=${shotLang}`, file: `events-admin-event-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: people[1].name });
      });
    }
  });
});
