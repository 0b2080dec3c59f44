import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { tenantDb } from "../db/client";
import { users } from "../db/schema";
import { XSS_CORPUS } from "../discussions/xss-corpus";
import { call, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { assertSafeHtml, comment, ok, openIssue, refused, setFeatures, type Issue } from "../test/helpdesk";
import { gif, jpeg, png, svg } from "../test/images";
import { outboxTo } from "../test/mail";
import { unreadIssueCount, unreadIssuesQuery } from "./issues";
import type { IssueSummary, IssueView } from "./types";

// The contract's issue rows (API.md "Help desk") through HTTP.

const get = async (tenant: TestTenant, cookie: string, id: string) => (await ok<{ issue: IssueView }>(await call(tenant.host, "GET", `/api/v1/issues/${id}`, { cookie }))).issue;
const listOf = async (tenant: TestTenant, cookie: string, query = "") => ok<{ items: IssueSummary[]; nextCursor: string | null }>(await call(tenant.host, "GET", `/api/v1/issues${query}`, { cookie }));
const upload = (tenant: TestTenant, cookie: string, id: string, bytes: Uint8Array<ArrayBuffer>, type = "image/png") =>
  call(tenant.host, "POST", `/api/v1/issues/${id}/attachments`, { cookie, body: bytes, headers: { "content-type": type } });

async function desk() {
  const tenant = await makeTenant();
  const admin = await signUpMember(tenant, `admin-${tenant.subdomain}@example.com`, "Ada Admin");
  await setTenantRole(tenant, admin.id, "admin");
  const ana = await signUpMember(tenant, `ana-${tenant.subdomain}@example.com`, "Ana");
  const bob = await signUpMember(tenant, `bob-${tenant.subdomain}@example.com`, "Bob");
  return { tenant, admin, ana, bob };
}

describe("issues: opening and reading", () => {
  it("a member opens an issue (201, the GET's shape); public by default, private when asked; every admin but the author is emailed", async () => {
    const { tenant, admin, ana } = await desk();
    const issue = await openIssue(tenant, ana.cookie, { title: " Wi-Fi ", body: "**Down**\r\nsince 9:00" });
    expect(issue).toEqual({
      id: expect.any(String),
      title: "Wi-Fi",
      body: "**Down**\nsince 9:00",
      bodyHtml: "<p><strong>Down</strong><br>\nsince 9:00</p>\n",
      private: false,
      status: "open",
      author: { id: ana.id, name: "Ana" },
      commentCount: 0,
      mine: true,
      unread: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastActivityAt: expect.any(String),
      closedAt: null,
      attachments: [],
      comments: [],
      can: { edit: true, delete: true, close: true, reopen: false, attach: true, comment: true },
    });
    expect(await get(tenant, ana.cookie, issue.id)).toEqual(issue);
    expect((await openIssue(tenant, ana.cookie, { private: true })).private).toBe(true);
    const toAdmins = (await outboxTo(tenant.id, tenant.owner.email, admin.email, ana.email)).filter((m) => m.id.startsWith("hi-"));
    expect(toAdmins.filter((m) => m.to === tenant.owner.email)).toHaveLength(2);
    expect(toAdmins.filter((m) => m.to === admin.email)).toHaveLength(2);
    expect(toAdmins.filter((m) => m.to === ana.email)).toHaveLength(0);
    const mail = toAdmins.find((m) => m.to === admin.email)!;
    expect(mail.subject).toContain("Wi-Fi");
    expect(mail.text).toContain(`/help/issues/${issue.id}`);
    // An admin's own issue: the other admins only.
    await openIssue(tenant, admin.cookie);
    const issueMails = async (to: string) => (await outboxTo(tenant.id, to)).filter((m) => m.id.startsWith("hi-")).length;
    expect(await issueMails(admin.email)).toBe(2);
    expect(await issueMails(tenant.owner.email)).toBe(3);
  });

  it("private defaults to features.helpdeskIssuesPrivate; an explicit private: false still wins", async () => {
    const { tenant, ana } = await desk();
    await setFeatures(tenant, { helpdeskIssuesPrivate: true });
    expect((await openIssue(tenant, ana.cookie)).private).toBe(true);
    expect((await openIssue(tenant, ana.cookie, { private: false })).private).toBe(false);
    await setFeatures(tenant, { helpdeskIssuesPrivate: false });
    expect((await openIssue(tenant, ana.cookie)).private).toBe(false);
  });

  it("a private issue is 404 to other members on every route, and left out of their lists; its author and admins see it", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const secret = await openIssue(tenant, ana.cookie, { private: true, title: "Facture erronée" });
    const open = await openIssue(tenant, ana.cookie, { title: "Public" });
    await ok(await upload(tenant, ana.cookie, secret.id, png()), 201);
    const withImage = await get(tenant, ana.cookie, secret.id);
    const routes: [string, string, Record<string, unknown>][] = [
      ["GET", `/api/v1/issues/${secret.id}`, {}],
      ["PATCH", `/api/v1/issues/${secret.id}`, { json: { title: "x" } }],
      ["DELETE", `/api/v1/issues/${secret.id}`, {}],
      ["POST", `/api/v1/issues/${secret.id}/close`, {}],
      ["POST", `/api/v1/issues/${secret.id}/reopen`, {}],
      ["POST", `/api/v1/issues/${secret.id}/comments`, { json: { body: "hi" } }],
      ["POST", `/api/v1/issues/${secret.id}/attachments`, { body: png(), headers: { "content-type": "image/png" } }],
      ["GET", withImage.attachments[0]!.url, {}],
    ];
    for (const who of [bob]) {
      for (const [method, path, opts] of routes) {
        expect(await refused(await call(tenant.host, method, path, { cookie: who.cookie, ...opts })), `${method} ${path}`).toMatchObject({ status: 404, code: "not_found" });
      }
    }
    // A moderator acts as a member.
    await setTenantRole(tenant, bob.id, "moderator");
    expect((await call(tenant.host, "GET", `/api/v1/issues/${secret.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await listOf(tenant, bob.cookie)).items.map((i) => i.id)).toEqual([open.id]);
    expect((await listOf(tenant, ana.cookie)).items.map((i) => i.id)).toEqual([secret.id, open.id]);
    expect((await listOf(tenant, admin.cookie)).items.map((i) => i.id)).toEqual([secret.id, open.id]);
    expect((await get(tenant, admin.cookie, secret.id)).title).toBe("Facture erronée");
    expect((await call(tenant.host, "GET", withImage.attachments[0]!.url, { cookie: admin.cookie })).status).toBe(200);
    // Another community: 404 even to its owner.
    const other = await makeTenant();
    expect((await call(other.host, "GET", `/api/v1/issues/${open.id}`, { cookie: other.owner.cookie })).status).toBe(404);
    expect((await listOf(other, other.owner.cookie)).items).toEqual([]);
  });

  it("lists: newest activity first, ?status=open|closed, cursor pages; 422 on another status, 400 on a cursor the product did not make", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const a = await openIssue(tenant, ana.cookie, { title: "A" });
    const b = await openIssue(tenant, bob.cookie, { title: "B" });
    const c = await openIssue(tenant, ana.cookie, { title: "C" });
    await new Promise((r) => setTimeout(r, 5));
    await ok(await comment(tenant, bob.cookie, a.id, "Moi aussi"), 201);
    await new Promise((r) => setTimeout(r, 5));
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${b.id}/close`, { cookie: admin.cookie }));
    const titles = async (cookie: string, q = "") => (await listOf(tenant, cookie, q)).items.map((i) => i.title);
    expect(await titles(ana.cookie)).toEqual(["B", "A", "C"]);
    expect(await titles(ana.cookie, "?status=open")).toEqual(["A", "C"]);
    expect(await titles(ana.cookie, "?status=closed")).toEqual(["B"]);
    const first = await listOf(tenant, admin.cookie, "?limit=2");
    expect(first.items.map((i) => i.title)).toEqual(["B", "A"]);
    const second = await listOf(tenant, admin.cookie, `?limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ title: "C", id: c.id }], nextCursor: null });
    const item = first.items.find((i) => i.id === a.id)!;
    expect(item).toEqual({ id: a.id, title: "A", private: false, status: "open", author: { id: ana.id, name: "Ana" }, commentCount: 1, mine: false, unread: true, createdAt: expect.any(String), lastActivityAt: expect.any(String), closedAt: null });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/issues?status=zzz", { cookie: ana.cookie }))).toMatchObject({ status: 422, fields: { status: expect.any(String) } });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/issues?cursor=c1.AAAA", { cookie: ana.cookie }))).toMatchObject({ status: 400, code: "invalid_cursor" });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/issues?limit=x", { cookie: ana.cookie }))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "GET", "/api/v1/issues"))).toMatchObject({ status: 401 });
  });
});

describe("issues: changing them", () => {
  it("PATCH and DELETE: the author or an admin (200/204); another member 403 on a public issue", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const issue = await openIssue(tenant, ana.cookie);
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: bob.cookie, json: { title: "x" } }))).toMatchObject({ status: 403, code: "forbidden" });
    expect(await refused(await call(tenant.host, "DELETE", `/api/v1/issues/${issue.id}`, { cookie: bob.cookie }))).toMatchObject({ status: 403, code: "forbidden" });
    expect((await get(tenant, bob.cookie, issue.id)).can).toEqual({ edit: false, delete: false, close: false, reopen: false, attach: false, comment: true });
    const edited = (await ok<{ issue: Issue }>(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie, json: { title: "Wi-Fi HS", private: true } }))).issue;
    expect(edited).toMatchObject({ title: "Wi-Fi HS", private: true, body: issue.body });
    expect((await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: bob.cookie })).status).toBe(404);
    expect((await ok<{ issue: Issue }>(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: admin.cookie, json: { body: "Réparé ?" } }))).issue.body).toBe("Réparé ?");
    expect(await refused(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie, json: { title: "", private: "yes", x: 1 } }))).toMatchObject({ status: 422, fields: { title: expect.any(String), private: expect.any(String), x: expect.any(String) } });
    await ok(await comment(tenant, admin.cookie, issue.id, "On regarde"), 201);
    await ok(await upload(tenant, ana.cookie, issue.id, png()), 201);
    expect((await call(tenant.host, "DELETE", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie })).status).toBe(204);
    expect((await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: admin.cookie })).status).toBe(404);
    const other = await openIssue(tenant, bob.cookie);
    expect((await call(tenant.host, "DELETE", `/api/v1/issues/${other.id}`, { cookie: admin.cookie })).status).toBe(204);
    expect((await listOf(tenant, admin.cookie)).items).toEqual([]);
  });

  it("close and reopen: the author or an admin (200); a closed issue refuses comments (409 issue_closed) and attachments", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const issue = await openIssue(tenant, ana.cookie);
    expect(await refused(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/close`, { cookie: bob.cookie }))).toMatchObject({ status: 403, code: "forbidden" });
    const closed = (await ok<{ issue: IssueView }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/close`, { cookie: ana.cookie }))).issue;
    expect(closed).toMatchObject({ status: "closed", closedAt: expect.any(String), can: { close: false, reopen: true, comment: false, attach: false } });
    // Closing again changes nothing.
    expect((await ok<{ issue: IssueView }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/close`, { cookie: admin.cookie }))).issue.closedAt).toBe(closed.closedAt);
    for (const cookie of [ana.cookie, admin.cookie, bob.cookie]) expect(await refused(await comment(tenant, cookie, issue.id, "Encore ?"))).toMatchObject({ status: 409, code: "issue_closed" });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, png()))).toMatchObject({ status: 409, code: "issue_closed" });
    expect(await refused(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/reopen`, { cookie: bob.cookie }))).toMatchObject({ status: 403 });
    const reopened = (await ok<{ issue: IssueView }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/reopen`, { cookie: admin.cookie }))).issue;
    expect(reopened).toMatchObject({ status: "open", closedAt: null });
    expect((await ok<{ comment: { body: string } }>(await comment(tenant, bob.cookie, issue.id, "Merci"), 201)).comment.body).toBe("Merci");
    expect((await ok<{ issue: IssueView }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/close`, { cookie: admin.cookie }))).issue.status).toBe("closed");
  });

  it("comments: the author, admins and any member on a public issue (201, oldest first in the issue); only the author and admins on a private one", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const pub = await openIssue(tenant, ana.cookie);
    const c1 = (await ok<{ comment: { id: string } }>(await comment(tenant, bob.cookie, pub.id, "Chez moi aussi"), 201)).comment;
    expect(c1).toEqual({ id: expect.any(String), body: "Chez moi aussi", bodyHtml: "<p>Chez moi aussi</p>\n", author: { id: bob.id, name: "Bob" }, byAdmin: false, createdAt: expect.any(String) });
    await ok(await comment(tenant, admin.cookie, pub.id, "Redémarré"), 201);
    await ok(await comment(tenant, ana.cookie, pub.id, "Merci"), 201);
    const read = await get(tenant, bob.cookie, pub.id);
    expect(read.comments.map((c) => [c.author?.name, c.body, c.byAdmin])).toEqual([["Bob", "Chez moi aussi", false], ["Ada Admin", "Redémarré", true], ["Ana", "Merci", false]]);
    expect(read.commentCount).toBe(3);
    const priv = await openIssue(tenant, ana.cookie, { private: true });
    await ok(await comment(tenant, admin.cookie, priv.id, "Je regarde"), 201);
    await ok(await comment(tenant, ana.cookie, priv.id, "Merci"), 201);
    expect((await comment(tenant, bob.cookie, priv.id, "?")).status).toBe(404);
    expect(await refused(await comment(tenant, ana.cookie, pub.id, ""))).toMatchObject({ status: 422, fields: { body: expect.any(String) } });
    expect(await refused(await comment(tenant, ana.cookie, pub.id, "x".repeat(20_001)))).toMatchObject({ status: 422, fields: { body: expect.any(String) } });
    expect((await comment(tenant, ana.cookie, "nope", "x")).status).toBe(404);
    expect(await refused(await comment(tenant, ana.cookie, pub.id, "x", { "idempotency-key": "a b" }))).toMatchObject({ status: 400 });
  });

  it("attachments: an image under the branding's rules (201), in the issue's view, served with its type, nosniff and private caching; 413/415/422 otherwise", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const issue = await openIssue(tenant, ana.cookie);
    const att = (await ok<{ attachment: { id: string; url: string; contentType: string; width: number; height: number; size: number } }>(await upload(tenant, ana.cookie, issue.id, png(3, 2)), 201)).attachment;
    expect(att).toEqual({ id: expect.any(String), url: `/api/v1/issues/${issue.id}/attachments/${att.id}`, contentType: "image/png", size: png(3, 2).byteLength, width: 3, height: 2, createdAt: expect.any(String) });
    // The type comes from the bytes, never from the header; a multipart form's `file` works too.
    expect((await ok<{ attachment: { contentType: string } }>(await upload(tenant, admin.cookie, issue.id, jpeg(), "image/png"), 201)).attachment.contentType).toBe("image/jpeg");
    const form = new FormData();
    form.set("file", new File([gif()], "x.gif", { type: "application/octet-stream" }));
    expect((await ok<{ attachment: { contentType: string } }>(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/attachments`, { cookie: ana.cookie, body: form }), 201)).attachment.contentType).toBe("image/gif");
    const view = await get(tenant, bob.cookie, issue.id);
    expect(view.attachments.map((a) => a.contentType)).toEqual(["image/png", "image/jpeg", "image/gif"]);
    const served = await call(tenant.host, "GET", att.url, { cookie: bob.cookie });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    expect(served.headers.get("cache-control")).toBe("private, max-age=3600");
    expect(served.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect(served.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png(3, 2));
    const etag = served.headers.get("etag")!;
    expect((await call(tenant.host, "GET", att.url, { cookie: bob.cookie, headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await call(tenant.host, "GET", att.url)).status).toBe(401);
    expect((await call(tenant.host, "GET", `/api/v1/issues/${issue.id}/attachments/nope`, { cookie: bob.cookie })).status).toBe(404);
    // Another member may not attach to someone else's issue.
    expect(await refused(await upload(tenant, bob.cookie, issue.id, png()))).toMatchObject({ status: 403, code: "forbidden" });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, svg()))).toMatchObject({ status: 415 });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, new Uint8Array(0)))).toMatchObject({ status: 415 });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, new TextEncoder().encode("hello, not an image at all")))).toMatchObject({ status: 415 });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, png(2, 2, 5 * 1024 * 1024 + 1)))).toMatchObject({ status: 413 });
    expect(await refused(await upload(tenant, ana.cookie, issue.id, png(9000, 10)))).toMatchObject({ status: 422, code: "image_too_large" });
    const emptyForm = new FormData();
    emptyForm.set("note", "no file");
    expect(await refused(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/attachments`, { cookie: ana.cookie, body: emptyForm }))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "POST", `/api/v1/issues/${issue.id}/attachments`, { cookie: ana.cookie, body: "--x\r\nbroken", headers: { "content-type": "multipart/form-data; boundary=zzz" } }))).toMatchObject({ status: 400 });
    for (let i = 3; i < 10; i++) await ok(await upload(tenant, ana.cookie, issue.id, png(i + 1, 1)), 201);
    expect(await refused(await upload(tenant, ana.cookie, issue.id, png(40, 1)))).toMatchObject({ status: 409, code: "attachment_limit" });
  });

  it("bad input is a 4xx: 422 with fields, 400 malformed JSON, 415, junk ids 404", async () => {
    const { tenant, ana } = await desk();
    const post = (json: unknown) => call(tenant.host, "POST", "/api/v1/issues", { cookie: ana.cookie, json });
    expect(await refused(await post({}))).toMatchObject({ status: 422, fields: { title: expect.any(String), body: expect.any(String) } });
    expect(await refused(await post({ title: "x".repeat(201), body: "x".repeat(20_001), private: "no" }))).toMatchObject({ status: 422, fields: { title: expect.any(String), body: expect.any(String), private: expect.any(String) } });
    expect(await refused(await post([1, 2]))).toMatchObject({ status: 422 });
    expect(await refused(await call(tenant.host, "POST", "/api/v1/issues", { cookie: ana.cookie, body: "{", headers: { "content-type": "application/json" } }))).toMatchObject({ status: 400, code: "malformed_json" });
    expect((await call(tenant.host, "POST", "/api/v1/issues", { cookie: ana.cookie, body: "title=x", headers: { "content-type": "application/x-www-form-urlencoded" } })).status).toBe(415);
    for (const id of ["nope", "x".repeat(3000), "%E0%A4%A", "%00", "-1"]) {
      for (const [method, path] of [["GET", ""], ["PATCH", ""], ["DELETE", ""], ["POST", "/close"], ["POST", "/reopen"]] as const) {
        const res = await call(tenant.host, method, `/api/v1/issues/${id}${path}`, { cookie: ana.cookie, ...(method === "PATCH" ? { json: { title: "x" } } : {}) });
        expect(res.status, `${method} ${id}${path}`).toBe(404);
      }
    }
  });

  it("the XSS corpus through issues and comments: bodies rendered inert in the issue's view", async () => {
    const { tenant, admin, ana } = await desk();
    const quarter = Math.ceil(XSS_CORPUS.length / 4);
    for (let i = 0; i < XSS_CORPUS.length; i += quarter) {
      const body = XSS_CORPUS.slice(i, i + quarter).join("\n\n");
      const issue = await openIssue(tenant, ana.cookie, { title: XSS_CORPUS[i]!.slice(0, 200), body });
      assertSafeHtml(issue.bodyHtml as string);
      const c = (await ok<{ comment: { bodyHtml: string } }>(await comment(tenant, admin.cookie, issue.id, body), 201)).comment;
      assertSafeHtml(c.bodyHtml);
      const read = await get(tenant, ana.cookie, issue.id);
      assertSafeHtml(read.bodyHtml);
      for (const cm of read.comments) assertSafeHtml(cm.bodyHtml);
    }
  });
});

describe("issues: the admins' unread count", () => {
  it("counts issues with activity an admin has not seen; viewing marks read; one's own activity counts as seen; per admin", async () => {
    const { tenant, admin, ana, bob } = await desk();
    const t = tenantDb(env, { id: tenant.id });
    const [owner] = await t.db.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenant.id), eq(users.tenantRole, "owner")));
    if (!owner) throw new Error("no owner");
    expect(await unreadIssueCount(t, admin.id)).toBe(0);
    const a = await openIssue(tenant, ana.cookie);
    const b = await openIssue(tenant, bob.cookie, { private: true });
    expect(await unreadIssueCount(t, admin.id)).toBe(2);
    await get(tenant, admin.cookie, a.id);
    expect(await unreadIssueCount(t, admin.id)).toBe(1);
    expect(await unreadIssueCount(t, owner.id)).toBe(2);
    await ok(await comment(tenant, admin.cookie, b.id, "Je m’en occupe"), 201);
    expect(await unreadIssueCount(t, admin.id)).toBe(0);
    await new Promise((r) => setTimeout(r, 5));
    await ok(await comment(tenant, bob.cookie, a.id, "Moi aussi"), 201);
    expect(await unreadIssueCount(t, admin.id)).toBe(1);
    expect((await listOf(tenant, admin.cookie)).items.map((i) => [i.id, i.unread])).toEqual([[a.id, true], [b.id, false]]);
    await get(tenant, admin.cookie, a.id);
    expect(await unreadIssueCount(t, admin.id)).toBe(0);
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${a.id}/close`, { cookie: ana.cookie }));
    expect(await unreadIssueCount(t, admin.id)).toBe(1);
    // Another community's issues never count.
    const other = await makeTenant();
    expect(await unreadIssueCount(tenantDb(env, { id: other.id }), admin.id)).toBe(0);
  });

  it("is one query over the issues' index (EXPLAIN: no scan of the whole table)", async () => {
    const { tenant, admin } = await desk();
    const query = unreadIssuesQuery(tenantDb(env, { id: tenant.id }), admin.id).toSQL();
    const plan = await env.DB.prepare(`explain query plan ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/help_issues USING (COVERING )?INDEX help_issues_tenant_activity/);
    expect(details).toMatch(/SEARCH r USING INDEX sqlite_autoindex_help_issue_reads_1 \(user_id=\? AND issue_id=\?\)/);
    expect(details).not.toMatch(/SCAN help_issues\b(?! USING)/);
  });
});
