import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answerOf, expectAnswer } from "../test/answer-shape";
import { call, makeTenant, setTenantRole, signUpMember } from "../test/helpers";
import { png } from "../test/images";
import {
  banAnswer,
  changedMemberAnswer,
  groupAnswer,
  groupEnvelope,
  groupMemberAnswer,
  imageAnswer,
  joinedAnswer,
  joinPendingAnswer,
  joinRequestAnswer,
  pageOf,
} from "./answers";

// The documented answers of the groups API (answers.ts) parsed against what the routes really answer.
describe("groups API answers match their documented schemas", () => {
  it("groups: create, list, read, change, delete, restore, upload", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    const created = await answerOf(
      await call(tenant.host, "POST", "/api/v1/groups", {
        cookie: owner,
        json: { name: "Jardin partagé", questions: [{ label: "Pourquoi ?", required: true }], links: [{ title: "Site", url: "https://example.org" }] },
      }),
      201,
      groupEnvelope,
    );
    expect(created.group).toMatchObject({ role: "owner", membership: "member", deletedAt: null });
    const slug = created.group.slug;
    await answerOf(await call(tenant.host, "GET", `/api/v1/groups/${slug}`), 200, groupAnswer);
    const member = await signUpMember(tenant, "reader@example.org");
    await answerOf(await call(tenant.host, "GET", `/api/v1/groups/${slug}`, { cookie: member.cookie }), 200, groupAnswer);
    await answerOf(
      await call(tenant.host, "PATCH", `/api/v1/groups/${slug}`, { cookie: owner, json: { description: "Potager", branding: { primaryColor: "#AA3300" } } }),
      200,
      groupEnvelope,
    );
    const image = await answerOf(await call(tenant.host, "PUT", `/api/v1/groups/${slug}/assets/logo`, { cookie: owner, headers: { "content-type": "image/png" }, body: png(4, 3) }), 200, imageAnswer);
    expect(image).toMatchObject({ type: "image/png", width: 4, height: 3 });
    const withLogo = await answerOf(await call(tenant.host, "GET", `/api/v1/groups/${slug}`), 200, groupAnswer);
    expect(withLogo.branding.logoUrl).toBe(image.url);
    await answerOf(await call(tenant.host, "PUT", "/api/v1/tenant/assets/logo", { cookie: owner, headers: { "content-type": "image/png" }, body: png() }), 200, imageAnswer);

    expect((await call(tenant.host, "DELETE", `/api/v1/groups/${slug}`, { cookie: owner })).status).toBe(204);
    // Deleted groups are listed to tenant admins, with `deletedAt`.
    const list = await answerOf(await call(tenant.host, "GET", "/api/v1/groups", { cookie: owner }), 200, pageOf(groupAnswer));
    expect(list.items.find((g) => g.slug === slug)?.deletedAt).toEqual(expect.any(String));
    await answerOf(await call(tenant.host, "GET", "/api/v1/groups"), 200, pageOf(groupAnswer));
    const restored = await answerOf(await call(tenant.host, "POST", `/api/v1/groups/${slug}/restore`, { cookie: owner }), 200, groupEnvelope);
    expect(restored.group.deletedAt).toBeNull();
  });

  it("joining, requests, members, roles and bans", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    const { group } = await answerOf(
      await call(tenant.host, "POST", "/api/v1/groups", { cookie: owner, json: { name: "Club", slug: "club", questions: [{ id: "why", label: "Why?", required: true }] } }),
      201,
      groupEnvelope,
    );
    const open = await answerOf(await call(tenant.host, "POST", "/api/v1/groups", { cookie: owner, json: { name: "Open", slug: "open", joinPolicy: "open" } }), 201, groupEnvelope);

    const ann = await signUpMember(tenant, "ann@example.org", "Ann");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob");
    const pending = await answerOf(await call(tenant.host, "POST", "/api/v1/groups/club/join", { cookie: ann.cookie, json: { answers: { why: "Gardening" } } }), 202, joinPendingAnswer);
    expect(await answerOf(await call(tenant.host, "GET", "/api/v1/groups/club", { cookie: ann.cookie }), 200, groupAnswer)).toMatchObject({ membership: "pending" });
    await answerOf(await call(tenant.host, "POST", "/api/v1/groups/club/join", { cookie: bob.cookie, json: { answers: { why: "Chess" } } }), 202, joinPendingAnswer);

    const requests = await answerOf(await call(tenant.host, "GET", "/api/v1/groups/club/requests", { cookie: owner }), 200, pageOf(joinRequestAnswer));
    expect(requests.items.map((r) => r.id)).toContain(pending.requestId);
    const approved = await answerOf(
      await call(tenant.host, "POST", `/api/v1/groups/club/requests/${pending.requestId}/approve`, { cookie: owner }),
      200,
      z.object({ request: joinRequestAnswer, status: z.literal("member") }),
    );
    expect(approved.request.status).toBe("approved");
    const bobRequest = requests.items.find((r) => r.userId === bob.id)!;
    const rejected = await answerOf(await call(tenant.host, "POST", `/api/v1/groups/club/requests/${bobRequest.id}/reject`, { cookie: owner }), 200, z.object({ request: joinRequestAnswer }));
    expect(rejected.request.status).toBe("rejected");
    await answerOf(await call(tenant.host, "POST", "/api/v1/groups/club/requests/approve-all", { cookie: owner }), 200, z.object({ approved: z.number().int() }));

    await answerOf(await call(tenant.host, "POST", `/api/v1/groups/${open.group.slug}/join`, { cookie: bob.cookie, json: {} }), 200, joinedAnswer);

    // Admins see emails; members do not.
    const asOwner = await answerOf(await call(tenant.host, "GET", "/api/v1/groups/club/members", { cookie: owner }), 200, pageOf(groupMemberAnswer));
    expect(asOwner.items.every((m) => typeof m.email === "string")).toBe(true);
    const asMember = await answerOf(await call(tenant.host, "GET", "/api/v1/groups/club/members", { cookie: ann.cookie }), 200, pageOf(groupMemberAnswer));
    expect(asMember.items.every((m) => m.email === undefined)).toBe(true);

    const changed = await answerOf(await call(tenant.host, "PATCH", `/api/v1/groups/club/members/${ann.id}`, { cookie: owner, json: { role: "moderator" } }), 200, z.object({ member: changedMemberAnswer }));
    expect(changed.member.role).toBe("moderator");

    expect((await call(tenant.host, "POST", `/api/v1/groups/club/members/${bob.id}/ban`, { cookie: owner })).status).toBe(204);
    const bans = await answerOf(await call(tenant.host, "GET", "/api/v1/groups/club/bans", { cookie: owner }), 200, pageOf(banAnswer));
    expect(bans.items.map((b) => b.userId)).toEqual([bob.id]);
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/club/bans/${bob.id}`, { cookie: owner })).status).toBe(204);
    expect((await call(tenant.host, "DELETE", `/api/v1/groups/club/members/${ann.id}`, { cookie: owner })).status).toBe(204);
    expect((await call(tenant.host, "POST", `/api/v1/groups/${open.group.slug}/leave`, { cookie: bob.cookie })).status).toBe(204);
    expect(group.slug).toBe("club");
  });

  it("the check refuses a schema that omits a field the answer has, or invents one it lacks", async () => {
    const tenant = await makeTenant();
    const created = await answerOf(await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Checked" } }), 201, groupEnvelope);
    expect(() => expectAnswer(groupAnswer.omit({ joinUrl: true }), created.group)).toThrow(/does not document/);
    expect(() => expectAnswer(groupAnswer.extend({ color: z.string() }), created.group)).toThrow(/does not match/);
    expect(() => expectAnswer(groupAnswer.extend({ branding: groupAnswer.shape.branding.omit({ coverUrl: true }) }), created.group)).toThrow(/does not document/);
    expect(expectAnswer(groupAnswer, created.group)).toEqual(created.group);
  });

  it("the members list shows a community admin's view with emails", async () => {
    const tenant = await makeTenant();
    await call(tenant.host, "POST", "/api/v1/groups", { cookie: tenant.owner.cookie, json: { name: "Open", slug: "open", joinPolicy: "open" } });
    const admin = await signUpMember(tenant, "admin@example.org", "Ada");
    await setTenantRole(tenant, admin.id, "admin");
    const list = await answerOf(await call(tenant.host, "GET", "/api/v1/groups/open/members", { cookie: admin.cookie }), 200, pageOf(groupMemberAnswer));
    expect(list.items[0]).toMatchObject({ role: "owner", plan: null, email: tenant.owner.email });
  });
});
