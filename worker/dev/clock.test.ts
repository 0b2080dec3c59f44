import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../app";
import { call, makeTenant, ROOT, type TestTenant } from "../test/helpers";
import { devMail } from "../test/mail";

const DAY = 86_400_000;

async function invite(tenant: TestTenant, address: string) {
  const res = await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: address } });
  expect(res.status).toBe(200);
}

async function clock(host: string, at: number | string) {
  return call(host, "POST", "/api/v1/dev/scheduled", { json: { at: typeof at === "number" ? new Date(at).toISOString() : at } });
}

const reminders = (mails: { subject: string }[]) => mails.filter((m) => /Rappel|Reminder|Herinnering/i.test(m.subject));

describe("POST /api/v1/dev/scheduled (the development clock)", () => {
  it("runs the jobs at `at` for this tenant only, delivers what they wrote, and changes nothing when run again at the same time", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    await invite(a, "clock-a@example.org");
    await invite(b, "clock-b@example.org");
    const at = Date.now() + 3 * DAY + 60_000;

    const res = await clock(a.host, at);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ran: string[] };
    expect(body.ran).toEqual(expect.arrayContaining(["invitations", "mail"]));

    // Tenant A's invitation got its reminder, delivered before the answer; tenant B's did not.
    expect(reminders(await devMail(a.host, "clock-a@example.org"))).toHaveLength(1);
    expect(reminders(await devMail(b.host, "clock-b@example.org"))).toHaveLength(0);

    // The same `at` twice: nothing new.
    expect((await clock(a.host, at)).status).toBe(200);
    expect(reminders(await devMail(a.host, "clock-a@example.org"))).toHaveLength(1);

    // On the root host it runs for every tenant.
    expect((await clock(ROOT, at)).status).toBe(200);
    expect(reminders(await devMail(b.host, "clock-b@example.org"))).toHaveLength(1);
  });

  it("refuses a malformed time with 422 and is 404 outside development", async () => {
    const a = await makeTenant();
    expect((await clock(a.host, "tomorrow")).status).toBe(422);
    const bad = await call(a.host, "POST", "/api/v1/dev/scheduled", { body: "{", headers: { "content-type": "application/json" } });
    expect(bad.status).toBe(400);
    const request = new Request(`http://${a.host}/api/v1/dev/scheduled`, {
      method: "POST",
      headers: { host: a.host, "content-type": "application/json" },
      body: JSON.stringify({ at: new Date().toISOString() }),
    });
    const prod = await app.fetch(request, { ...env, ENVIRONMENT: "production" }, createExecutionContext());
    expect(prod.status).toBe(404);
  });
});
