import { describe, expect, it } from "vitest";
import { DEMO, demoSeedStatements } from "../../scripts/demo-seed.mjs";
import { seedDemoEvents, wallInstant } from "../../scripts/demo-events.mjs";
import type { DemoApi } from "../../scripts/demo-invoices.mjs";
import { hashPassword } from "../auth/passwords";
import { call, env, ROOT, sessionCookie } from "../test/helpers";

// The demo community's events (scripts/demo-events.mjs), run against the test app after the SQL
// seed as `npm start` runs them: upcoming and past events, one paid (its ticket on the member's
// next invoice), one full with a waitlist; a second start adds nothing.

const HOST = `${DEMO.subdomain}.${ROOT}`;
const DAY = 86_400_000;

const api: DemoApi = async (method, path, { json, cookie }) => {
  const res = await call(HOST, method, path, { ...(json === undefined ? {} : { json }), ...(cookie ? { cookie } : {}) });
  const text = await res.text();
  const sid = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie: sid ? sid.split(";")[0]! : null };
};

type Ev = { title: string; price: { amount: number } | null; capacity: number | null; going: number; waitlisted: number; myStatus: string | null; group: { slug: string } | null; startsAt: string };

describe("the demo events (npm start)", () => {
  it("upcoming and past events, one paid with the member's ticket on their next invoice, one full with the member waitlisted; a second run adds nothing", async () => {
    const now = Date.now();
    await env.DB.batch(demoSeedStatements({ now, ownerHash: await hashPassword(DEMO.owner.password), memberHash: await hashPassword(DEMO.member.password) }).map((s: string) => env.DB.prepare(s)));
    expect(await seedDemoEvents(api, { now })).toEqual({ seeded: true, events: 6, waitlisted: "waitlisted" });
    expect(await seedDemoEvents(api, { now: now + DAY })).toEqual({ seeded: false });

    const login = await call(HOST, "POST", "/api/v1/auth/login", { json: { email: DEMO.member.email, password: DEMO.member.password } });
    const member = sessionCookie(login);
    const list = async (when: string) => ((await (await call(HOST, "GET", `/api/v1/events?when=${when}`, { cookie: member })).json()) as { items: Ev[] }).items;
    const upcoming = await list("upcoming");
    const past = await list("past");
    expect(upcoming).toHaveLength(4);
    expect(past.map((e) => e.title)).toEqual(["Apéro des makers", "Soirée de lancement de l’espace"]);
    const paid = upcoming.find((e) => e.price !== null)!;
    expect(paid).toMatchObject({ price: { amount: 2500 }, myStatus: "going" });
    const full = upcoming.find((e) => e.title === "Atelier impression 3D")!;
    expect(full).toMatchObject({ capacity: 2, going: 2, waitlisted: 1, myStatus: "waitlisted" });
    // Wall-clock times in Paris: the workshop starts at 14:00 there.
    expect(full.startsAt).toBe(wallInstant(now, 6, "14:00"));
    expect(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit" }).format(Date.parse(full.startsAt))).toBe("14:00");
    // The ticket on the member's next invoice: 2500 cents.
    const preview = (await (await call(HOST, "GET", "/api/v1/me/invoices/preview", { cookie: member })).json()) as { lines: { description: string; amount: { amount: number } }[] };
    expect(preview.lines.find((l) => l.description.includes("Masterclass"))).toMatchObject({ amount: { amount: 2500 } });
  });
});
