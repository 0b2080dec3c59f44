import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { listAnswer } from "../bookings/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { setFeatures } from "../test/helpdesk";
import { png } from "../test/images";
import { attachmentEnvelope, commentEnvelope, guideAnswer, guideEnvelope, guideSummaryAnswer, issueAnswer, issueEnvelope, issueSummaryAnswer } from "./answers";

// The help desk routes' answer schemas (answers.ts, the OpenAPI document's) against what the
// routes really answer: every main route called for real, its body parsed by its schema (strict:
// a field the answer has and the schema lacks fails, and so does a field the schema names and the
// answer lacks); an attachment served as an image.

async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

describe("help desk: the answers match their schemas", () => {
  it("guides: write (admin and member), list, search, read, change, delete", async () => {
    const tenant = await makeTenant();
    await setFeatures(tenant, { memberGuides: true });
    const member = await signUpMember(tenant, "help-guides@example.com", "Gus");
    const byAdmin = await answer(guideEnvelope, await call(tenant.host, "POST", "/api/v1/guides", { cookie: tenant.owner.cookie, json: { title: "Wi-Fi", body: "The **password** is on the wall." } }), 201);
    expect(byAdmin.guide.can).toEqual({ edit: true, delete: true });
    const byMember = await answer(guideEnvelope, await call(tenant.host, "POST", "/api/v1/guides", { cookie: member.cookie, json: { title: "Coffee", body: "Second floor." } }), 201);
    const list = await answer(listAnswer(guideSummaryAnswer), await call(tenant.host, "GET", "/api/v1/guides?limit=1", { cookie: member.cookie }));
    expect(list.items).toHaveLength(1);
    expect(list.nextCursor).toEqual(expect.any(String));
    const found = await answer(listAnswer(guideSummaryAnswer), await call(tenant.host, "GET", "/api/v1/guides?q=PASSWORD", { cookie: member.cookie }));
    expect(found.items.map((g) => g.id)).toEqual([byAdmin.guide.id]);
    const read = await answer(guideEnvelope, await call(tenant.host, "GET", `/api/v1/guides/${byAdmin.guide.id}`, { cookie: member.cookie }));
    expect(read.guide.can).toEqual({ edit: false, delete: false });
    await answer(guideEnvelope, await call(tenant.host, "PATCH", `/api/v1/guides/${byMember.guide.id}`, { cookie: member.cookie, json: { title: "Coffee and tea" } }));
    const gone = await call(tenant.host, "DELETE", `/api/v1/guides/${byMember.guide.id}`, { cookie: member.cookie });
    expect([gone.status, await gone.text()]).toEqual([204, ""]);
  });

  it("issues: open, list, read, change, comment, attach, close, reopen, delete", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "help-issues@example.com", "Iris");
    const admin = tenant.owner.cookie;
    const opened = await answer(issueEnvelope, await call(tenant.host, "POST", "/api/v1/issues", { cookie: member.cookie, json: { title: "Le Wi-Fi ne marche pas", body: "Depuis ce matin." } }), 201);
    expect(opened.issue).toMatchObject({ status: "open", private: false, mine: true, comments: [], attachments: [], closedAt: null });
    const id = opened.issue.id;
    const comment = await answer(commentEnvelope, await call(tenant.host, "POST", `/api/v1/issues/${id}/comments`, { cookie: admin, json: { body: "On it." } }), 201);
    expect(comment.comment.byAdmin).toBe(true);
    const attached = await answer(attachmentEnvelope, await call(tenant.host, "POST", `/api/v1/issues/${id}/attachments`, { cookie: member.cookie, body: png(), headers: { "content-type": "image/png" } }), 201);
    const image = await call(tenant.host, "GET", attached.attachment.url, { cookie: admin });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");

    const listed = await answer(listAnswer(issueSummaryAnswer), await call(tenant.host, "GET", "/api/v1/issues", { cookie: admin }));
    expect(listed.items[0]).toMatchObject({ id, commentCount: 1, mine: false });
    await answer(listAnswer(issueSummaryAnswer), await call(tenant.host, "GET", "/api/v1/issues?status=open&limit=5", { cookie: member.cookie }));
    const read = await answer(issueEnvelope, await call(tenant.host, "GET", `/api/v1/issues/${id}`, { cookie: member.cookie }));
    expect(read.issue.comments).toHaveLength(1);
    expect(read.issue.attachments).toHaveLength(1);
    await answer(issueEnvelope, await call(tenant.host, "PATCH", `/api/v1/issues/${id}`, { cookie: member.cookie, json: { private: true } }));
    const closed = await answer(issueEnvelope, await call(tenant.host, "POST", `/api/v1/issues/${id}/close`, { cookie: admin }));
    expect(closed.issue.closedAt).toEqual(expect.any(String));
    await answer(issueEnvelope, await call(tenant.host, "POST", `/api/v1/issues/${id}/reopen`, { cookie: member.cookie }));
    const gone = await call(tenant.host, "DELETE", `/api/v1/issues/${id}`, { cookie: member.cookie });
    expect([gone.status, await gone.text()]).toEqual([204, ""]);
  });

  it("the schemas refuse an answer with a field more or a field less", async () => {
    const tenant = await makeTenant();
    const { issue } = await answer(issueEnvelope, await call(tenant.host, "POST", "/api/v1/issues", { cookie: tenant.owner.cookie, json: { title: "Door", body: "Stuck." } }), 201);
    expect(issueAnswer.safeParse({ ...issue, invented: 1 }).success).toBe(false);
    const { can: _, ...without } = issue;
    expect(issueAnswer.safeParse(without).success).toBe(false);
    expect(issueAnswer.safeParse({ ...issue, can: { ...issue.can, admin: true } }).success).toBe(false);
    const { guide } = await answer(guideEnvelope, await call(tenant.host, "POST", "/api/v1/guides", { cookie: tenant.owner.cookie, json: { title: "Door", body: "Push harder." } }), 201);
    expect(guideAnswer.safeParse({ ...guide, excerpt: "" }).success).toBe(false);
    expect(guideSummaryAnswer.safeParse(guide).success).toBe(false);
  });
});
