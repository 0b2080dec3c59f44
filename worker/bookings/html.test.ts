import { describe, expect, it } from "vitest";
import { call, form, getPage, makeTenant, postForm, signUpMember, type TestTenant } from "../test/helpers";
import { inbox } from "../test/mail";

// The member's /bookings pages without JavaScript: the day, week and month views with their
// filters, others' bookings as busy, the booking form's preview step and confirmation (and each
// refusal, beside its field), one booking with its cancel buttons, and the switch. Requests run
// at the real time, so every slot is a day some days ahead, at wall-clock times in the
// community's timezone (Europe/Paris).

const DAY = 86_400_000;
const parisDay = (ms: number) => new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(ms);
/** The Paris day `days` ahead. */
const ahead = (days: number) => parisDay(Date.now() + days * DAY);
/** An instant in Paris on `day` at `hhmm` (December: UTC+1; other months are found by trying both offsets). */
function parisTime(day: string, hhmm: string): string {
  for (const offset of ["+01:00", "+02:00"]) {
    const iso = `${day}T${hhmm}:00${offset}`;
    const f = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));
    if (f === hhmm) return new Date(iso).toISOString();
  }
  throw new Error("no such Paris time");
}
const EVERY_DAY = (from: string, to: string) => [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, from, to }));

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function page(tenant: TestTenant, path: string, cookie?: string) {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}
async function post(tenant: TestTenant, path: string, cookie: string, fields: Record<string, string>) {
  const res = await postForm(tenant, path, cookie, fields);
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}
async function resource(tenant: TestTenant, json: Record<string, unknown> = {}) {
  const res = await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Salle Lovelace", category: "rooms", pricePerHour: { amount: 2000, currency: "EUR" }, ...json } });
  return (await ok<{ resource: { id: string } }>(res, 201)).resource;
}
async function plan(tenant: TestTenant, json: Record<string, unknown> = {}) {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1, ...json } });
  return (await ok<{ plan: { id: string } }>(res, 201)).plan;
}
async function memberOn(tenant: TestTenant, email: string, planId: string | null, name: string) {
  const m = await signUpMember(tenant, email, name);
  if (planId) await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId } }), 201);
  return m;
}
async function apiBook(tenant: TestTenant, cookie: string, json: Record<string, unknown>) {
  return (await ok<{ booking: { id: string } }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie, json }), 201)).booking;
}
async function setBookings(tenant: TestTenant, on: boolean) {
  await ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features: { bookings: on } } }));
}
/** The text of the field error under the input named `name`. */
function fieldError(html: string, name: string): string | null {
  const m = new RegExp(`<p class="field-error" id="field-${name}-error">([^<]*)</p>`).exec(html);
  return m ? m[1]! : null;
}

/** A community with two rooms and a desk, members Ada (on a plan with a plan price and 30 minutes of credits) and Bob. */
async function community() {
  const tenant = await makeTenant();
  const p = await plan(tenant, { credits: { minutes: 30 } });
  const room = await resource(tenant, { planPrices: { [p.id]: { amount: 1500, currency: "EUR" } }, openingHours: EVERY_DAY("08:00", "18:00"), maxMinutes: 180, cancellationHours: 24 });
  const other = await resource(tenant, { name: "Salle Hopper" });
  const desk = await resource(tenant, { name: "Desk 7", category: "desks", pricePerHour: { amount: 500, currency: "EUR" } });
  const ada = await memberOn(tenant, `ada-${crypto.randomUUID()}@example.org`, p.id, "Ada Member");
  const bob = await memberOn(tenant, `bob-${crypto.randomUUID()}@example.org`, p.id, "Bob Other");
  return { tenant, plan: p, room, other, desk, ada, bob };
}

describe("/bookings: the calendar's views", () => {
  it("sends a visitor to log in", async () => {
    const tenant = await makeTenant();
    const res = await page(tenant, "/bookings");
    expect(res.status).toBe(303);
    expect(res.location).toBe("/login?next=%2Fbookings");
    const posted = await postForm(tenant, "/bookings/preview", "", { resourceId: "x" });
    expect(posted.status).toBe(303);
    expect(posted.headers.get("location")).toBe("/login?next=%2Fbookings");
  });

  it("week of one resource: free slot links that fill the form, others' bookings busy without title or name, the member's own with its title, closed hours shaded", async () => {
    const { tenant, room, ada, bob } = await community();
    const day = ahead(8);
    await apiBook(tenant, bob.cookie, { resourceId: room.id, from: parisTime(day, "10:00"), to: parisTime(day, "11:00"), title: "Secret board meeting" });
    await apiBook(tenant, ada.cookie, { resourceId: room.id, from: parisTime(day, "14:00"), to: parisTime(day, "15:00"), title: "Ada standup" });
    const { status, html } = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&lang=en`, ada.cookie);
    expect(status).toBe(200);
    expect(html).toContain('class="nav-bookings"');
    expect(html).toContain("Ada standup");
    expect(html).not.toContain("Secret board meeting");
    expect(html).not.toContain("Bob Other");
    expect(html).toContain('<span class="calendar-item-text">Busy</span>');
    expect(html).toMatch(/class="calendar-cell calendar-busy calendar-cell-mine"[^>]*><a class="calendar-item calendar-item-mine"[^>]*><span class="calendar-item-time">14:00–15:00<\/span> <span class="calendar-item-text">Ada standup</);
    // Closed before 08:00 is not shown at all (the rows follow the opening hours); the busy 10:00 cell has no link.
    expect(html).toMatch(/<th scope="row" class="calendar-time">08:00<\/th>/);
    expect(html).not.toMatch(/class="calendar-time">07:00</);
    expect(html).not.toContain(`data-day="${day}" data-start="10:00"`);
    expect(html).toContain(`data-day="${day}" data-start="09:00"`);
    expect(html).toContain(`book=${room.id}&amp;on=${day}&amp;start=09%3A00&amp;end=10%3A00#booking-form`);
    // The member's calendar feed (bk-ical's control) below their bookings, its form coming back here.
    expect(html).toContain('id="calendar-feed"');
    // The island that lets a pointer drag over free slots, the page's only JavaScript.
    expect(html.match(/data-island="/g)).toHaveLength(1);
    expect(html).toContain('data-island="BookingPicker"');
    // The slot link fills the booking form.
    const filled = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&book=${room.id}&on=${day}&start=09:00&end=10:00&lang=en`, ada.cookie);
    expect(filled.html).toMatch(new RegExp(`<option value="${room.id}" selected`));
    expect(filled.html).toContain(`name="date" type="date" value="${day}"`);
    expect(filled.html).toContain('name="start" type="time" value="09:00"');
    expect(filled.html).toContain('name="end" type="time" value="10:00"');
  });

  it("the calendar a member has seen is read again as soon as anyone books, cancels or changes a resource: nothing stale in the isolate that wrote", async () => {
    const { tenant, room, ada, bob } = await community();
    const day = ahead(9);
    const week = `/bookings?view=week&date=${day}&resource=${room.id}&lang=en`;
    const before = await page(tenant, week, ada.cookie);
    expect(before.html).toContain(`data-day="${day}" data-start="10:00"`);
    expect(before.html).not.toContain("calendar-item-text\">Busy<");
    // The same page twice is the same page (rendered once, from the reads kept a few seconds).
    expect((await page(tenant, week, ada.cookie)).html.replace(/nonce="[^"]*"/g, "")).toBe(before.html.replace(/nonce="[^"]*"/g, ""));
    const booked = await apiBook(tenant, bob.cookie, { resourceId: room.id, from: parisTime(day, "10:00"), to: parisTime(day, "11:00"), title: "Bob secret plan" });
    const after = await page(tenant, week, ada.cookie);
    expect(after.html).not.toContain(`data-day="${day}" data-start="10:00"`);
    expect(after.html).toContain('<span class="calendar-item-text">Busy</span>');
    expect(after.html).not.toContain("Bob secret plan");
    // Bob sees his own title, Ada's cached page never reaches him.
    expect((await page(tenant, week, bob.cookie)).html).toContain("Bob secret plan");
    await ok(await call(tenant.host, "DELETE", `/api/v1/bookings/${booked.id}`, { cookie: bob.cookie }), 204);
    expect((await page(tenant, week, ada.cookie)).html).toContain(`data-day="${day}" data-start="10:00"`);
    await ok(await call(tenant.host, "PATCH", `/api/v1/resources/${room.id}`, { cookie: tenant.owner.cookie, json: { name: "Salle Hopper" } }));
    expect((await page(tenant, week, ada.cookie)).html).toContain("Salle Hopper");
  });

  it("opening hours are shaded where they differ within the shown rows; previous, today and next links", async () => {
    const tenant = await makeTenant();
    // Open 08:00–18:00 on weekdays, 10:00–12:00 on Saturdays: Saturday's 08:00 cell is closed.
    const r = await resource(tenant, { openingHours: [...[1, 2, 3, 4, 5].map((day) => ({ day, from: "08:00", to: "18:00" })), { day: 6, from: "10:00", to: "12:00" }] });
    const day = ahead(14);
    const { html } = await page(tenant, `/bookings?view=week&date=${day}&resource=${r.id}&lang=en`, tenant.owner.cookie);
    expect(html).toContain("calendar-cell calendar-closed");
    const monday = html.match(/data-day="(\d{4}-\d{2}-\d{2})"/)![1]!;
    expect(new Date(`${monday}T12:00:00Z`).getUTCDay()).toBe(1);
    const prev = new Date(Date.parse(`${monday}T12:00:00Z`) - 7 * DAY).toISOString().slice(0, 10);
    expect(html).toContain(`href="/bookings?view=week&amp;date=${prev}&amp;resource=${r.id}" rel="prev"`);
    expect(html).toContain("Week of");
  });

  it("day view: a column per resource, narrowed by the category toggles; month view: bookings by day with links to the day", async () => {
    const { tenant, room, other, desk, ada, bob } = await community();
    const day = ahead(9);
    await apiBook(tenant, bob.cookie, { resourceId: desk.id, from: parisTime(day, "09:00"), to: parisTime(day, "10:00"), title: "Bob desk secret" });
    const all = await page(tenant, `/bookings?view=day&date=${day}&lang=en`, ada.cookie);
    for (const name of ["Salle Lovelace", "Salle Hopper", "Desk 7"]) expect(all.html).toContain(`<th scope="col" class="calendar-col-head">${name}</th>`);
    expect(all.html).toContain(`data-resource="${other.id}"`);
    expect(all.html).not.toContain("Bob desk secret");
    const desks = await page(tenant, `/bookings?view=day&date=${day}&category=desks&lang=en`, ada.cookie);
    expect(desks.html).toContain(">Desk 7</th>");
    expect(desks.html).not.toContain(">Salle Lovelace</th>");
    expect(desks.html).toContain('aria-current="true">desks</a>');
    expect(desks.html).not.toContain(`data-resource="${room.id}"`);
    const month = await page(tenant, `/bookings?view=month&date=${day}&lang=en`, ada.cookie);
    expect(month.status).toBe(200);
    expect(month.html).toContain("Desk 7 · Busy");
    expect(month.html).not.toContain("Bob desk secret");
    expect(month.html).toContain(`href="/bookings?view=day&amp;date=${day}"`);
  });

  it("an admin sees every booking with its title and who booked; viewing as a member, only what a member sees", async () => {
    const { tenant, room, bob } = await community();
    const day = ahead(8);
    const b = await apiBook(tenant, bob.cookie, { resourceId: room.id, from: parisTime(day, "10:00"), to: parisTime(day, "11:00"), title: "Secret board meeting" });
    const admin = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&lang=en`, tenant.owner.cookie);
    expect(admin.html).toContain("Secret board meeting · Bob Other");
    const one = await page(tenant, `/bookings/${b.id}?lang=en`, tenant.owner.cookie);
    expect(one.status).toBe(200);
    expect(one.html).toContain("Booked by");
    expect(one.html).toContain("Bob Other");
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    const asMember = `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
    const seen = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&lang=en`, asMember);
    expect(seen.html).toContain("view-as-banner");
    expect(seen.html).not.toContain("Secret board meeting");
    expect(seen.html).not.toContain("Bob Other");
    expect((await page(tenant, `/bookings/${b.id}`, asMember)).status).toBe(404);
  });
});

describe("/bookings: booking without JavaScript", () => {
  it("preview shows the plan's price and the credits used, confirm books it (303 to the booking), which then shows on the calendar and in upcoming bookings", async () => {
    const { tenant, room, ada } = await community();
    const day = ahead(8);
    const values = { resourceId: room.id, date: day, start: "10:00", end: "11:30", title: "Workshop prep" };
    const preview = await post(tenant, "/bookings/preview?lang=en", ada.cookie, values);
    expect(preview.status).toBe(200);
    // 90 minutes at the plan's €15.00 an hour, the first 30 covered by credits: 60 × 1500 / 60 = €15.00.
    expect(preview.html).toContain("Price for your plan");
    expect(preview.html).toMatch(/<dt>Price for your plan<\/dt><dd>€15\.00<\/dd>/);
    expect(preview.html).toMatch(/<dt>Credits used<\/dt>\s*<dd>30 min<\/dd>/);
    expect(preview.html).toContain("Confirm the booking");
    expect(preview.html).toContain(`<input type="hidden" name="resourceId" value="${room.id}"/>`);
    const done = await post(tenant, "/bookings?lang=en", ada.cookie, values);
    expect(done.status).toBe(303);
    const id = /^\/bookings\/([^/?]+)\?done=booked$/.exec(done.location ?? "")![1]!;
    const one = await page(tenant, `/bookings/${id}?done=booked&lang=en`, ada.cookie);
    expect(one.html).toContain("Your booking is confirmed.");
    expect(one.html).toContain("Workshop prep");
    expect(one.html).toContain("€15.00");
    expect(one.html).toContain(`href="/api/v1/bookings/${id}.ics"`);
    expect(one.html).not.toContain("Booked by");
    const cal = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&lang=en`, ada.cookie);
    expect(cal.html).toContain(`href="/bookings/${id}"`);
    expect(cal.html).toMatch(/Your upcoming bookings[\s\S]*Workshop prep/);
    const api = await ok<{ items: { id: string; price: { amount: number } }[] }>(await call(tenant.host, "GET", "/api/v1/me/bookings", { cookie: ada.cookie }));
    expect(api.items).toEqual([expect.objectContaining({ id, price: { amount: 1500, currency: "EUR" } })]);
  });

  it("each refusal beside its field, in the member's language: missing and malformed fields, end before start, closed hours, too long, a taken slot, no membership", async () => {
    const { tenant, room, ada, bob } = await community();
    const day = ahead(8);
    const base = { resourceId: room.id, date: day, start: "10:00", end: "11:00" };
    const empty = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { resourceId: room.id, date: "", start: "25:00", end: "" });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.html, "date")).toBe("This field is required.");
    expect(fieldError(empty.html, "start")).toBe("This value is not valid.");
    expect(fieldError(empty.html, "end")).toBe("This field is required.");
    expect(empty.html).not.toContain("Confirm the booking");
    const backwards = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { ...base, start: "11:00", end: "10:00" });
    expect(backwards.status).toBe(422);
    expect(fieldError(backwards.html, "end")).toBe("This value is not valid.");
    const closed = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { ...base, start: "07:00", end: "08:00" });
    expect(closed.status).toBe(422);
    expect(fieldError(closed.html, "start")).toBe("This resource is closed at that time.");
    expect(closed.html).not.toContain("Confirm the booking");
    const long = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { ...base, start: "09:00", end: "13:00" });
    expect(fieldError(long.html, "end")).toBe("This booking is longer than this resource allows.");
    const past = await post(tenant, "/bookings/preview?lang=fr", ada.cookie, { ...base, date: ahead(-2) });
    expect(fieldError(past.html, "start")).toBe("Cet horaire est déjà passé.");
    await apiBook(tenant, bob.cookie, { resourceId: room.id, from: parisTime(day, "10:30"), to: parisTime(day, "11:30") });
    const taken = await post(tenant, "/bookings/preview?lang=en", ada.cookie, base);
    expect(fieldError(taken.html, "start")).toBe("This slot is already booked.");
    // Confirming anyway (the slot went between the preview and the confirmation): 409, said beside the start.
    const late = await post(tenant, "/bookings?lang=en", ada.cookie, base);
    expect(late.status).toBe(409);
    expect(fieldError(late.html, "start")).toBe("This slot is already booked.");
    const stranger = await signUpMember(tenant, `nobody-${crypto.randomUUID()}@example.org`, "No Plan");
    const noPlan = await post(tenant, "/bookings/preview?lang=en", stranger.cookie, { ...base, start: "14:00", end: "15:00" });
    expect(noPlan.html).toContain("Booking needs an active membership.");
    expect(noPlan.html).toContain('<a href="/membership">Choose a plan</a>');
    expect(noPlan.html).not.toContain("Confirm the booking");
    const refused = await post(tenant, "/bookings?lang=en", stranger.cookie, { ...base, start: "14:00", end: "15:00" });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("Booking needs an active membership.");
    const unknown = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { ...base, resourceId: "nope" });
    expect(unknown.status).toBe(404);
  });

  it("a weekly series: booked whole (303 to the week), or refused naming the dates already taken", async () => {
    const { tenant, other, ada, bob } = await community();
    const day = ahead(8);
    const week2 = ahead(15);
    await apiBook(tenant, bob.cookie, { resourceId: other.id, from: parisTime(week2, "10:00"), to: parisTime(week2, "11:00") });
    const values = { resourceId: other.id, date: day, start: "10:00", end: "11:00", repeat: "week", repeatEnds: "count", count: "3" };
    const preview = await post(tenant, "/bookings/preview?lang=en", ada.cookie, values);
    expect(preview.html).toContain("Every week, 3 times");
    const refused = await post(tenant, "/bookings?lang=en", ada.cookie, values);
    expect(refused.status).toBe(409);
    const dateText = new Intl.DateTimeFormat("en", { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Europe/Paris" }).format(new Date(parisTime(week2, "10:00")));
    expect(refused.html).toContain(`These dates are already booked: ${dateText}.`);
    const badCount = await post(tenant, "/bookings/preview?lang=en", ada.cookie, { ...values, count: "x" });
    expect(fieldError(badCount.html, "count")).toBe("This value is not valid.");
    const ok2 = await post(tenant, "/bookings?lang=en", ada.cookie, { ...values, start: "12:00", end: "13:00" });
    expect(ok2.status).toBe(303);
    expect(ok2.location).toMatch(/^\/bookings\?view=week&date=\d{4}-\d{2}-\d{2}&done=booked_series$/);
    const mine = await ok<{ items: { seriesId: string | null }[] }>(await call(tenant.host, "GET", "/api/v1/me/bookings", { cookie: ada.cookie }));
    expect(mine.items).toHaveLength(3);
  });
});

describe("/bookings/{id}: cancelling", () => {
  it("booking and cancelling through the pages email the member, each with the booking's .ics (REQUEST, then CANCEL)", async () => {
    const { tenant, room, plan: p } = await community();
    const email = `mail-${crypto.randomUUID()}@example.org`;
    const member = await memberOn(tenant, email, p.id, "Mia Mail");
    const day = ahead(9);
    const done = await post(tenant, "/bookings?lang=en", member.cookie, { resourceId: room.id, date: day, start: "14:00", end: "15:00" });
    expect(done.status).toBe(303);
    const id = /^\/bookings\/([^/?]+)\?done=booked$/.exec(done.location ?? "")![1]!;
    const ics = async () => (await inbox(tenant.host, email)).filter((m) => (m.attachments?.length ?? 0) > 0).map((m) => atob(m.attachments![0]!.content));
    const confirmed = await ics();
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]).toContain("METHOD:REQUEST");
    expect(confirmed[0]).toContain(`UID:booking-${id}@edge-communities`);
    expect((await post(tenant, `/bookings/${id}/cancel?lang=en`, member.cookie, {})).status).toBe(303);
    const both = await ics();
    expect(both).toHaveLength(2);
    expect(both[0]).toContain("METHOD:CANCEL");
    expect(both[0]).toContain(`UID:booking-${id}@edge-communities`);
  });

  it("outside the deadline: 303 to the calendar, gone; inside it: 409 said clearly; another member's booking is 404", async () => {
    const { tenant, room, ada, bob } = await community();
    const far = ahead(8);
    const early = await apiBook(tenant, ada.cookie, { resourceId: room.id, from: parisTime(far, "10:00"), to: parisTime(far, "11:00") });
    const cancel = await post(tenant, `/bookings/${early.id}/cancel?lang=en`, ada.cookie, {});
    expect(cancel.status).toBe(303);
    expect(cancel.location).toBe("/bookings?done=canceled");
    expect((await page(tenant, "/bookings?done=canceled&lang=en", ada.cookie)).html).toContain("Your booking is cancelled.");
    expect((await page(tenant, `/bookings/${early.id}`, ada.cookie)).status).toBe(404);
    // The room needs 24 hours' notice: a booking tomorrow within 24 hours (booked by an admin past the rules).
    const next = new Date(Date.now() + 20 * 3_600_000);
    next.setUTCMinutes(0, 0, 0);
    const close = await apiBook(tenant, tenant.owner.cookie, { resourceId: room.id, userId: ada.id, from: next.toISOString(), to: new Date(next.getTime() + 3_600_000).toISOString() });
    const shown = await page(tenant, `/bookings/${close.id}?lang=en`, ada.cookie);
    expect(shown.html).not.toContain("Cancel this booking");
    const refused = await post(tenant, `/bookings/${close.id}/cancel?lang=en`, ada.cookie, {});
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("It is too late to cancel this booking: the cancellation deadline has passed.");
    const bobs = await apiBook(tenant, bob.cookie, { resourceId: room.id, from: parisTime(far, "12:00"), to: parisTime(far, "13:00") });
    expect((await page(tenant, `/bookings/${bobs.id}`, ada.cookie)).status).toBe(404);
    expect((await post(tenant, `/bookings/${bobs.id}/cancel`, ada.cookie, {})).status).toBe(404);
    // An admin may still cancel inside the deadline.
    expect((await post(tenant, `/bookings/${close.id}/cancel`, tenant.owner.cookie, {})).status).toBe(303);
  });

  it("a series: this one and the following ones", async () => {
    const { tenant, other, ada } = await community();
    const day = ahead(8);
    const res = await call(tenant.host, "POST", "/api/v1/bookings", { cookie: ada.cookie, json: { resourceId: other.id, from: parisTime(day, "09:00"), to: parisTime(day, "10:00"), repeat: { every: "day", count: 3 } } });
    const { bookings } = await ok<{ bookings: { id: string }[] }>(res, 201);
    const second = await page(tenant, `/bookings/${bookings[1]!.id}?lang=en`, ada.cookie);
    expect(second.html).toContain("Cancel this one and the following ones");
    expect(second.html).toContain('<input type="hidden" name="series" value="following"/>');
    expect((await post(tenant, `/bookings/${bookings[1]!.id}/cancel`, ada.cookie, { series: "following" })).status).toBe(303);
    const mine = await ok<{ items: { id: string }[] }>(await call(tenant.host, "GET", "/api/v1/me/bookings", { cookie: ada.cookie }));
    expect(mine.items.map((b) => b.id)).toEqual([bookings[0]!.id]);
  });
});

describe("/bookings: the switch", () => {
  it("off: members get the switched-off page (403) on every page and form, and lose the tab; admins still see everything", async () => {
    const { tenant, room, ada } = await community();
    const day = ahead(8);
    const b = await apiBook(tenant, ada.cookie, { resourceId: room.id, from: parisTime(day, "10:00"), to: parisTime(day, "11:00") });
    await setBookings(tenant, false);
    const off = await page(tenant, "/bookings?lang=en", ada.cookie);
    expect(off.status).toBe(403);
    expect(off.html).toContain("does not offer bookings at the moment.");
    expect(off.html).not.toContain('class="nav-bookings"');
    expect((await page(tenant, `/bookings/${b.id}`, ada.cookie)).status).toBe(403);
    expect((await post(tenant, "/bookings/preview", ada.cookie, { resourceId: room.id, date: day, start: "12:00", end: "13:00" })).status).toBe(403);
    expect((await post(tenant, "/bookings", ada.cookie, { resourceId: room.id, date: day, start: "12:00", end: "13:00" })).status).toBe(403);
    expect((await post(tenant, `/bookings/${b.id}/cancel`, ada.cookie, {})).status).toBe(403);
    expect((await ok<{ items: unknown[] }>(await call(tenant.host, "GET", "/api/v1/me/bookings", { cookie: tenant.owner.cookie }))).items).toEqual([]);
    const home = await page(tenant, "/?lang=en", ada.cookie);
    expect(home.html).not.toContain('class="nav-bookings"');
    const admin = await page(tenant, "/bookings?lang=en", tenant.owner.cookie);
    expect(admin.status).toBe(200);
    expect(admin.html).toContain("Bookings are turned off for members");
    expect(admin.html).toContain('class="nav-bookings"');
    await setBookings(tenant, true);
    expect((await page(tenant, "/bookings", ada.cookie)).status).toBe(200);
  });
});

describe("/bookings in French", () => {
  it("the views, the days and the prices in the community's language", async () => {
    const { tenant, room, ada } = await community();
    const day = ahead(8);
    const week = await page(tenant, `/bookings?view=week&date=${day}&resource=${room.id}&lang=fr`, ada.cookie);
    expect(week.html).toContain(">Semaine</a>");
    expect(week.html).toContain("Semaine du");
    const preview = await post(tenant, "/bookings/preview?lang=fr", ada.cookie, { resourceId: room.id, date: day, start: "10:00", end: "11:00" });
    expect(preview.html).toContain("Prix pour votre formule");
    // 60 minutes, 30 of them credits: 30 × 1500 / 60 = 750.
    expect(preview.html).toContain("7,50\u00a0€");
  });
});
