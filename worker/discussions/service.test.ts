import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { memberships, outbox, users, type Tenant, type User } from "../db/schema";
import { createGroup, createGroupSchema, loadGroup } from "../groups/service";
import { ApiError } from "../http/errors";
import { fold } from "../http/search";
import { parseWith } from "../http/validate";
import { createTenant, createTenantSchema } from "../tenancy/service";
import type { DiscussionAction } from "./policy";
import { discussionFor, editThread, postReply, startThread, type DiscussionRequest } from "./service";

// The discussion services with plain values: no request, no Hono; D1 and the group's room only.

const ORIGIN = "https://club.example.test";

async function person(t: TenantDb, name: string, groupId?: string): Promise<User> {
  const user: User = {
    id: newId(),
    tenantId: t.tenantId,
    email: `${newId(6)}@people.example`,
    name,
    searchText: fold(name),
    passwordHash: null,
    language: "en",
    tenantRole: "member",
    status: "active",
    bio: null,
    emailVerifiedAt: null,
    extraInfo: null,
    importId: null,
    createdAt: Date.now(),
  };
  await t.db.insert(users).values(user);
  if (groupId) await t.db.insert(memberships).values({ tenantId: t.tenantId, groupId, userId: user.id, role: "member", createdAt: Date.now() });
  return user;
}

async function club() {
  const subdomain = `d${newId(10)}`;
  const tenant: Tenant = await createTenant(env, parseWith(createTenantSchema, { name: "Club", subdomain, owner: { email: `owner@${subdomain}.example`, password: "correct horse battery", name: "Olivia Owner" } }));
  const t = tenantDb(env, tenant);
  const owner = (await t.db.select().from(users).where(and(eq(users.tenantId, tenant.id), eq(users.tenantRole, "owner"))))[0]!;
  const { group } = await createGroup(t, owner, tenant.groupCreation, parseWith(createGroupSchema, { name: "Club", slug: "club", joinPolicy: "open" }));
  const alice = await person(t, "Alice Martin", group.id);
  const bob = await person(t, "Bob Stone", group.id);
  const outsider = await person(t, "Otto Outside");
  const delivered: number[] = [];
  /** What the HTTP layer would read from a request by `user`. */
  const ask = async (user: User | null, writes = true): Promise<DiscussionRequest> => ({
    env,
    tenant,
    t,
    ctx: await loadGroup(t, "club", user),
    user,
    language: "en",
    writes,
    mail: { origin: ORIGIN, deliverSoon: () => delivered.push(Date.now()) },
  });
  return { tenant, t, alice, bob, outsider, ask, delivered };
}

async function refusal(run: () => unknown): Promise<ApiError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("discussionFor", () => {
  it("refuses a visitor (401), a non-member (members_only) and a member beyond their role (forbidden)", async () => {
    const { alice, outsider, ask } = await club();
    const cases: [User | null, DiscussionAction, number, string][] = [
      [null, "read", 401, "unauthenticated"],
      [outsider, "read", 403, "members_only"],
      [alice, "moderate", 403, "forbidden"],
      [alice, "configureLevels", 403, "forbidden"],
    ];
    for (const [user, action, status, code] of cases) {
      const err = await refusal(async () => discussionFor(await ask(user), action));
      expect([err.status, err.code]).toEqual([status, code]);
    }
  });

  it("opens the group's discussion for a member, as its actor in the room's scope", async () => {
    const { tenant, alice, ask } = await club();
    const d = discussionFor(await ask(alice, false), "post");
    expect(d.actor).toMatchObject({ userId: alice.id, name: "Alice Martin", moderator: false });
    expect(d.scope).toMatchObject({ tenantId: tenant.id, groupId: d.ctx.group.id });
    expect(d.can("react")).toBe(true);
    expect(d.can("moderate")).toBe(false);
  });
});

describe("startThread, postReply and editThread", () => {
  it("store the post and email the members mentioned, linking to the origin given, then ask for delivery", async () => {
    const { t, alice, bob, ask, delivered } = await club();
    const d = discussionFor(await ask(alice), "post");
    const thread = await startThread(d, { title: "Hello", body: "Welcome @bobstone!" });
    expect(thread).toMatchObject({ title: "Hello", author: { userId: alice.id } });
    const mails = async () => t.db.select().from(outbox).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.to, bob.email)));
    expect(await mails()).toHaveLength(1);
    expect((await mails())[0]!.text).toContain(`${ORIGIN}/g/club/t/${thread.id}`);
    expect(delivered).toHaveLength(1);

    const reply = await postReply(discussionFor(await ask(bob), "post"), thread.id, "Thanks @alicemartin");
    expect(reply.threadId).toBe(thread.id);
    const toAlice = await t.db.select().from(outbox).where(and(eq(outbox.tenantId, t.tenantId), eq(outbox.to, alice.email)));
    expect(toAlice[0]!.text).toContain(`${ORIGIN}/g/club/t/${thread.id}#reply-${reply.id}`);
    expect(delivered).toHaveLength(2);

    // No one mentioned (or only oneself): nothing queued, nothing to deliver.
    await postReply(discussionFor(await ask(alice), "post"), thread.id, "Me, @alicemartin, again");
    expect(delivered).toHaveLength(2);
    const edited = await editThread(d, thread.id, { body: "Welcome, all" });
    expect(edited.body).toBe("Welcome, all");
  });

  it("refuse what the room refuses: another member's thread cannot be edited", async () => {
    const { alice, bob, ask } = await club();
    const thread = await startThread(discussionFor(await ask(alice), "post"), { title: "Mine", body: "Text" });
    const err = await refusal(async () => editThread(discussionFor(await ask(bob), "post"), thread.id, { title: "Theirs" }));
    expect(err.status).toBe(403);
  });
});
