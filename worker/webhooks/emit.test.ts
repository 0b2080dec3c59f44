import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { atomic, tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { users, webhookDeliveries, webhookEndpoints } from "../db/schema";
import { makeTenant } from "../test/helpers";
import { afterChangeParams, webhookEvent, webhookEventAfterChange, webhookEventAfterChangeQuery, webhookEventAfterChangeStatement } from "./emit";

async function endpoint(t: TenantDb, events: string[], enabled = true) {
  const id = newId();
  await t.db.insert(webhookEndpoints).values({ id, tenantId: t.tenantId, url: "https://hooks.example.com/in", events, enabled, secretSealed: "v1.x.y", createdAt: 1, updatedAt: 1 });
  return id;
}

const deliveriesOf = (t: TenantDb) => t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.tenantId));

describe("webhook emission (one INSERT … SELECT in the change's batch)", () => {
  it("queues the event once per enabled endpoint subscribed to its type, with the body as it will be sent", async () => {
    const tenant = await makeTenant();
    const other = await makeTenant();
    const t = tenantDb(env, tenant);
    const a = await endpoint(t, ["member.created", "booking.created"]);
    const b = await endpoint(t, ["member.created"]);
    await endpoint(t, ["booking.created"]); // not subscribed
    await endpoint(t, ["member.created"], false); // disabled
    await endpoint(tenantDb(env, other), ["member.created"]); // another tenant's
    const now = Date.UTC(2026, 11, 6, 17, 30);
    await t.db.batch([webhookEvent(t, "member.created", { member: { id: "u1", name: "Ann" } }, now)]);
    const rows = await deliveriesOf(t);
    expect(rows.map((r) => r.endpointId).sort()).toEqual([a, b].sort());
    expect(new Set(rows.map((r) => r.id)).size).toBe(2);
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(1);
    for (const r of rows) {
      expect(r.id).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(r).toMatchObject({ type: "member.created", status: "pending", attempts: 0, nextAttemptAt: now, createdAt: now });
      expect(JSON.parse(r.payload)).toEqual({ type: "member.created", timestamp: "2026-12-06T17:30:00.000Z", data: { member: { id: "u1", name: "Ann" } } });
    }
    expect(await deliveriesOf(tenantDb(env, other))).toEqual([]);
  });

  it("works inside atomic() too, and rolls back with a batch that fails", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, tenant);
    await endpoint(t, ["issue.created"]);
    await atomic(t, [webhookEvent(t, "issue.created", { issue: { id: "i1" } }, 5)]);
    expect(await deliveriesOf(t)).toHaveLength(1);
    await expect(t.db.batch([webhookEvent(t, "issue.created", { issue: { id: "i2" } }, 6), t.db.insert(webhookEndpoints).values({ id: "x", tenantId: "no-such-tenant", url: "", events: [], secretSealed: "", createdAt: 0, updatedAt: 0 })])).rejects.toThrow();
    expect(await deliveriesOf(t)).toHaveLength(1);
  });

  it("webhookEventAfterChange queues only when the statement before it changed exactly one row", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, tenant);
    await endpoint(t, ["member.created"]);
    await endpoint(t, ["member.created"]);
    const [owner] = await t.db.select().from(users).where(eq(users.tenantId, t.tenantId));
    const change = () => t.db.update(users).set({ status: "active" }).where(and(eq(users.tenantId, t.tenantId), eq(users.id, owner!.id), eq(users.status, "pending_approval")));
    // The owner is active already: the conditional update changes nothing, nothing is queued.
    await t.db.batch([change(), webhookEventAfterChange(t, "member.created", { member: { id: owner!.id } }, 10)]);
    expect(await deliveriesOf(t)).toHaveLength(0);
    await t.db.update(users).set({ status: "pending_approval" }).where(eq(users.id, owner!.id));
    await atomic(t, [change(), webhookEventAfterChange(t, "member.created", { member: { id: owner!.id } }, 11)]);
    // Both endpoints got it: changes() still counts the update while the insert runs.
    expect(await deliveriesOf(t)).toHaveLength(2);
  });

  it("the booking's statement written once is drizzle's own: the same SQL, the same values in the same order, and it queues after a change only", async () => {
    const tenant = await makeTenant();
    const t = tenantDb(env, tenant);
    await endpoint(t, ["booking.created"]);
    const data = { booking: { id: "b1", note: "l'été, 20 €" } };
    const ours = afterChangeParams(t, "booking.created", data, 42, "evt1");
    expect(webhookEventAfterChangeQuery(t, "booking.created", data, 42, "evt1").params).toEqual(ours);
    const [owner] = await t.db.select({ id: users.id }).from(users).where(eq(users.tenantId, t.tenantId)).limit(1);
    const touch = (name: string) => t.d1.prepare("update users set name = ?1 where tenant_id = ?2 and id = ?3").bind(name, t.tenantId, owner!.id);
    const nothing = t.d1.prepare("update users set name = 'x' where tenant_id = ?1 and id = 'nobody'").bind(t.tenantId);
    await t.d1.batch([nothing, webhookEventAfterChangeStatement(t, "booking.created", data, 7)]);
    expect(await deliveriesOf(t)).toHaveLength(0);
    await t.d1.batch([touch("Olivia"), webhookEventAfterChangeStatement(t, "booking.created", data, 8)]);
    const [row] = await deliveriesOf(t);
    expect(JSON.parse(row!.payload)).toEqual({ type: "booking.created", timestamp: new Date(8).toISOString(), data });
    expect(row!.nextAttemptAt).toBe(8);
  });
});
