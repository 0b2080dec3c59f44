import { env } from "cloudflare:workers";
import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { directoryDb } from "../db/client";
import { outbox } from "../db/schema";
import { deliverOutbox } from "../mail/outbox";
import { call, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { comment, drainAll, ok, openIssue, refused } from "../test/helpdesk";
import { devMail, outboxTo } from "../test/mail";

// Emails of the help desk (API.md "Help desk"): admins of a new issue; the author and earlier
// commenters of a new comment, never its writer, exactly once each, in their language.

async function people() {
  const tenant = await makeTenant();
  const tag = tenant.subdomain;
  const admin = await signUpMember(tenant, `n-admin-${tag}@example.com`, "Ada Admin", { language: "fr" });
  await setTenantRole(tenant, admin.id, "admin");
  const ana = await signUpMember(tenant, `n-ana-${tag}@example.com`, "Ana", { language: "en-GB" });
  const bob = await signUpMember(tenant, `n-bob-${tag}@example.com`, "Bob", { language: "nl" });
  const cyd = await signUpMember(tenant, `n-cyd-${tag}@example.com`, "Cyd", { language: "en" });
  return { tenant, admin, ana, bob, cyd };
}

/** The comment emails of one issue in the outbox, as "recipient ← subject". */
async function commentMails(tenant: TestTenant, issueId: string, title: string) {
  const rows = await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), like(outbox.id, "hc-%")));
  return rows.filter((r) => r.subject.includes(title) && r.text.includes(issueId));
}

describe("help desk emails", () => {
  it("a comment emails the issue's author and earlier commenters, not its writer, once each, in each one's language", async () => {
    const { tenant, admin, ana, bob, cyd } = await people();
    const issue = await openIssue(tenant, ana.cookie, { title: "Imprimante" });
    // The admin answers: only the author hears of it.
    const c1 = (await ok<{ comment: { id: string } }>(await comment(tenant, admin.cookie, issue.id, "On regarde"), 201)).comment;
    const to = async (id: string) => (await outboxTo(tenant.id, ana.email, admin.email, bob.email, cyd.email)).filter((m) => m.id.startsWith(`hc-${id}-`)).map((m) => [m.to, m.subject]);
    expect(await to(c1.id)).toEqual([[ana.email, `Community ${tenant.subdomain}: new comment on “Imprimante”`]]);
    // Bob (any member, on a public issue) adds to it: Ana and the admin, not Bob.
    const c2 = (await ok<{ comment: { id: string } }>(await comment(tenant, bob.cookie, issue.id, "Moi aussi"), 201)).comment;
    expect((await to(c2.id)).sort()).toEqual(
      [
        [admin.email, `Community ${tenant.subdomain}\u202f: nouveau commentaire sur «\u202fImprimante\u202f»`],
        [ana.email, `Community ${tenant.subdomain}: new comment on “Imprimante”`],
      ].sort(),
    );
    // Ana answers her own issue: the admin and Bob, in French and Dutch; Cyd, who never took part, nothing.
    const c3 = (await ok<{ comment: { id: string } }>(await comment(tenant, ana.cookie, issue.id, "Merci"), 201)).comment;
    expect((await to(c3.id)).sort()).toEqual(
      [
        [admin.email, `Community ${tenant.subdomain}\u202f: nouveau commentaire sur «\u202fImprimante\u202f»`],
        [bob.email, `Community ${tenant.subdomain}: nieuwe reactie op ‘Imprimante’`],
      ].sort(),
    );
    const mail = (await outboxTo(tenant.id, bob.email)).find((m) => m.id === `hc-${c3.id}-${bob.id}`)!;
    expect(mail.text).toContain("Ana");
    expect(mail.text).toContain("Merci");
    expect(mail.text).toContain(`/help/issues/${issue.id}`);
    // Delivered once each, and a second drain sends nothing more.
    await drainAll(tenant.id);
    await deliverOutbox(env, { tenantId: tenant.id });
    const inbox = async (who: { email: string }) => (await devMail(tenant.host, who.email)).filter((m) => m.text.includes(`/help/issues/${issue.id}`) && !m.subject.includes("nouvelle demande") && !m.subject.includes("new issue")).length;
    expect([await inbox(ana), await inbox(admin), await inbox(bob), await inbox(cyd)]).toEqual([2, 2, 1, 0]);
  });

  it("a private issue's comments never reach a member who can no longer read it", async () => {
    const { tenant, admin, ana, bob } = await people();
    const issue = await openIssue(tenant, ana.cookie, { title: "Badge" });
    await ok(await comment(tenant, bob.cookie, issue.id, "Pareil"), 201);
    await ok(await call(tenant.host, "PATCH", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie, json: { private: true } }));
    const c = (await ok<{ comment: { id: string } }>(await comment(tenant, admin.cookie, issue.id, "Réglé"), 201)).comment;
    expect((await commentMails(tenant, issue.id, "Badge")).filter((m) => m.id.startsWith(`hc-${c.id}-`)).map((m) => m.to)).toEqual([ana.email]);
  });

  it("a retried request (same Idempotency-Key, even five at once) makes one comment and sends nothing twice", async () => {
    const { tenant, admin, ana, bob } = await people();
    const issue = await openIssue(tenant, ana.cookie, { title: "Chauffage" });
    await ok(await comment(tenant, bob.cookie, issue.id, "Froid ici aussi"), 201);
    const headers = { "idempotency-key": "retry-1" };
    const answers = await Promise.all(Array.from({ length: 5 }, () => comment(tenant, admin.cookie, issue.id, "Technicien demain", headers)));
    const bodies = await Promise.all(answers.map((r) => ok<{ comment: { id: string } }>(r, 201)));
    const ids = new Set(bodies.map((b) => b.comment.id));
    expect(ids.size).toBe(1);
    const again = await ok<{ comment: { id: string } }>(await comment(tenant, admin.cookie, issue.id, "Technicien demain", headers), 201);
    expect(again.comment.id).toBe([...ids][0]);
    const view = (await ok<{ issue: { comments: unknown[]; commentCount: number } }>(await call(tenant.host, "GET", `/api/v1/issues/${issue.id}`, { cookie: ana.cookie }))).issue;
    expect([view.comments.length, view.commentCount]).toEqual([2, 2]);
    const mails = (await commentMails(tenant, issue.id, "Chauffage")).filter((m) => m.id.startsWith(`hc-${again.comment.id}-`));
    expect(mails.map((m) => m.to).sort()).toEqual([ana.email, bob.email].sort());
    // The same key from someone else, or on another issue, is another comment.
    const bobs = await ok<{ comment: { id: string } }>(await comment(tenant, bob.cookie, issue.id, "Super", headers), 201);
    expect(bobs.comment.id).not.toBe(again.comment.id);
    // A retried issue: one issue, one email per admin.
    const first = await ok<{ issue: { id: string } }>(await call(tenant.host, "POST", "/api/v1/issues", { cookie: bob.cookie, json: { title: "Clé perdue", body: "x" }, headers: { "idempotency-key": "k" } }), 201);
    const second = await ok<{ issue: { id: string } }>(await call(tenant.host, "POST", "/api/v1/issues", { cookie: bob.cookie, json: { title: "Clé perdue", body: "x" }, headers: { "idempotency-key": "k" } }), 201);
    expect(second.issue.id).toBe(first.issue.id);
    expect((await outboxTo(tenant.id, admin.email)).filter((m) => m.id.startsWith(`hi-${first.issue.id}-`))).toHaveLength(1);
    expect(await refused(await call(tenant.host, "POST", "/api/v1/issues", { cookie: bob.cookie, json: { title: "x", body: "x" }, headers: { "idempotency-key": "x".repeat(201) } }))).toMatchObject({ status: 400, code: "invalid_idempotency_key" });
  });

  it("a delivery retry (a drain that died after sending, before marking) sends nothing twice", async () => {
    const { tenant, admin, ana } = await people();
    const issue = await openIssue(tenant, ana.cookie, { title: "Fenêtre" });
    const c = (await ok<{ comment: { id: string } }>(await comment(tenant, admin.cookie, issue.id, "Vitrier lundi"), 201)).comment;
    const id = `hc-${c.id}-${ana.id}`;
    const db = directoryDb(env);
    const statusOf = async () => (await db.select().from(outbox).where(eq(outbox.id, id)))[0]?.status;
    // The request's own drain (waitUntil) may hold the claim for a moment: wait for it to be sent.
    for (let i = 0; i < 50 && (await statusOf()) !== "sent"; i++) {
      await deliverOutbox(env, { tenantId: tenant.id });
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await statusOf()).toBe("sent");
    // As if the drain had died after the provider took the email: the claim lapses and the row is due again.
    await db.update(outbox).set({ status: "sending", claimedUntil: Date.now() - 1 }).where(eq(outbox.id, id));
    await deliverOutbox(env, { tenantId: tenant.id });
    expect((await db.select().from(outbox).where(eq(outbox.id, id)))[0]?.attempts).toBe(2);
    expect((await devMail(tenant.host, ana.email)).filter((m) => m.text.includes("Vitrier lundi"))).toHaveLength(1);
  });

  it("many members commenting at once: each comment reaches each earlier participant once", async () => {
    const { tenant, ana, bob, cyd } = await people();
    const issue = await openIssue(tenant, ana.cookie, { title: "Café" });
    await Promise.all([bob, cyd].map((m) => comment(tenant, m.cookie, issue.id, `Moi ${m.email}`).then((r) => ok(r, 201))));
    const mails = await commentMails(tenant, issue.id, "Café");
    const ids = mails.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Ana hears of both comments; each commenter never of their own.
    expect(mails.filter((m) => m.to === ana.email)).toHaveLength(2);
    expect(mails.filter((m) => m.to === bob.email && m.text.includes(`Moi ${bob.email}`))).toHaveLength(0);
    expect(mails.filter((m) => m.to === cyd.email && m.text.includes(`Moi ${cyd.email}`))).toHaveLength(0);
  });
});
