import { describe, expect, it } from "vitest";
import { answer, isStrict, noContent } from "../test/answers";
import { call, makeTenant, setSignupPolicy, signUpMember, signUpPending } from "../test/helpers";
import { memberAnswer, memberListAnswer, memberListItemAnswer, oneMemberAnswer } from "./answers";

// The community members routes' answers parsed by their schemas (answers.ts), every route called
// for real. The list answers each account's picture (`avatarUrl`); the actions answer the account
// without it.

describe("community members: the answers match their schemas", () => {
  it("list, approve, decline, change role, suspend, unsuspend, remove, delete one's own account", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const active = await signUpMember(tenant, "mb-active@example.com", "Ana Active");
    const leaving = await signUpMember(tenant, "mb-leaving@example.com", "Leo Leaving");
    await setSignupPolicy(tenant, "approval");
    const approved = await signUpPending(tenant, "mb-approved@example.com", "Amy Approved");
    const declined = await signUpPending(tenant, "mb-declined@example.com", "Dan Declined");
    const at = (id: string, path = "") => `/api/v1/members/${id}${path}`;

    const list = await answer(memberListAnswer, await call(tenant.host, "GET", "/api/v1/members?limit=2", { cookie: admin }));
    expect(list.items).toHaveLength(2);
    expect(list.nextCursor).not.toBeNull();
    isStrict(memberListItemAnswer, list.items[0]!);
    const pending = await answer(memberListAnswer, await call(tenant.host, "GET", "/api/v1/members?status=pending_approval&q=amy", { cookie: admin }));
    expect(pending.items.map((m) => [m.id, m.status, m.avatarUrl])).toEqual([[approved, "pending_approval", null]]);

    const ok = (await answer(oneMemberAnswer, await call(tenant.host, "POST", at(approved, "/approve"), { cookie: admin }))).member;
    expect(ok).toMatchObject({ id: approved, status: "active", tenantRole: "member", groups: [] });
    isStrict(memberAnswer, ok);
    expect((await answer(oneMemberAnswer, await call(tenant.host, "POST", at(declined, "/decline"), { cookie: admin }))).member.id).toBe(declined);
    expect((await answer(oneMemberAnswer, await call(tenant.host, "PATCH", at(active.id), { cookie: admin, json: { tenantRole: "moderator" } }))).member.tenantRole).toBe("moderator");
    expect((await answer(oneMemberAnswer, await call(tenant.host, "POST", at(active.id, "/suspend"), { cookie: admin }))).member.status).toBe("suspended");
    expect((await answer(oneMemberAnswer, await call(tenant.host, "POST", at(active.id, "/unsuspend"), { cookie: admin }))).member.status).toBe("active");
    await noContent(await call(tenant.host, "DELETE", `${at(active.id)}?deletePosts=1`, { cookie: admin }));
    await noContent(await call(tenant.host, "DELETE", "/api/v1/me", { cookie: leaving.cookie, json: { password: leaving.password } }));
  });
});
