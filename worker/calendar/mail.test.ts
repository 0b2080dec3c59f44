import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { atomic, tenantDb } from "../db/client";
import { enqueueMail, enqueueMailAfterChange } from "../mail/outbox";
import { welcomeMail } from "../mail/templates";
import { HttpMailTransport } from "../mail/transports";
import { call, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { inbox as everyMail } from "../test/mail";
import { at, iso } from "../test/time";

/** The member's booking emails (those with an attachment; signing up and joining a plan send others). */
const inbox = async (host: string, to: string) => (await everyMail(host, to)).filter((m) => (m.attachments?.length ?? 0) > 0);

// Booking confirmation and cancellation emails: through the outbox, in the member's language,
// carrying the `.ics` (METHOD:REQUEST on confirmation; METHOD:CANCEL, STATUS:CANCELLED and the
// same UID on cancellation); a series is one email with one VEVENT per occurrence; a refused
// booking sends nothing. The attachment reaches the development mailbox and the HTTP provider.

const unfold = (text: string) => text.replace(/\r\n[ \t]/g, "");
const decode = (b64: string) => new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}
async function resource(tenant: TestTenant, name: string) {
  return (await ok<{ resource: { id: string } }>(await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name, category: "rooms", pricePerHour: { amount: 1000, currency: "EUR" } } }), 201)).resource;
}
async function onPlan(tenant: TestTenant, email: string, name: string, language: string) {
  const plan = (await ok<{ plan: { id: string } }>(await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: `Flex ${email}`, price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } }), 201)).plan;
  const m = await signUpMember(tenant, email, name, { language });
  await ok(await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: m.cookie, json: { planId: plan.id } }), 201);
  return m;
}
const attachmentOf = (mail: { attachments?: { filename: string; contentType: string; content: string }[] }) => {
  expect(mail.attachments).toHaveLength(1);
  const a = mail.attachments![0]!;
  return { ...a, text: unfold(decode(a.content)) };
};

describe("booking emails carry the .ics", () => {
  it("confirms a booking in the member's language with METHOD:REQUEST, and its cancellation with METHOD:CANCEL, STATUS:CANCELLED and the same UID", async () => {
    const tenant = await makeTenant({ name: "Atelier Ærø" });
    const member = await onPlan(tenant, "mail-fr@example.org", "Łukasz Őry-Ærø", "fr");
    const room = await resource(tenant, "Salle Łukasz");
    const { booking } = await ok<{ booking: { id: string } }>(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(at(3, 9)), to: iso(at(3, 10)) } }), 201);

    const [confirmation] = await inbox(tenant.host, member.email);
    expect(confirmation!.subject).toBe("Atelier Ærø\u202f: réservation confirmée, Salle Łukasz");
    expect(confirmation!.text).toContain("Votre réservation de Salle Łukasz est confirmée\u202f:");
    expect(confirmation!.text).toContain(`/bookings/${booking.id}`);
    const sent = attachmentOf(confirmation!);
    expect(sent.filename).toBe("booking.ics");
    expect(sent.contentType).toBe("text/calendar; charset=utf-8; method=REQUEST");
    expect(sent.text).toContain("METHOD:REQUEST");
    expect(sent.text).toContain(`UID:booking-${booking.id}@edge-communities`);
    expect(sent.text).toContain("STATUS:CONFIRMED");
    expect(sent.text).toContain("SUMMARY:Salle Łukasz");

    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${booking.id}`, { cookie: member.cookie })).status).toBe(204);
    const mails = await inbox(tenant.host, member.email);
    expect(mails).toHaveLength(2);
    const cancellation = mails.find((m) => m.subject.includes("annulée"))!;
    expect(cancellation.subject).toBe("Atelier Ærø\u202f: réservation annulée, Salle Łukasz");
    const canceled = attachmentOf(cancellation);
    expect(canceled.contentType).toBe("text/calendar; charset=utf-8; method=CANCEL");
    expect(canceled.text).toContain("METHOD:CANCEL");
    expect(canceled.text).toContain("STATUS:CANCELLED");
    expect(canceled.text).toContain(`UID:booking-${booking.id}@edge-communities`);

    // Cancelling again: 404, and no second cancellation email.
    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${booking.id}`, { cookie: member.cookie })).status).toBe(404);
    expect(await inbox(tenant.host, member.email)).toHaveLength(2);
  });

  it("sends one email for a whole series (one VEVENT per occurrence), in English for an English member, and one for its cancellation", async () => {
    const tenant = await makeTenant({ name: "Hub" });
    const member = await onPlan(tenant, "mail-series@example.org", "Sam Series", "en");
    const room = await resource(tenant, "Desk 4");
    const { bookings } = await ok<{ bookings: { id: string }[] }>(
      await call(tenant.host, "POST", "/api/v1/bookings", { cookie: member.cookie, json: { resourceId: room.id, from: iso(at(2, 9)), to: iso(at(2, 10)), repeat: { every: "day", count: 3 } } }),
      201,
    );
    const mails = await inbox(tenant.host, member.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Hub: booking confirmed, Desk 4");
    expect(mails[0]!.text).toContain("Your recurring booking of Desk 4 is confirmed (3 dates):");
    const ics = attachmentOf(mails[0]!).text;
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    for (const b of bookings) expect(ics).toContain(`UID:booking-${b.id}@edge-communities`);

    expect((await call(tenant.host, "DELETE", `/api/v1/bookings/${bookings[0]!.id}?series=following`, { cookie: member.cookie })).status).toBe(204);
    const after = await inbox(tenant.host, member.email);
    expect(after).toHaveLength(2);
    const cancel = attachmentOf(after.find((m) => m.subject === "Hub: booking canceled, Desk 4")!).text;
    expect(cancel).toContain("METHOD:CANCEL");
    expect(cancel.match(/STATUS:CANCELLED/g)).toHaveLength(3);
    for (const b of bookings) expect(cancel).toContain(`UID:booking-${b.id}@edge-communities`);
  });

  it("sends nothing for a refused booking; an admin's booking for a member emails the member in their language", async () => {
    const tenant = await makeTenant({ name: "Kring" });
    const member = await onPlan(tenant, "mail-nl@example.org", "Nora Nl", "nl");
    const rival = await onPlan(tenant, "mail-rival@example.org", "Rita Rival", "en");
    const room = await resource(tenant, "Zaal 1");
    const slot = { resourceId: room.id, from: iso(at(4, 9)), to: iso(at(4, 10)) };
    await ok(await call(tenant.host, "POST", "/api/v1/bookings", { cookie: tenant.owner.cookie, json: { ...slot, userId: member.id } }), 201);
    expect((await call(tenant.host, "POST", "/api/v1/bookings", { cookie: rival.cookie, json: slot })).status).toBe(409);
    expect(await inbox(tenant.host, rival.email)).toHaveLength(0);
    const [mail] = await inbox(tenant.host, member.email);
    expect(mail!.subject).toBe("Kring: reservering bevestigd, Zaal 1");
    expect(await inbox(tenant.host, tenant.owner.email)).toHaveLength(0);
  });
});

describe("attachments through the HTTP mail provider", () => {
  it("posts them in the provider's shape (base64 content, filename, content type)", async () => {
    const bodies: unknown[] = [];
    const fetcher = (async (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)));
      return new Response("{}", { status: 200 });
    }) as typeof fetch;
    const transport = new HttpMailTransport("https://mail.example/send", "key", "Hub <no-reply@hub.example>", fetcher);
    await transport.send({ to: "a@example.org", subject: "s", text: "t", html: "<p>h</p>", tenantId: "t1", idempotencyKey: "k1", attachments: [{ filename: "booking.ics", contentType: "text/calendar; charset=utf-8; method=REQUEST", content: "QkVHSU4=" }] });
    await transport.send({ to: "b@example.org", subject: "s", text: "t", html: "<p>h</p>", tenantId: "t1", idempotencyKey: "k2" });
    expect(bodies[0]).toMatchObject({ attachments: [{ filename: "booking.ics", content: "QkVHSU4=", content_type: "text/calendar; charset=utf-8; method=REQUEST" }] });
    expect(bodies[1]).not.toHaveProperty("attachments");
  });
});

describe("attachments through the outbox", () => {
  it("keeps them with the row (enqueueMail and enqueueMailAfterChange) and shows them in the development mailbox; an email without any shows an empty list", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, { id: tenant.id });
    const base = welcomeMail("en", { to: "att@example.org", name: "A", community: "C", url: "https://x.example/", brand: { color: "#4f46e5", logoUrl: null } });
    const files = [{ filename: "booking.ics", contentType: "text/calendar; charset=utf-8; method=REQUEST", content: "QkVHSU46VkNBTEVOREFS" }];
    await t.db.batch([enqueueMail(t, { ...base, subject: "one", attachments: files }), enqueueMail(t, { ...base, subject: "none" })]);
    // After a statement that changed exactly one row.
    await atomic(t, [sql`update tenants set name = name where id = ${tenant.id}`, enqueueMailAfterChange(t, { ...base, subject: "after", attachments: files })]);
    const mails = await everyMail(tenant.host, "att@example.org");
    const by = (subject: string) => mails.find((m) => m.subject === subject)!;
    expect(by("one").attachments).toEqual(files);
    expect(by("none").attachments).toEqual([]);
    expect(by("after").attachments).toEqual(files);
  });
});
