// Resources and bookings, in the browser, the way a member meets them (issue 16's journey):
//   - the owner (through the API) adds a plan with a plan price for a meeting room, and a member
//     takes that plan (active at once);
//   - the member opens the week view of the room, clicks a free slot (the BookingPicker island
//     fills the booking form), adds a title, asks for the price and sees the price for their plan
//     (not the room's base price) before confirming; confirms and lands on the booking;
//   - the booking is in their upcoming bookings on /bookings and on the dashboard;
//   - they cancel it from its page and it is gone;
//   - screenshots of the day, week and month views in French and English at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, LANGS, eachViewport, islandHydrated, mainText, openPage, pageApi as api, settle, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const PLAN = { name: `Flex ${suffix}`, price: 9900 };
const ROOM = { name: `Salle Lovelace ${suffix}`, base: 3000, planPrice: 1800 };
const TITLE = `Sprint review ${suffix}`;
const DAY_MS = 86_400_000;
/** The community's day (Europe/Paris) `days` from now. */
const parisDay = (days) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(Date.now() + days * DAY_MS);
/** An instant on a Paris day at a wall-clock time (December and the like: UTC+1; summer: UTC+2). */
function parisTime(day, hhmm) {
  for (const offset of ["+01:00", "+02:00"]) {
    const d = new Date(`${day}T${hhmm}:00${offset}`);
    if (new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d) === hhmm) return d.toISOString();
  }
  throw new Error(`no ${hhmm} on ${day} in Paris`);
}
const money = (lang, cents) => new Intl.NumberFormat(lang, { style: "currency", currency: "EUR" }).format(cents / 100);

const DAY = parisDay(3);
const member = { name: `Ada Booker ${suffix}`, email: `ada-booker-${suffix}@example.org`, password: `ada-pass-${suffix}-Xy!` };
const neighbour = { name: `Bob Neighbour ${suffix}`, email: `bob-neighbour-${suffix}@example.org`, password: `bob-pass-${suffix}-Xy!` };
let roomId, deskId;

describe("Bookings: a member books a room from the week view at their plan's price, sees it, cancels it (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  let owner, ada;
  before(async () => {
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await owner.page.goto(`${tenant}/?lang=${lang}`);
  });
  after(async () => {
    await owner?.context.close();
    await ada?.context.close();
  });

  step("the owner adds a plan, a room with a price for that plan and a desk; two members take the plan", async () => {
    const p = owner.page;
    const plan = await api(p, "/api/v1/plans", "POST", { name: PLAN.name, price: { amount: PLAN.price, currency: "EUR" }, intervalMonths: 1 });
    assert.equal(plan.status, 201, JSON.stringify(plan.body));
    const hours = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from: "08:00", to: "20:00" }));
    const room = await api(p, "/api/v1/resources", "POST", {
      name: ROOM.name,
      category: "rooms",
      pricePerHour: { amount: ROOM.base, currency: "EUR" },
      planPrices: { [plan.body.plan.id]: { amount: ROOM.planPrice, currency: "EUR" } },
      openingHours: hours,
      cancellationHours: 1,
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    roomId = room.body.resource.id;
    const desk = await api(p, "/api/v1/resources", "POST", { name: `Desk ${suffix}`, category: "desks", units: 3, pricePerHour: { amount: 500, currency: "EUR" } });
    assert.equal(desk.status, 201, JSON.stringify(desk.body));
    deskId = desk.body.resource.id;
    ada = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    for (const person of [member, neighbour]) {
      await ada.context.clearCookies();
      await ada.page.goto(`${tenant}/?lang=${lang}`);
      const signup = await api(ada.page, "/api/v1/auth/signup", "POST", { email: person.email, password: person.password, name: person.name });
      assert.equal(signup.status, 201, JSON.stringify(signup.body));
      const m = await api(ada.page, "/api/v1/me/membership", "POST", { planId: plan.body.plan.id });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      if (person === neighbour) {
        const b = await api(ada.page, "/api/v1/bookings", "POST", { resourceId: roomId, from: parisTime(DAY, "14:00"), to: parisTime(DAY, "15:30"), title: `Neighbour secret ${suffix}` });
        assert.equal(b.status, 201, JSON.stringify(b.body));
      }
    }
    // The page is Ada's from here on.
    await ada.context.clearCookies();
    await ada.page.goto(`${tenant}/?lang=${lang}`);
    const login = await api(ada.page, "/api/v1/auth/login", "POST", { email: member.email, password: member.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
  });

  step("the week view of the room: the neighbour's booking is busy, without its title or name", async () => {
    const p = ada.page;
    await p.goto(`${tenant}/bookings?view=week&date=${DAY}&resource=${roomId}&lang=${lang}`);
    await islandHydrated(p, "BookingPicker");
    const text = await mainText(p);
    assert(text.includes(t(lang, "bookings.busy")), "no busy booking on the week view");
    assert(!text.includes(`Neighbour secret ${suffix}`) && !text.includes(neighbour.name), "another member's title or name is on the week view");
    assert.equal(await p.locator(`a.calendar-slot[data-day="${DAY}"][data-start="14:00"]`).count(), 0, "the busy 14:00 cell is offered");
  });

  step("clicking a free slot fills the form; asking for the price shows the plan's price before anything is booked", async () => {
    const p = ada.page;
    await p.locator(`a.calendar-slot[data-day="${DAY}"][data-start="10:00"]`).click();
    const form = p.locator("#booking-form");
    assert.equal(await form.locator("[name=date]").inputValue(), DAY);
    assert.equal(await form.locator("[name=start]").inputValue(), "10:00");
    assert.equal(await form.locator("[name=end]").inputValue(), "11:00");
    assert.equal(await form.locator("[name=resourceId]").inputValue(), roomId);
    await form.locator("[name=title]").fill(TITLE);
    await Promise.all([p.waitForURL((u) => u.pathname === "/bookings/preview"), form.getByRole("button", { name: t(lang, "bookings.form.preview") }).click()]);
    const text = await mainText(p);
    assert(text.includes(t(lang, "bookings.preview.price")), "the preview does not name the plan's price");
    assert(text.includes(money(lang, ROOM.planPrice)), `the preview does not show ${money(lang, ROOM.planPrice)}: ${text.slice(0, 600)}`);
    assert(!text.includes(money(lang, ROOM.base)), "the preview shows the room's base price");
    const mine = await api(p, "/api/v1/me/bookings");
    assert.equal(mine.body.items.length, 0, "something was booked before confirming");
  });

  step("confirming books it: the booking's page, then the upcoming bookings on /bookings", async () => {
    const p = ada.page;
    await Promise.all([p.waitForURL((u) => /^\/bookings\/[^/]+$/.test(u.pathname)), p.getByRole("button", { name: t(lang, "bookings.confirm") }).click()]);
    let text = await mainText(p);
    assert(text.includes(t(lang, "bookings.notice.booked")), "no confirmation notice");
    assert(text.includes(TITLE) && text.includes(money(lang, ROOM.planPrice)), `the booking's page: ${text.slice(0, 400)}`);
    await p.goto(`${tenant}/bookings?lang=${lang}`);
    text = (await p.locator(".booking-upcoming").innerText()).replace(/\s+/g, " ");
    assert(text.includes(TITLE) && text.includes(ROOM.name), `upcoming bookings: ${text}`);
  });

  step(
    "the dashboard lists it among the upcoming bookings",
    async () => {
      const p = ada.page;
      await p.goto(`${tenant}/?lang=${lang}`);
      await settle(p);
      const section = p.locator("section.dashboard-bookings");
      assert.equal(await section.count(), 1, "no .dashboard-bookings section on the dashboard");
      const text = (await section.innerText()).replace(/\s+/g, " ");
      assert(text.includes(ROOM.name), `the dashboard's bookings: ${text}`);
    },
    { page: () => ada.page },
  );

  step("cancelling it from its page: back on /bookings, nothing to come", async () => {
    const p = ada.page;
    await p.goto(`${tenant}/bookings?lang=${lang}`);
    await Promise.all([p.waitForURL((u) => /^\/bookings\/[^/]+$/.test(u.pathname)), p.locator(".booking-upcoming a").first().click()]);
    await Promise.all([p.waitForURL((u) => u.pathname === "/bookings"), p.getByRole("button", { name: t(lang, "bookings.cancel") }).click()]);
    const text = await mainText(p);
    assert(text.includes(t(lang, "bookings.notice.canceled")), "no cancellation notice");
    assert(text.includes(t(lang, "bookings.none_upcoming")), "the booking is still upcoming");
    const mine = await api(p, "/api/v1/me/bookings");
    assert.equal(mine.body.items.length, 0);
  });
});

describe("Bookings: screenshots of the day, week and month views", () => {
  const setup = steps();
  setup("the member books a desk and a room for the pictures", async () => {
    const { page, context } = await openPage({ viewport: { width: 1280, height: 800 } }, { as: member });
    try {
      await page.goto(`${tenant}/bookings?lang=en`);
      for (const json of [
        { resourceId: roomId, from: parisTime(DAY, "09:00"), to: parisTime(DAY, "10:30"), title: `Team sync ${suffix}` },
        { resourceId: deskId, from: parisTime(DAY, "11:00"), to: parisTime(DAY, "13:00"), title: `Focus ${suffix}` },
      ]) {
        const b = await api(page, "/api/v1/bookings", "POST", json);
        assert.equal(b.status, 201, JSON.stringify(b.body));
      }
    } finally {
      await context.close();
    }
  });
  for (const lang of LANGS) {
    eachViewport(`/bookings (${lang})`, ({ tag, options, step }) => {
      let opened;
      before(async () => {
        opened = await openPage(options, { as: member });
      });
      after(() => opened?.context.close());
      const views = [
        ["day", `view=day&date=${DAY}`],
        ["week", `view=week&date=${DAY}&resource=${"${room}"}`],
        ["month", `view=month&date=${DAY}`],
      ];
      for (const [view, query] of views) {
        step.shot(() => opened.page, {
          url: () => `${tenant}/bookings?${query.replace("${room}", roomId)}&lang=${lang}`,
          file: `bookings-${view}-${lang}-${tag}.png`,
          lang,
          width: options.viewport.width,
          expectText: t(lang, "bookings.book_title"),
        });
      }
    });
  }
});
