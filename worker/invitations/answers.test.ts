import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { invitations } from "../db/schema";
import { pageOf } from "../groups/answers";
import { answerOf } from "../test/answer-shape";
import { call, csvFile, env, importFile, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { inviteToken } from "../test/mail";
import {
  acceptedMineAnswer,
  declinedAnswer,
  importReportAnswer,
  invitationListAnswer,
  invitationLookupAnswer,
  inviteResultAnswer,
  myInvitationAnswer,
  resentAnswer,
  userEnvelope,
} from "./answers";

// The documented answers of the invitations API (answers.ts) parsed against what the routes really answer.
describe("invitations API answers match their documented schemas", () => {
  it("invite, list, look up, accept, decline, resend, revoke", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    await makeGroup(tenant, { slug: "board", joinPolicy: "invite" });
    await signUpMember(tenant, "known@example.org");
    const result = await answerOf(
      await call(tenant.host, "POST", "/api/v1/invitations", { cookie: owner, json: { emails: "new@example.org, other@example.org, known@example.org, nope", groups: ["board"] } }),
      200,
      inviteResultAnswer,
    );
    expect(result).toMatchObject({ invited: ["new@example.org", "other@example.org"], addedToGroups: ["known@example.org"], skipped: [{ email: "nope", reason: "invalid_email" }] });

    const list = await answerOf(await call(tenant.host, "GET", "/api/v1/invitations?status=pending", { cookie: owner }), 200, invitationListAnswer);
    expect(list.items.map((i) => i.email).sort()).toEqual(["new@example.org", "other@example.org"]);
    const other = list.items.find((i) => i.email === "other@example.org")!;

    const token = await inviteToken(tenant.host, "new@example.org");
    const lookup = await answerOf(await call(tenant.host, "GET", `/api/v1/invitations/lookup?token=${token}`), 200, invitationLookupAnswer);
    expect(lookup).toMatchObject({ email: "new@example.org", groups: [{ slug: "board" }], expired: false });
    const accepted = await answerOf(
      await call(tenant.host, "POST", "/api/v1/invitations/accept", { json: { token, name: "Nina New", password: "a long enough password" } }),
      201,
      userEnvelope,
    );
    expect(accepted.user).toMatchObject({ email: "new@example.org", status: "active", tenantRole: "member" });

    const resent = await answerOf(await call(tenant.host, "POST", `/api/v1/invitations/${other.id}/resend`, { cookie: owner }), 200, resentAnswer);
    expect(resent).toMatchObject({ id: other.id, status: "pending" });
    const otherToken = await inviteToken(tenant.host, "other@example.org");
    const declined = await answerOf(await call(tenant.host, "POST", "/api/v1/invitations/decline", { json: { token: otherToken } }), 200, declinedAnswer);
    expect(declined.invitation.id).toBe(other.id);

    const third = await answerOf(await call(tenant.host, "POST", "/api/v1/invitations", { cookie: owner, json: { emails: ["third@example.org"] } }), 200, inviteResultAnswer);
    const thirdId = (await answerOf(await call(tenant.host, "GET", "/api/v1/invitations?q=third", { cookie: owner }), 200, invitationListAnswer)).items[0]!.id;
    expect(third.invited).toEqual(["third@example.org"]);
    expect((await call(tenant.host, "DELETE", `/api/v1/invitations/${thirdId}`, { cookie: owner })).status).toBe(204);
    await answerOf(await call(tenant.host, "GET", "/api/v1/invitations", { cookie: owner }), 200, invitationListAnswer);
  });

  it("a member's own group invitations, and accepting one as oneself", async () => {
    const tenant = await makeTenant();
    const gaby = await signUpMember(tenant, "gaby@example.org", "Gaby");
    await makeGroup(tenant, { slug: "club", joinPolicy: "invite" }, gaby.cookie);
    await makeGroup(tenant, { slug: "band", joinPolicy: "invite" }, gaby.cookie);
    const known = await signUpMember(tenant, "known@example.org", "Kim");
    // A group admin's invitation to an existing account: one to accept from /me/invitations.
    await answerOf(await call(tenant.host, "POST", "/api/v1/invitations", { cookie: gaby.cookie, json: { emails: [known.email], groups: ["club"] } }), 200, inviteResultAnswer);
    await answerOf(await call(tenant.host, "POST", "/api/v1/invitations", { cookie: gaby.cookie, json: { emails: [known.email], groups: ["band"], message: "Come play" } }), 200, inviteResultAnswer);
    const mine = await answerOf(await call(tenant.host, "GET", "/api/v1/me/invitations", { cookie: known.cookie }), 200, pageOf(myInvitationAnswer));
    expect(mine.items).toHaveLength(2);
    const club = mine.items.find((i) => i.groups[0]!.slug === "club")!;
    const band = mine.items.find((i) => i.groups[0]!.slug === "band")!;
    expect(band).toMatchObject({ invitedBy: { name: "Gaby" }, message: "Come play" });
    const accepted = await answerOf(await call(tenant.host, "POST", `/api/v1/me/invitations/${club.id}/accept`, { cookie: known.cookie }), 200, acceptedMineAnswer);
    expect(accepted).toMatchObject({ joined: ["club"], skipped: [] });
    await answerOf(await call(tenant.host, "POST", `/api/v1/me/invitations/${band.id}/decline`, { cookie: known.cookie }), 200, declinedAnswer);

    // A link opened by the signed-in person it was sent to (the address an account's since the invitation).
    await answerOf(await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: ["later@example.org"], groups: ["club"] } }), 200, inviteResultAnswer);
    const token = await inviteToken(tenant.host, "later@example.org");
    const later = await signUpMember(tenant, "lou@example.org", "Lou");
    await directoryDb(env).update(invitations).set({ email: later.email }).where(and(eq(invitations.tenantId, tenant.id), eq(invitations.email, "later@example.org")));
    await answerOf(await call(tenant.host, "POST", "/api/v1/invitations/accept-as-me", { cookie: later.cookie, json: { token } }), 200, userEnvelope);
  });

  it("the templates answer the media types their doc() names, signed out", async () => {
    const tenant = await makeTenant();
    const csv = await call(tenant.host, "GET", "/api/v1/invitations/template.csv");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv\b/);
    expect((await csv.text()).trim()).toBe("email,first_name,last_name,language,groups,admin");
    const xlsx = await call(tenant.host, "GET", "/api/v1/invitations/template.xlsx");
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });

  it("the import and its dry run", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "club" });
    await signUpMember(tenant, "known@example.org");
    const file = () => csvFile("email,first_name,last_name,language,groups,admin\nann@example.org,Ann,Lee,nl-BE,club,FALSE\nknown@example.org,,,,club,\n");
    const dry = await answerOf(await importFile(tenant, file(), { query: "?dryRun=1" }), 200, importReportAnswer);
    expect(dry.dryRun).toBe(true);
    const done = await answerOf(await importFile(tenant, file()), 200, importReportAnswer);
    expect(done).toMatchObject({ invited: ["ann@example.org"], addedToGroups: ["known@example.org"] });
    expect(done.rows[0]).toMatchObject({ firstName: "Ann", language: "nl-BE", groups: ["club"], action: "invite" });
    expect(done.dryRun).toBeUndefined();
    const again = await answerOf(await importFile(tenant, file()), 200, importReportAnswer);
    expect(again.rows[0]).toMatchObject({ action: "skip", reason: "already_invited" });
  });
});
