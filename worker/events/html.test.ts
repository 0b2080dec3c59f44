import { describe, expect, it } from "vitest";
import { call, defineField, getPage, groupMember, makeGroup, makeTenant, postForm, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";
import { at, iso } from "../test/time";

// The events pages (/events, /events/{id}) and their forms, without JavaScript: lists, the
// month calendar, registration (fields, waitlist, cancel), the refusals in the reader's words,
// group events hidden outside the group, the switch, and the dashboard's and group page's lists.


type EventBody = { id: string; startsAt: string; going: number; waitlisted: number; myStatus: string | null };

async function setup(json: Record<string, unknown> = { timezone: "Europe/Paris" }) {
  const tenant = await makeTenant();
  expect((await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json })).status).toBe(200);
  return tenant;
}

async function makeEvent(tenant: TestTenant, json: Record<string, unknown> = {}, cookie = tenant.owner.cookie): Promise<EventBody> {
  const res = await call(tenant.host, "POST", "/api/v1/events", { cookie, json: { title: "Soirée pizza", startsAt: iso(at(7, 17)), endsAt: iso(at(7, 20)), ...json } });
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return (JSON.parse(text) as { event: EventBody }).event;
}

const eventJson = async (tenant: TestTenant, id: string, cookie: string) => ((await (await call(tenant.host, "GET", `/api/v1/events/${id}`, { cookie })).json()) as { event: EventBody }).event;
const page = async (tenant: TestTenant, path: string, cookie?: string) => {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
};
const setFeatures = (tenant: TestTenant, features: Record<string, boolean>) => call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features } });

describe("/events: the list, the filter and the month", () => {
  it("lists upcoming events with their day and time in the community's timezone and language, price in its currency, seats left or the waitlist", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    // 17:00 UTC is 18:00 or 19:00 in Paris: the page must say the Paris time.
    const free = await makeEvent(tenant, { title: "Atelier vélo", type: "Atelier", capacity: 10, location: "Le garage" });
    const paid = await makeEvent(tenant, { title: "Conférence IA", type: "Conférence", capacity: 1, price: { amount: 1250, currency: "EUR" }, startsAt: iso(at(8, 9)), endsAt: iso(at(8, 11)) });
    await makeEvent(tenant, { title: "Hier soir", startsAt: iso(at(-2, 17)), endsAt: iso(at(-2, 19)) });
    const other = await signUpMember(tenant, "olga@example.org");
    // A full event: the other member (with a membership) takes the only seat.
    const planRes = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } });
    const planId = ((await planRes.json()) as { plan: { id: string } }).plan.id;
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: other.cookie, json: { planId } })).status).toBe(201);
    expect((await call(tenant.host, "POST", `/api/v1/events/${paid.id}/attend`, { cookie: other.cookie })).status).toBe(201);

    const fr = await page(tenant, "/events?lang=fr", member.cookie);
    expect(fr.status).toBe(200);
    expect(fr.html).toContain("Atelier vélo");
    expect(fr.html).toContain("Conférence IA");
    expect(fr.html).not.toContain("Hier soir");
    const paris = new Intl.DateTimeFormat("fr", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" }).format(new Date(free.startsAt));
    expect(fr.html).toContain(paris);
    expect(fr.html).toContain("12,50\u00a0€");
    expect(fr.html).toContain("Gratuit");
    expect(fr.html).toContain("10 places restantes");
    expect(fr.html).toContain("Complet");
    expect(fr.html).toContain('class="nav-events"');
    // Upcoming first by start; English words in English.
    expect(fr.html.indexOf("Atelier vélo")).toBeLessThan(fr.html.indexOf("Conférence IA"));
    const en = await page(tenant, "/events?lang=en", member.cookie);
    expect(en.html).toContain("€12.50");
    expect(en.html).toContain("10 seats left");

    const past = await page(tenant, "/events?when=past&lang=en", member.cookie);
    expect(past.html).toContain("Hier soir");
    expect(past.html).not.toContain("Atelier vélo");

    const typed = await page(tenant, `/events?type=${encodeURIComponent("Conférence")}`, member.cookie);
    expect(typed.html).toContain("Conférence IA");
    expect(typed.html).not.toContain("Atelier vélo");
    // The filter's choices are the types in use.
    expect(typed.html).toMatch(/<option value="Atelier"/);
  });

  it("the month calendar (?view=month&date=) shows the month's events on their day, with links to the next and previous months", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org");
    const e = await makeEvent(tenant, { title: "Apéro du mois", startsAt: iso(at(3, 17)), endsAt: iso(at(3, 19)) });
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(e.startsAt));
    const month = await page(tenant, `/events?view=month&date=${day}&lang=en`, member.cookie);
    expect(month.status).toBe(200);
    expect(month.html).toContain('class="event-month-grid"');
    expect(month.html).toContain("Apéro du mois");
    expect(month.html).toContain(`href="/events/${e.id}"`);
    expect(month.html).toMatch(/href="\/events\?view=month&amp;date=\d{4}-\d{2}-01"/);
    // Another month does not show it; a date that is not one reads as today's month.
    const [y, m] = day.split("-").map(Number) as [number, number];
    const far = `${y + 1}-${String(m).padStart(2, "0")}-01`;
    expect((await page(tenant, `/events?view=month&date=${far}`, member.cookie)).html).not.toContain("Apéro du mois");
    expect((await page(tenant, "/events?view=month&date=garbage", member.cookie)).status).toBe(200);
  });

  it("pages through a long list with a \"more\" link (30 a page), keeping the filter", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org");
    for (let i = 0; i < 31; i++) await makeEvent(tenant, { title: `Séance ${String(i).padStart(2, "0")}`, type: "Séance", startsAt: iso(at(2 + i, 9)), endsAt: iso(at(2 + i, 10)) });
    const first = await page(tenant, "/events?type=S%C3%A9ance&lang=en", member.cookie);
    expect(first.html).toContain("Séance 29");
    expect(first.html).not.toContain("Séance 30");
    const more = /<a class="btn btn-secondary" href="([^"]+)">More events<\/a>/.exec(first.html);
    expect(more).not.toBeNull();
    const next = more![1]!.replaceAll("&amp;", "&");
    expect(next).toMatch(/^\/events\?type=S%C3%A9ance&cursor=/);
    const second = await page(tenant, next, member.cookie);
    expect(second.html).toContain("Séance 30");
    expect(second.html).not.toContain("Séance 29");
    expect(second.html).not.toContain("More events");
  });

  it("a visitor is sent to log in", async () => {
    const tenant = await setup();
    const res = await page(tenant, "/events");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login?next=%2Fevents");
  });
});

describe("/events/{id}: registering without JavaScript", () => {
  it("a required profile field: missing → 422 with the error beside it; answered → going, shown on the page; cancel → registration gone", async () => {
    const tenant = await setup();
    await defineField(tenant, { key: "diet", label: "Diet", type: "text", visibility: "admins", editable: true });
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    const e = await makeEvent(tenant, { title: "Repas", description: "Un **bon** repas", fields: ["diet"], capacity: 5 });
    const shown = await page(tenant, `/events/${e.id}?lang=en`, member.cookie);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain("<strong>bon</strong>");
    expect(shown.html).toContain('name="fields.diet"');
    expect(shown.html).toContain(`href="/api/v1/events/${e.id}.ics"`);

    const missing = await postForm(tenant, `/events/${e.id}/attend?lang=en`, member.cookie, { "fields.diet": "" });
    expect(missing.status).toBe(422);
    const html = await missing.text();
    expect(html).toMatch(/id="field-fields\.diet-error"[^>]*>[^<]+</);
    expect((await eventJson(tenant, e.id, member.cookie)).myStatus).toBeNull();

    const ok = await postForm(tenant, `/events/${e.id}/attend`, member.cookie, { "fields.diet": "Vegetarian" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe(`/events/${e.id}?done=going`);
    const going = await page(tenant, `/events/${e.id}?done=going&lang=en`, member.cookie);
    expect(going.html).toContain("You’re registered");
    expect(going.html).toContain("Cancel my registration");
    expect((await eventJson(tenant, e.id, member.cookie)).myStatus).toBe("going");

    const again = await postForm(tenant, `/events/${e.id}/attend?lang=en`, member.cookie, { "fields.diet": "Vegan" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("You are already registered for this event.");

    const cancel = await postForm(tenant, `/events/${e.id}/cancel`, member.cookie, {});
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get("location")).toBe(`/events/${e.id}?done=canceled`);
    expect((await eventJson(tenant, e.id, member.cookie)).myStatus).toBeNull();
    expect((await page(tenant, `/events/${e.id}?lang=en`, member.cookie)).html).toContain(">Register<");
  });

  it("capacity 1: the second member joins the waitlist and is promoted when the first cancels, each status on the page", async () => {
    const tenant = await setup();
    const first = await signUpMember(tenant, "first@example.org", "Ann First");
    const second = await signUpMember(tenant, "second@example.org", "Bob Second");
    const e = await makeEvent(tenant, { capacity: 1 });
    expect((await postForm(tenant, `/events/${e.id}/attend`, first.cookie, {})).headers.get("location")).toBe(`/events/${e.id}?done=going`);
    const full = await page(tenant, `/events/${e.id}?lang=en`, second.cookie);
    expect(full.html).toContain("Join the waitlist");
    expect((await postForm(tenant, `/events/${e.id}/attend`, second.cookie, {})).headers.get("location")).toBe(`/events/${e.id}?done=waitlisted`);
    const waiting = await page(tenant, `/events/${e.id}?lang=en`, second.cookie);
    expect(waiting.html).toContain("You’re on the waitlist");
    expect(waiting.html).toContain("Leave the waitlist");
    expect((await postForm(tenant, `/events/${e.id}/cancel`, first.cookie, {})).status).toBe(303);
    const promoted = await page(tenant, `/events/${e.id}?lang=en`, second.cookie);
    expect(promoted.html).toContain('class="badge badge-success event-status-going"');
    expect(promoted.html).toContain("Cancel my registration");
  });

  it("a priced event without a membership: 403 with the membership_required message and the way to a plan; a canceled event is closed (409 event_closed)", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org");
    const paid = await makeEvent(tenant, { price: { amount: 1500, currency: "EUR" } });
    const res = await postForm(tenant, `/events/${paid.id}/attend?lang=fr`, member.cookie, {});
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain("Cet événement est réservé aux membres ayant une adhésion active");
    expect(html).toContain('href="/membership"');

    const gone = await makeEvent(tenant, { title: "Annulé bientôt" });
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${gone.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    const closed = await page(tenant, `/events/${gone.id}?lang=en`, member.cookie);
    expect(closed.html).toContain("Registration is closed");
    expect(closed.html).not.toContain(`action="/events/${gone.id}/attend"`);
    const refused = await postForm(tenant, `/events/${gone.id}/attend?lang=en`, member.cookie, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Registration is closed: the event has started or was canceled.");
  });

  it("group events: 404 and absent from the list outside the group; the group's members see them, on /events and on the group's page", async () => {
    const tenant = await setup();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const inside = await groupMember(tenant, "makers", "in@example.org", "Ida Inside");
    const outside = await signUpMember(tenant, "out@example.org", "Otto Outside");
    const e = await makeEvent(tenant, { title: "Soudure entre makers", group: "makers" });
    expect((await page(tenant, `/events/${e.id}`, outside.cookie)).status).toBe(404);
    expect((await postForm(tenant, `/events/${e.id}/attend`, outside.cookie, {})).status).toBe(404);
    expect((await page(tenant, "/events", outside.cookie)).html).not.toContain("Soudure entre makers");
    expect((await page(tenant, "/g/makers", outside.cookie)).html).not.toContain("Soudure entre makers");
    expect((await page(tenant, `/events/${e.id}`, inside.cookie)).status).toBe(200);
    expect((await page(tenant, "/events", inside.cookie)).html).toContain("Soudure entre makers");
    const groupPage = await page(tenant, "/g/makers?lang=en", inside.cookie);
    expect(groupPage.html).toContain('class="group-events"');
    expect(groupPage.html).toContain("Soudure entre makers");
  });

  it("the group page's events are kept between views and change at once after a write: a new event, a cancellation, a registration", async () => {
    const tenant = await setup();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const inside = await groupMember(tenant, "makers", "in@example.org", "Ida Inside");
    const first = await makeEvent(tenant, { title: "Soudure entre makers", group: "makers" });
    expect((await page(tenant, "/g/makers?lang=en", inside.cookie)).html).toContain("Soudure entre makers");
    const second = await makeEvent(tenant, { title: "Impression 3D", group: "makers", startsAt: iso(at(8, 17)), endsAt: iso(at(8, 19)) });
    expect((await page(tenant, "/g/makers?lang=en", inside.cookie)).html).toContain("Impression 3D");
    expect((await call(tenant.host, "DELETE", `/api/v1/events/${first.id}`, { cookie: tenant.owner.cookie })).status).toBe(204);
    const after = await page(tenant, "/g/makers?lang=en", inside.cookie);
    expect(after.html).not.toContain("Soudure entre makers");
    expect(after.html).toContain("Impression 3D");
    // The reader's own registration shows on the next view (the attend form's write forgets the list).
    const going = await postForm(tenant, `/events/${second.id}/attend?lang=en`, inside.cookie, {});
    expect(going.status).toBeLessThan(400);
    expect((await eventJson(tenant, second.id, inside.cookie)).myStatus).toBe("going");
    const listed = await page(tenant, "/g/makers?lang=en", inside.cookie);
    expect(listed.html).toMatch(/group-events[\s\S]*Impression 3D[\s\S]*event-status-going/);
  });
});

describe("features.events off", () => {
  it("members: the tab disappears, /events and /events/{id} show the switched-off page (403), the forms answer 403; owners keep everything; view as member is a member's", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org");
    const e = await makeEvent(tenant);
    expect((await setFeatures(tenant, { events: false })).status).toBe(200);
    for (const cookie of [member.cookie, `${tenant.owner.cookie}; view_as=member`]) {
      const list = await page(tenant, "/events?lang=en", cookie);
      expect(list.status).toBe(403);
      expect(list.html).toContain("does not offer events at the moment");
      expect(list.html).not.toContain('class="nav-events"');
      expect((await page(tenant, `/events/${e.id}`, cookie)).status).toBe(403);
      expect((await postForm(tenant, `/events/${e.id}/attend`, cookie, {})).status).toBe(403);
      expect((await postForm(tenant, `/events/${e.id}/cancel`, cookie, {})).status).toBe(403);
      expect((await page(tenant, "/", cookie)).html).not.toContain('class="nav-events"');
    }
    // Back on, an owner viewing as a member sees a member's pages: no admin controls.
    expect((await setFeatures(tenant, { events: true })).status).toBe(200);
    const asMember = await page(tenant, "/events?lang=en", `${tenant.owner.cookie}; view_as=member`);
    expect(asMember.status).toBe(200);
    expect(asMember.html).not.toContain('href="/admin/events"');
    expect((await page(tenant, `/events/${e.id}?lang=en`, `${tenant.owner.cookie}; view_as=member`)).html).not.toContain(`href="/admin/events/${e.id}"`);
    expect((await page(tenant, `/events/${e.id}?lang=en`, tenant.owner.cookie)).html).toContain(`href="/admin/events/${e.id}"`);
    expect((await setFeatures(tenant, { events: false })).status).toBe(200);
    const owner = await page(tenant, "/events?lang=en", tenant.owner.cookie);
    expect(owner.status).toBe(200);
    expect(owner.html).toContain('class="nav-events"');
    expect(owner.html).toContain("Events are switched off for members");
    expect((await page(tenant, `/events/${e.id}`, tenant.owner.cookie)).status).toBe(200);
    // Back on: the member has the tab and the page again.
    expect((await setFeatures(tenant, { events: true })).status).toBe(200);
    const back = await page(tenant, "/events", member.cookie);
    expect(back.status).toBe(200);
    expect(back.html).toContain('class="nav-events"');
  });
});

describe("the dashboard's upcoming events", () => {
  it("API and page list the events the member registered for (going or waitlisted), soonest first; cancelling or an edit shows at once; empty when switched off", async () => {
    const tenant = await setup();
    const member = await signUpMember(tenant, "mia@example.org", "Mia Member");
    const other = await signUpMember(tenant, "other@example.org");
    const later = await makeEvent(tenant, { title: "Plus tard", startsAt: iso(at(9, 17)), endsAt: iso(at(9, 18)) });
    const soon = await makeEvent(tenant, { title: "Bientôt", capacity: 1, startsAt: iso(at(2, 17)), endsAt: iso(at(2, 18)) });
    await makeEvent(tenant, { title: "Pas inscrit" });
    const dashboard = async () => ((await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: member.cookie })).json()) as { upcomingEvents: EventBody[] }).upcomingEvents;
    // The dashboard first, so its cached lists are in place before the registrations.
    expect(await dashboard()).toEqual([]);
    expect((await page(tenant, "/?lang=en", member.cookie)).html).not.toContain('class="section dashboard-events"');
    expect((await postForm(tenant, `/events/${later.id}/attend`, member.cookie, {})).status).toBe(303);
    expect((await call(tenant.host, "POST", `/api/v1/events/${soon.id}/attend`, { cookie: other.cookie })).status).toBe(201);
    expect((await call(tenant.host, "POST", `/api/v1/events/${soon.id}/attend`, { cookie: member.cookie })).status).toBe(201);
    const listed = await dashboard();
    expect(listed.map((e) => [e.id, e.myStatus])).toEqual([
      [soon.id, "waitlisted"],
      [later.id, "going"],
    ]);
    const home = await page(tenant, "/?lang=en", member.cookie);
    expect(home.html).toContain('class="section dashboard-events"');
    expect(home.html).toContain("Bientôt");
    expect(home.html).toContain("Plus tard");
    expect(home.html).not.toContain("Pas inscrit");
    // An admin renames the event: the dashboard shows the new title at once (its memo key changed).
    expect((await call(tenant.host, "PATCH", `/api/v1/events/${later.id}`, { cookie: tenant.owner.cookie, json: { title: "Renommé" } })).status).toBe(200);
    expect((await page(tenant, "/?lang=en", member.cookie)).html).toContain("Renommé");
    // Cancelling takes it off at once.
    expect((await postForm(tenant, `/events/${later.id}/cancel`, member.cookie, {})).status).toBe(303);
    const after = await page(tenant, "/?lang=en", member.cookie);
    expect(after.html).not.toContain("Renommé");
    expect((await dashboard()).map((e) => e.id)).toEqual([soon.id]);
    expect((await setFeatures(tenant, { events: false })).status).toBe(200);
    expect(await dashboard()).toEqual([]);
    expect((await page(tenant, "/?lang=en", member.cookie)).html).not.toContain("dashboard-events");
  });
});

describe("group admins", () => {
  it("see their group's admin tab link and only their group's events on /admin/events", async () => {
    const tenant = await setup();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const gadmin = await groupMember(tenant, "makers", "gadmin@example.org", "Gus Groupadmin");
    await setGroupRole(tenant, "makers", gadmin.id, "admin");
    await makeEvent(tenant, { title: "Pour tous" });
    await makeEvent(tenant, { title: "Pour les makers", group: "makers" });
    const list = await page(tenant, "/admin/events?lang=en", gadmin.cookie);
    expect(list.status).toBe(200);
    expect(list.html).toContain("Pour les makers");
    expect(list.html).not.toContain("Pour tous");
    expect(list.html).toContain('<h1 class="page-title">Events</h1>');
    // Their group's admin pages link to it.
    expect(await (await getPage(tenant, "/admin/groups/makers?lang=en", gadmin.cookie)).text()).toContain('href="/admin/events?group=makers"');
  });
});
