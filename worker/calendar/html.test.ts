import { describe, expect, it } from "vitest";
import { call, getPage, makeTenant, postForm, signUpMember } from "../test/helpers";

// The feed control on /me: the member's feed URL, and the "replace the address" form
// (POST /me/calendar-token, no JavaScript: 303 back with ?done=calendar; the old URL then 404).

const tokenIn = (html: string) => /calendar\.ics\?token=([A-Za-z0-9_.%-]+)/.exec(html)?.[1] ?? null;

describe("the calendar feed control on /me", () => {
  it("shows the member's feed URL in their language and replaces it through a plain form", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "feed-page@example.org", "Fay Feed");
    const en = await (await getPage(tenant, "/me?lang=en", member.cookie)).text();
    expect(en).toContain('id="calendar-feed"');
    expect(en).toContain("Your calendar");
    expect(en).toContain('action="/me/calendar-token"');
    const first = tokenIn(en)!;
    expect(first).toBeTruthy();
    const api = (await (await call(tenant.host, "GET", "/api/v1/me/calendar", { cookie: member.cookie })).json()) as { url: string };
    expect(api.url).toContain(first);
    const fr = await (await getPage(tenant, "/me?lang=fr", member.cookie)).text();
    expect(fr).toContain("Votre agenda");
    expect(fr).toContain("Remplacer l’adresse");

    const res = await postForm(tenant, "/me/calendar-token", member.cookie, { back: "/me" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/me?done=calendar#calendar-feed");
    const after = await (await getPage(tenant, "/me?done=calendar&lang=en", member.cookie)).text();
    expect(after).toContain("Your calendar has a new address. The previous one no longer works.");
    const second = tokenIn(after)!;
    expect(second).not.toBe(first);
    expect((await call(tenant.host, "GET", `/api/v1/me/calendar.ics?token=${first}`)).status).toBe(404);
    expect((await call(tenant.host, "GET", `/api/v1/me/calendar.ics?token=${second}`)).status).toBe(200);
  });

  it("sends back only to its own pages, and a visitor to log in", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "feed-back@example.org");
    expect((await postForm(tenant, "/me/calendar-token", member.cookie, { back: "/bookings" })).headers.get("location")).toBe("/bookings?done=calendar#calendar-feed");
    expect((await postForm(tenant, "/me/calendar-token", member.cookie, { back: "https://evil.example/" })).headers.get("location")).toBe("/me?done=calendar#calendar-feed");
    const visitor = await call(tenant.host, "POST", "/me/calendar-token", { body: "back=%2Fme", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toMatch(/^\/login/);
  });
});
