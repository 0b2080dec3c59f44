// The demo community's first look: a few discussions, replies and chat messages in /g/makers,
// posted through the JSON API as the demo owner and member once `wrangler dev` answers (they
// live in the group's Durable Object, not in D1, so the SQL seed cannot write them).
// Idempotent: nothing is posted when the group already has a discussion.
import { request } from "node:http";
import { DEMO } from "./local-db.mjs";
import { seedDemoInvoices } from "./demo-invoices.mjs";
import { seedDemoHelpdesk } from "./demo-helpdesk.mjs";
import { seedDemoBookings } from "./demo-bookings.mjs";
import { seedDemoEvents } from "./demo-events.mjs";

function call(port, host, method, path, { body, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers: { host, "content-type": "application/json", ...(cookie ? { cookie } : {}) }, timeout: 15_000 },
      (res) => {
        let data = "";
        res.on("data", (c) => (data += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

async function login(port, host, who) {
  const res = await call(port, host, "POST", "/api/v1/auth/login", { body: { email: who.email, password: who.password } });
  const sid = [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
  if (res.status !== 200 || !sid) throw new Error(`login as ${who.email}: ${res.status}`);
  return `sid=${sid}`;
}

/** Waits for the server, then seeds; never throws (a demo without content still works). */
export async function seedDiscussions(port, { timeoutMs = 120_000 } = {}) {
  const host = `demo.localhost:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await call(port, host, "GET", "/healthz")).status === 200) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  try {
    const owner = await login(port, host, DEMO.owner);
    const member = await login(port, host, DEMO.member);
    const list = await call(port, host, "GET", "/api/v1/groups/makers/threads", { cookie: owner });
    if (list.status !== 200 || JSON.parse(list.body).items.length > 0) return;
    const post = async (cookie, path, body) => {
      const res = await call(port, host, "POST", `/api/v1/groups/makers${path}`, { cookie, body });
      if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${res.body.slice(0, 200)}`);
      return JSON.parse(res.body);
    };
    const welcome = await post(owner, "/threads", {
      title: "Bienvenue chez les Makers\u202f!",
      body: "Présentez-vous ici\u202f: sur quoi travaillez-vous en ce moment\u202f? Les soirées bricolage ont lieu **tous les jeudis à 19\u00a0h**.",
    });
    await post(member, `/threads/${welcome.thread.id}/replies`, { body: `Hello! I'm building a small weather station with an ESP32. @${DEMO.owner.name}, is the soldering iron still in the back room?` });
    await post(owner, `/threads/${welcome.thread.id}/replies`, { body: `Oui, dans l’armoire de gauche. Bienvenue @${DEMO.member.name}\u202f!` });
    await post(member, "/threads", { title: "Imprimante 3D\u202f: buse bouchée", body: "The Prusa's nozzle seems clogged again. Has anyone done a cold pull before?" });
    // The owner's last two follow each other: the second shows its time in the margin.
    for (const [cookie, text] of [
      [member, "Is anyone at the workshop tonight? I'll come by around 8 with the weather station."],
      [owner, "Bonsoir à toutes et à tous\u202f! La salle est ouverte jusqu’à 22\u00a0h."],
      [owner, "Je sors le fer à souder."],
    ]) {
      await post(cookie, "/messages", { text });
    }
    console.log("  Demo content: discussions and chat seeded in /g/makers.");
  } catch (err) {
    console.error(`  Demo content not seeded: ${err.message}`);
  }
}

/** The JSON API on the demo host of this server, as scripts/demo-*.mjs call it. */
function demoApi(port) {
  const host = `demo.localhost:${port}`;
  return async (method, path, { json, cookie } = {}) => {
    const res = await call(port, host, method, path, { body: json, cookie });
    const sid = [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
    let body = null;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      body = res.body;
    }
    return { status: res.status, body, cookie: sid ? `sid=${sid}` : null };
  };
}

/** The demo invoices (scripts/demo-invoices.mjs) through this server; call once it answers. Never throws. */
export async function seedInvoices(port) {
  const api = demoApi(port);
  try {
    const done = await seedDemoInvoices(api);
    if (done.issued) console.log(`  Demo invoices: issued on ${done.days.join(" and ")}${done.paid ? `, ${done.paid} paid` : ""}.`);
  } catch (err) {
    console.error(`  Demo invoices not seeded: ${err.message}`);
  }
  // The rooms, desks and a week of bookings (scripts/demo-bookings.mjs), after the invoices: this week's charges wait for the next run.
  try {
    const done = await seedDemoBookings(api);
    if (done.seeded) console.log(`  Demo bookings: ${done.resources} resources, ${done.booked} bookings in the week of ${done.week}.`);
  } catch (err) {
    console.error(`  Demo bookings not seeded: ${err.message}`);
  }
}

/** The demo help desk (scripts/demo-helpdesk.mjs, branch help-api) through this server; call once it answers. Never throws. */
export async function seedHelpdesk(port) {
  const host = `demo.localhost:${port}`;
  const api = async (method, path, { json, cookie } = {}) => {
    const res = await call(port, host, method, path, { body: json, cookie });
    const sid = [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
    let body = null;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      body = res.body;
    }
    return { status: res.status, body, cookie: sid ? `sid=${sid}` : null };
  };
  try {
    const done = await seedDemoHelpdesk(api);
    if (done.seeded) console.log(`  Demo help desk: ${done.guides} guides, a public and a private issue.`);
  } catch (err) {
    console.error(`  Demo help desk not seeded: ${err.message}`);
  }
}

/** The demo events (scripts/demo-events.mjs, branch ev-api) through this server; after the invoices. Never throws. */
export async function seedEvents(port) {
  try {
    const done = await seedDemoEvents(demoApi(port));
    if (done.seeded) console.log(`  Demo events: ${done.events} created, the full workshop's waitlist started (${done.waitlisted}).`);
  } catch (err) {
    console.error(`  Demo events not seeded: ${err.message}`);
  }
}
