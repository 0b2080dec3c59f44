import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import PostalMime from "postal-mime";
import { afterEach, describe, expect, it } from "vitest";
import { directoryDb, tenantDb } from "../db/client";
import { outbox, tenants, users } from "../db/schema";
import type { Bindings } from "../env";
import { clearLimits } from "../http/limits";
import { planImport, writeImport } from "../invitations/import";
import { continueMailDelivery } from "../jobs/runner";
import { makeTenant, type TestTenant } from "../test/helpers";
import { batchKey, deliverOutbox, enqueueMail, mailCallSlot, type MailClock } from "./outbox";
import { welcomeMail } from "./templates";
import { buildMime, HttpMailTransport, parseRetryAfter, SendEmailTransport, setMailTransportForTests, type OutgoingMail } from "./transports";

// The outbox at a real provider's pace (issue 18, point 4): a fake Resend that takes up to 100
// emails a call on POST /emails/batch, honours Idempotency-Key (the same key and body answer
// again without sending), and answers 429 with Retry-After past 5 calls a second. Time is
// injected (a clock whose sleeps only move a number), so 10,000 emails take no real 20 s.

afterEach(async () => {
  setMailTransportForTests(null);
  // The pace counter lives at the fake clock's times: forget it so no other drain waits on it.
  await clearLimits(env.DB, [mailCallSlot(env).key]);
});

function fakeClock(start: number): MailClock & { t: number } {
  const clock = {
    t: start,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

type Call = { at: number; path: string; key: string; body: string; count: number; status: number };

/** Resend's batch endpoint as far as the outbox can tell. */
class FakeResend {
  calls: Call[] = [];
  /** Emails delivered per recipient. */
  delivered = new Map<string, number>();
  private accepted: number[] = [];
  private answered = new Map<string, { body: string; answer: string }>();
  /** The next N accepted calls are processed but their answer is lost (a connection reset). */
  loseAnswers = 0;
  /** The next N calls answer this status (with Retry-After) before anything else. */
  forced: { status: number; retryAfter?: string; times: number } | null = null;
  constructor(
    private readonly clock: { now(): number },
    private readonly perSecond = 5,
    private readonly perCall = 100,
  ) {}

  get throttled() {
    return this.calls.filter((c) => c.status === 429);
  }

  fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const body = String(init?.body);
    const parsed = JSON.parse(body) as { to: string[] } | { to: string[] }[];
    const emails = Array.isArray(parsed) ? parsed : [parsed];
    const key = headers.get("idempotency-key") ?? "";
    const at = this.clock.now();
    const answer = (status: number, json: unknown, extra: Record<string, string> = {}) => {
      this.calls.push({ at, path: url.pathname, key, body, count: emails.length, status });
      return new Response(JSON.stringify(json), { status, headers: { "content-type": "application/json", ...extra } });
    };
    if (headers.get("authorization") !== "Bearer re_test") return answer(401, { message: "missing key" });
    if (this.forced && this.forced.times > 0) {
      this.forced.times--;
      return answer(this.forced.status, { message: "forced" }, this.forced.retryAfter ? { "retry-after": this.forced.retryAfter } : {});
    }
    if (Array.isArray(parsed) && (url.pathname !== "/emails/batch" || emails.length > this.perCall)) return answer(422, { message: "bad batch" });
    // Past 5 calls in the last second: 429, nothing processed.
    this.accepted = this.accepted.filter((t) => at - t < 1000);
    if (this.accepted.length >= this.perSecond) return answer(429, { name: "rate_limit_exceeded" }, { "retry-after": "1" });
    this.accepted.push(at);
    const prior = this.answered.get(key);
    if (prior) return prior.body === body ? answer(200, JSON.parse(prior.answer)) : answer(409, { name: "invalid_idempotent_request" });
    for (const e of emails) for (const to of e.to) this.delivered.set(to, (this.delivered.get(to) ?? 0) + 1);
    const result = { data: emails.map((_, i) => ({ id: `${key}#${i}` })) };
    this.answered.set(key, { body, answer: JSON.stringify(result) });
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      this.calls.push({ at, path: url.pathname, key, body, count: emails.length, status: 0 });
      throw new Error("connection reset by peer");
    }
    return answer(200, result);
  }) as typeof fetch;
}

const useFake = (fake: FakeResend) => setMailTransportForTests(new HttpMailTransport("https://api.resend.test/emails", "re_test", "Communities <no-reply@communities.test>", fake.fetch));
const withRate = (perSecond: number): Bindings => ({ ...env, MAIL_RATE_PER_SECOND: String(perSecond) });

/** A community whose outbox starts empty (its owner's welcome email removed). */
async function freshTenant(): Promise<TestTenant> {
  const tenant = await makeTenant();
  await directoryDb(env).delete(outbox).where(eq(outbox.tenantId, tenant.id));
  return tenant;
}

/** Invitation emails queued the way an import queues them (staged, then live in one batch). */
async function queueInvitations(tenant: TestTenant, count: number, now: number) {
  const t = tenantDb(env, { id: tenant.id });
  const [tenantRow] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenant.id));
  const [owner] = await t.db.select().from(users).where(and(eq(users.tenantId, tenant.id), eq(users.email, tenant.owner.email)));
  const inviter = { user: owner!, actsAsTenantAdmin: true };
  const table = [["email", "first_name", "language"], ...Array.from({ length: count }, (_, i) => [`pace-${i}@example.org`, `P${i}`, ["fr", "en", "nl"][i % 3]!])];
  const defaults = { groups: [], tenantRole: "member" as const, groupRole: "member" as const };
  const planned = await planImport(t, inviter, table, defaults);
  await writeImport(env, t, tenantRow!, inviter, planned, defaults, now);
}

async function attemptsOf(tenantId: string) {
  return directoryDb(env)
    .select({ status: outbox.status, attempts: outbox.attempts, n: sql<number>`count(*)` })
    .from(outbox)
    .where(eq(outbox.tenantId, tenantId))
    .groupBy(outbox.status, outbox.attempts);
}

/** Far enough ahead that no drain on the real clock finds these rows due. */
const future = () => Date.now() + 400 * 86400_000 + Math.floor(Math.random() * 1e9);

describe("the outbox at the provider's pace", () => {
  it(
    "delivers 10,000 invitation emails through a provider taking 100 a call and 5 calls a second: all once, in 100 calls, no attempt spent on a 429",
    async () => {
      const tenant = await freshTenant();
      const t0 = future();
      await queueInvitations(tenant, 10_000, t0);
      const clock = fakeClock(t0);
      const fake = new FakeResend(clock);
      useFake(fake);
      // Configured at twice what the provider allows (a rate set too high, or another sender on
      // the account): the provider answers 429 and the drain has to slow down by itself.
      const report = await deliverOutbox(withRate(10), { now: t0, tenantId: tenant.id, limit: 20_000, budgetMs: 3600_000, clock, maxQueries: 100_000 });

      expect(report).toMatchObject({ sent: 10_000, failed: 0, retried: 0, more: false });
      expect(fake.delivered.size).toBe(10_000);
      expect([...fake.delivered.values()].every((n) => n === 1)).toBe(true);
      const accepted = fake.calls.filter((c) => c.status === 200);
      expect(accepted).toHaveLength(100);
      expect(accepted.every((c) => c.path === "/emails/batch" && c.count === 100)).toBe(true);
      // The provider did say 429, and no row spent an attempt on it: each took exactly one.
      expect(fake.throttled.length).toBeGreaterThan(0);
      expect(report.throttled).toBe(fake.throttled.length * 100);
      expect(await attemptsOf(tenant.id)).toEqual([{ status: "sent", attempts: 1, n: 10_000 }]);
      // A throttled batch came back as the same call: same key, same body.
      for (const refused of fake.throttled) expect(accepted.some((c) => c.key === refused.key && c.body === refused.body)).toBe(true);
      // It slowed down instead of hammering: about one 429 per second, after which it waited Retry-After.
      expect(fake.throttled.length).toBeLessThanOrEqual(25);
      const elapsed = clock.t - t0;
      expect(elapsed).toBeGreaterThanOrEqual(19_000);
      expect(elapsed).toBeLessThan(40_000);
    },
    240_000,
  );

  it("at the configured rate the provider never answers 429", async () => {
    const tenant = await freshTenant();
    const t0 = future();
    await queueInvitations(tenant, 1_000, t0);
    const clock = fakeClock(t0);
    const fake = new FakeResend(clock);
    useFake(fake);
    const report = await deliverOutbox(withRate(5), { now: t0, tenantId: tenant.id, limit: 20_000, budgetMs: 3600_000, clock });
    expect(report).toMatchObject({ sent: 1_000, calls: 10, throttled: 0 });
    expect(fake.throttled).toHaveLength(0);
    // Ten calls at 5 a second: spread over 1.8 s, never two within 200 ms.
    const times = fake.calls.map((c) => c.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
  });

  it("a 429 or a 503 with Retry-After makes the rows wait at least that long and spends no attempt; a 500 spends one and backs off", async () => {
    const tenant = await freshTenant();
    const t0 = future();
    await queueInvitations(tenant, 3, t0);
    const clock = fakeClock(t0);
    const fake = new FakeResend(clock);
    useFake(fake);
    const drain = (now: number, budgetMs = 1000) => deliverOutbox(withRate(5), { now, tenantId: tenant.id, budgetMs, clock: fakeClock(now) });

    fake.forced = { status: 429, retryAfter: "7", times: 1 };
    // The drain's budget is shorter than Retry-After: it stops and says when to go on.
    expect(await drain(t0)).toMatchObject({ sent: 0, throttled: 3, more: true, waitMs: 7000 });
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "pending", attempts: 0, n: 3 }]);
    expect(await drain(t0 + 6999)).toMatchObject({ sent: 0, calls: 0 });

    fake.forced = { status: 503, retryAfter: "5", times: 1 };
    expect(await drain(t0 + 7000)).toMatchObject({ sent: 0, throttled: 3 });
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "pending", attempts: 0, n: 3 }]);
    const [row] = await directoryDb(env).select().from(outbox).where(eq(outbox.tenantId, tenant.id)).limit(1);
    expect(row!.nextAttemptAt).toBe(t0 + 7000 + 5000);

    fake.forced = { status: 500, times: 1 };
    expect(await drain(t0 + 20_000)).toMatchObject({ sent: 0, retried: 3, throttled: 0 });
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "pending", attempts: 1, n: 3 }]);
    expect(await drain(t0 + 20_000 + 29_999)).toMatchObject({ calls: 0 });
    expect(await drain(t0 + 20_000 + 30_000)).toMatchObject({ sent: 3 });
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "sent", attempts: 2, n: 3 }]);
    // Every call was the same batch under the same key.
    expect(new Set(fake.calls.map((c) => c.key)).size).toBe(1);
    expect([...fake.delivered.values()]).toEqual([1, 1, 1]);
  });

  it("rows given back after a 429 are claimed again by the same drain even when its own time lags the real time (no batch left for the cron)", async () => {
    const tenant = await freshTenant();
    const t0 = future();
    await queueInvitations(tenant, 150, t0);
    // Every reading of this clock costs 5 ms of work: the drain's own time, which moves only by
    // what it waits, falls behind it, as on a busy isolate.
    const clock = { t: t0, now: () => (clock.t += 5), sleep: async (ms: number) => void (clock.t += ms) };
    const fake = new FakeResend(clock);
    useFake(fake);
    fake.forced = { status: 429, retryAfter: "1", times: 1 };
    const report = await deliverOutbox(withRate(5), { now: t0, tenantId: tenant.id, limit: 20_000, budgetMs: 3600_000, clock });
    expect(report).toMatchObject({ sent: 150, throttled: 100, more: false });
    expect(fake.delivered.size).toBe(150);
    expect([...fake.delivered.values()].every((n) => n === 1)).toBe(true);
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "sent", attempts: 1, n: 150 }]);
  });

  it("a batch whose answer was lost is retried as the same call with the same key, and the provider sends nothing twice", async () => {
    const tenant = await freshTenant();
    const t0 = future();
    await queueInvitations(tenant, 150, t0);
    const clock = fakeClock(t0);
    const fake = new FakeResend(clock);
    useFake(fake);
    fake.loseAnswers = 1;
    const first = await deliverOutbox(withRate(5), { now: t0, tenantId: tenant.id, limit: 20_000, clock });
    expect(first).toMatchObject({ sent: 50, retried: 100 });
    // New mail queued in between does not join the retried batch.
    const t = tenantDb(env, { id: tenant.id });
    await t.db.batch([enqueueMail(t, welcomeMail("en", { to: "late@example.org", name: "L", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } }), t0)]);
    const later = t0 + 30_000;
    const second = await deliverOutbox(withRate(5), { now: later, tenantId: tenant.id, limit: 20_000, clock: fakeClock(later) });
    expect(second).toMatchObject({ sent: 101 });
    const lost = fake.calls.find((c) => c.status === 0)!;
    const retried = fake.calls.filter((c) => c.key === lost.key);
    expect(retried.map((c) => c.status)).toEqual([0, 200]);
    expect(retried[1]!.body).toBe(lost.body);
    expect(fake.delivered.get("late@example.org")).toBe(1);
    expect([...fake.delivered.values()].every((n) => n === 1)).toBe(true);
    expect(fake.delivered.size).toBe(151);
  });

  it("the key names exactly the rows of the call: the same rows give the same key, a row cancelled in between gives a new one", async () => {
    const a = await batchKey("b1", ["r3", "r1", "r2"]);
    expect(await batchKey("b1", ["r1", "r2", "r3"])).toBe(a);
    expect(await batchKey("b1", ["r1", "r3"])).not.toBe(a);
    expect(await batchKey("b2", ["r1", "r2", "r3"])).not.toBe(a);
    expect(a.length).toBeLessThanOrEqual(256);

    // A row removed from a batch between two tries: the rest go under a new key (the provider
    // would refuse the old key with another body).
    const tenant = await freshTenant();
    const t0 = future();
    await queueInvitations(tenant, 4, t0);
    const clock = fakeClock(t0);
    const fake = new FakeResend(clock);
    useFake(fake);
    fake.forced = { status: 500, times: 1 };
    await deliverOutbox(withRate(5), { now: t0, tenantId: tenant.id, clock });
    const [gone] = await directoryDb(env).select().from(outbox).where(eq(outbox.tenantId, tenant.id)).limit(1);
    await directoryDb(env).delete(outbox).where(eq(outbox.id, gone!.id));
    const later = t0 + 60_000;
    expect(await deliverOutbox(withRate(5), { now: later, tenantId: tenant.id, clock: fakeClock(later) })).toMatchObject({ sent: 3 });
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200]);
    expect(fake.calls[1]!.key).not.toBe(fake.calls[0]!.key);
    expect(fake.delivered.size).toBe(3);
  });

  it("a batch of two communities' emails is retried whole, under its key, even by a drain scoped to one of them", async () => {
    const [a, b] = [await freshTenant(), await freshTenant()];
    const t0 = future();
    await queueInvitations(a, 2, t0);
    await queueInvitations(b, 2, t0);
    const clock = fakeClock(t0);
    const fake = new FakeResend(clock);
    useFake(fake);
    fake.forced = { status: 500, times: 1 };
    // The cron's drain (every community) batches all four in one call, which fails.
    expect(await deliverOutbox(withRate(5), { now: t0, clock })).toMatchObject({ calls: 1, retried: 4 });
    const later = t0 + 60_000;
    // A drain after a request on community a's host: the whole batch again, same key, same body.
    expect(await deliverOutbox(withRate(5), { now: later, tenantId: a.id, clock: fakeClock(later) })).toMatchObject({ sent: 4, calls: 1 });
    expect(fake.calls.map((c) => c.status)).toEqual([500, 200]);
    expect(fake.calls[1]!.key).toBe(fake.calls[0]!.key);
    expect(fake.calls[1]!.body).toBe(fake.calls[0]!.body);
    expect(fake.calls[0]!.count).toBe(4);
  });

  it("emails with attachments go singly (the batch endpoint takes none) under their own key; an address refused inside a batch fails alone", async () => {
    const tenant = await freshTenant();
    const t0 = future();
    const t = tenantDb(env, { id: tenant.id });
    const mail = (to: string) => welcomeMail("en", { to, name: "A", community: "C", url: "https://c.example/", brand: { color: "#4f46e5", logoUrl: null } });
    await t.db.batch([
      enqueueMail(t, { ...mail("with-file@example.org"), attachments: [{ filename: "facture.pdf", contentType: "application/pdf", content: btoa("%PDF-1.7") }] }, t0, "att-row"),
      enqueueMail(t, mail("plain@example.org"), t0, "plain-row"),
      enqueueMail(t, mail("refused@example.org"), t0, "refused-row"),
    ]);
    const seen: { path: string; key: string; body: unknown }[] = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { to: string[] }[] | { to: string[] };
      seen.push({ path: new URL(String(input)).pathname, key: new Headers(init?.headers).get("idempotency-key")!, body });
      if (Array.isArray(body)) {
        expect(new Headers(init?.headers).get("x-batch-validation")).toBe("permissive");
        const errors = body.flatMap((m, index) => (m.to[0] === "refused@example.org" ? [{ index, message: "Invalid `to` field." }] : []));
        return Response.json({ data: body.filter((m) => m.to[0] !== "refused@example.org").map(() => ({ id: "x" })), errors });
      }
      return Response.json({ id: "y" });
    }) as typeof fetch;
    setMailTransportForTests(new HttpMailTransport("https://api.resend.test/emails", "re_test", "C <c@communities.test>", fetcher));
    const clock = fakeClock(t0);
    expect(await deliverOutbox(withRate(5), { now: t0, tenantId: tenant.id, clock })).toMatchObject({ sent: 2, retried: 1, calls: 2 });
    const batch = seen.find((s) => s.path === "/emails/batch")!;
    expect((batch.body as { to: string[] }[]).map((m) => m.to[0]).sort()).toEqual(["plain@example.org", "refused@example.org"]);
    expect(JSON.stringify(batch.body)).not.toContain("attachments");
    const single = seen.find((s) => s.path === "/emails")!;
    expect(single.key).toBe("att-row");
    expect(single.body).toMatchObject({ to: ["with-file@example.org"], attachments: [{ filename: "facture.pdf", content_type: "application/pdf" }] });
    const refused = (await directoryDb(env).select().from(outbox).where(eq(outbox.id, "refused-row")))[0]!;
    // Out of its batch, so its retry goes in a new group and the others' key stays theirs.
    expect(refused).toMatchObject({ status: "pending", attempts: 1, batchId: null, lastError: "Invalid `to` field." });
  });

  it("concurrent drains share one pace: calls stay about 1000/rate ms apart across them", async () => {
    const tenant = await freshTenant();
    const t0 = Date.now() - 1000;
    await queueInvitations(tenant, 240, t0);
    const starts: number[] = [];
    const fetcher = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      starts.push(Date.now());
      return Response.json({ data: (JSON.parse(String(init?.body)) as unknown[]).map(() => ({ id: "x" })) });
    }) as typeof fetch;
    setMailTransportForTests(new HttpMailTransport("https://api.resend.test/emails", "re_test", "C <c@communities.test>", fetcher, 30));
    const rated = withRate(10);
    const reports = await Promise.all([1, 2, 3].map(() => deliverOutbox(rated, { now: t0, tenantId: tenant.id, limit: 20_000 })));
    expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(240);
    expect(starts).toHaveLength(8);
    starts.sort((a, b) => a - b);
    // 10 a second = one call per 100 ms slot, whichever drain makes it (three drains pacing
    // themselves alone would make ~33 ms gaps and span ~200 ms); slack for a loaded machine.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(7 * 100 - 30);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(50);
  });

  it("a drain out of time leaves the rest to the JobRunner's alarm, which delivers it", async () => {
    const tenant = await freshTenant();
    const t0 = Date.now() - 1000;
    await queueInvitations(tenant, 30, t0);
    const report = await deliverOutbox(env, { now: t0, tenantId: tenant.id, budgetMs: 0 });
    expect(report).toMatchObject({ sent: 0, more: true });
    await continueMailDelivery(env, { tenantId: tenant.id });
    const stub = env.JOB_RUNNER.get(env.JOB_RUNNER.idFromName(`mail:${tenant.id}`));
    expect(await stub.pendingMail()).toMatchObject({ tenantId: tenant.id });
    for (let i = 0; i < 20 && (await stub.pendingMail()) !== null; i++) {
      await runDurableObjectAlarm(stub);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await stub.pendingMail()).toBeNull();
    expect(await attemptsOf(tenant.id)).toEqual([{ status: "sent", attempts: 1, n: 30 }]);
  });

  it("Retry-After is read as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("the send_email transport", () => {
  const mail: OutgoingMail = {
    to: "zoe@example.org",
    subject: "Réunion à 9 h — café ☕ offert",
    text: "Bonjour Zoë,\nà demain.",
    html: "<p>Bonjour <b>Zoë</b>, à demain.</p>",
    attachments: [{ filename: "facture-0001.pdf", contentType: "application/pdf", content: btoa("%PDF-1.7 façade") }],
    tenantId: "t1",
    idempotencyKey: "row-42",
  };

  it("builds a MIME message any client reads: encoded UTF-8 subject, text and HTML alternatives, the attachment", async () => {
    const raw = buildMime("Atelier Commun — Café <no-reply@communities.example.org>", mail, new Date(Date.UTC(2026, 11, 6, 9)));
    expect(raw).not.toContain("Réunion"); // headers are ASCII (RFC 2047)
    expect(raw).not.toContain("Café <");
    expect(raw).toMatch(/multipart\/mixed/);
    expect(raw).toMatch(/multipart\/alternative/);
    const parsed = await PostalMime.parse(raw);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.from).toMatchObject({ name: "Atelier Commun — Café", address: "no-reply@communities.example.org" });
    expect(parsed.to?.[0]).toMatchObject({ address: "zoe@example.org" });
    expect(parsed.messageId).toBe("<row-42@communities.example.org>");
    expect(parsed.text?.trim()).toBe(mail.text);
    expect(parsed.html).toContain("<b>Zoë</b>");
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({ filename: "facture-0001.pdf", mimeType: "application/pdf" });
    const content = parsed.attachments[0]!.content;
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : new Uint8Array(content);
    expect(String.fromCharCode(...bytes)).toBe(atob(mail.attachments![0]!.content));
  });

  it("hands the binding one message per email, from the configured sender to the recipient", async () => {
    const sent: { from: string; to: string; raw: string }[] = [];
    const binding = { send: async (m: EmailMessage) => void m };
    const transport = new SendEmailTransport(binding, "Atelier <no-reply@communities.example.org>", (from, to, raw) => {
      sent.push({ from, to, raw });
      return { from, to } as EmailMessage;
    });
    await transport.send({ ...mail, attachments: [] });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: "no-reply@communities.example.org", to: "zoe@example.org" });
    expect((await PostalMime.parse(sent[0]!.raw)).subject).toBe(mail.subject);
    // A binding that throws is an ordinary failure: the outbox retries it later.
    const failing = new SendEmailTransport({ send: async () => Promise.reject(new Error("destination not verified")) }, "a@b.example", () => ({}) as EmailMessage);
    await expect(failing.send(mail)).rejects.toThrow(/not verified/);
  });
});
