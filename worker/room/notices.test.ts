import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { call, joinGroup, makeGroup, makeTenant, setGroupRole, signUpMember, type TestTenant } from "../test/helpers";
import { membershipWriter } from "./membership-writer";
import { groupRoom } from "./room";

type Mail = { to: string; subject: string; text: string; html: string };

/** The emails about groups (every group here is named "Atelier …"; sign-up welcomes are left out). */
async function mailsTo(tenant: TestTenant, to: string): Promise<Mail[]> {
  const { results } = await env.DB.prepare(`select "to", subject, text, html from outbox where tenant_id = ? and "to" = ? order by created_at`).bind(tenant.id, to).all<Mail>();
  return results.filter((m) => m.subject.includes("Atelier"));
}

describe("group notices", () => {
  it("join requests arriving together make one email per group admin, in each admin's language, written once", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Atelier queue", slug: "queue", joinPolicy: "open" });
    // An English-speaking admin beside the owner (whose language is the community's: French).
    const admin = await signUpMember(tenant, "admin@example.org", "Ada Admin", { language: "en" });
    await joinGroup(tenant, "queue", admin.cookie);
    await setGroupRole(tenant, "queue", admin.id, "admin");
    expect((await call(tenant.host, "PATCH", "/api/v1/groups/queue", { cookie: tenant.owner.cookie, json: { joinPolicy: "approval" } })).status).toBe(200);

    const applicants = await Promise.all(["Élodie Martin", "Bruno Blanc", "Chloé Noir"].map((name, i) => signUpMember(tenant, `applicant${i}@example.org`, name)));
    const joined = await Promise.all(applicants.map((a) => call(tenant.host, "POST", "/api/v1/groups/queue/join", { cookie: a.cookie, json: {} })));
    expect(joined.map((r) => r.status)).toEqual([202, 202, 202]);

    const room = groupRoom(env, tenant.id, g.id);
    // Nothing is sent in the requests themselves: the room batches them.
    expect(await mailsTo(tenant, tenant.owner.email)).toEqual([]);
    expect(await room.pendingNotices()).toBe(3);
    expect(await runDurableObjectAlarm(room)).toBe(true);

    const toOwner = await mailsTo(tenant, tenant.owner.email);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toBe("3 nouvelles demandes pour rejoindre Atelier queue");
    expect(toOwner[0]!.text).toContain("3 personnes demandent à rejoindre Atelier queue\u202f:");
    expect(toOwner[0]!.text).toContain("Élodie Martin");
    expect(toOwner[0]!.text).toContain(`/admin/groups/queue/requests`);
    const toAdmin = await mailsTo(tenant, admin.email);
    expect(toAdmin).toHaveLength(1);
    expect(toAdmin[0]!.subject).toBe("3 new requests to join Atelier queue");
    expect(toAdmin[0]!.text).toContain("Chloé Noir");
    // The applicants are told nothing yet.
    expect(await mailsTo(tenant, applicants[0]!.email)).toEqual([]);

    // Nothing waits any more; another alarm writes nothing twice.
    expect(await room.pendingNotices()).toBe(0);
    await runDurableObjectAlarm(room);
    expect(await mailsTo(tenant, tenant.owner.email)).toHaveLength(1);
  });

  it("a notice batch that fails to reach D1 is written later with the same outbox ids: never lost, never twice", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Atelier retry", slug: "retry", joinPolicy: "approval" });
    const a = await signUpMember(tenant, "a@example.org", "Anna Apple");
    expect((await call(tenant.host, "POST", "/api/v1/groups/retry/join", { cookie: a.cookie, json: {} })).status).toBe(202);
    const room = groupRoom(env, tenant.id, g.id);
    const { noticeWriter } = await import("./notices");
    const spy = vi.spyOn(noticeWriter, "write").mockRejectedValueOnce(new Error("D1_ERROR: unavailable"));
    await runDurableObjectAlarm(room);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await mailsTo(tenant, tenant.owner.email)).toEqual([]);
    expect(await room.pendingNotices()).toBe(1);
    // A second applicant meanwhile goes in the next batch, not into the failed one.
    const b = await signUpMember(tenant, "b@example.org", "Bert Berry");
    expect((await call(tenant.host, "POST", "/api/v1/groups/retry/join", { cookie: b.cookie, json: {} })).status).toBe(202);
    expect(await runDurableObjectAlarm(room)).toBe(true);
    const mails = await mailsTo(tenant, tenant.owner.email);
    expect(mails.map((m) => m.subject).sort()).toEqual(["Une nouvelle demande pour rejoindre Atelier retry", "Une nouvelle demande pour rejoindre Atelier retry"]);
    expect(mails.map((m) => (m.text.includes("Anna Apple") ? "a" : "b")).sort()).toEqual(["a", "b"]);
    spy.mockRestore();
  });

  it("reports reach the group's moderators (not plain members) in one email per batch", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Atelier talk", slug: "talk", joinPolicy: "open" });
    const author = await signUpMember(tenant, "author@example.org", "Arthur Author");
    const mod = await signUpMember(tenant, "mod@example.org", "Mona Mod", { language: "en" });
    const r1 = await signUpMember(tenant, "r1@example.org", "Rita One");
    const r2 = await signUpMember(tenant, "r2@example.org", "Rob Two");
    for (const p of [author, mod, r1, r2]) await joinGroup(tenant, "talk", p.cookie);
    await setGroupRole(tenant, "talk", mod.id, "moderator");
    const thread = (await (await call(tenant.host, "POST", "/api/v1/groups/talk/threads", { cookie: author.cookie, json: { title: "Buy cheap watches", body: "Spam spam spam" } })).json()) as { thread: { id: string } };
    const reports = await Promise.all(
      [r1, r2].map((r, i) => call(tenant.host, "POST", "/api/v1/groups/talk/reports", { cookie: r.cookie, json: { targetType: "thread", targetId: thread.thread.id, reason: `spam ${i}` } })),
    );
    expect(reports.map((r) => r.status)).toEqual([201, 201]);
    await runDurableObjectAlarm(groupRoom(env, tenant.id, g.id));
    const toMod = await mailsTo(tenant, mod.email);
    expect(toMod).toHaveLength(1);
    expect(toMod[0]!.subject).toBe("2 new reports in Atelier talk");
    expect(toMod[0]!.text).toMatch(/spam 0/);
    expect(toMod[0]!.text).toMatch(/spam 1/);
    expect(toMod[0]!.text).toContain("/g/talk/moderation");
    const toOwner = await mailsTo(tenant, tenant.owner.email);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toBe("2 nouveaux signalements dans Atelier talk");
    expect(await mailsTo(tenant, r1.email)).toEqual([]);
    expect(await mailsTo(tenant, author.email)).toEqual([]);
  });

  it("an approved applicant gets one \"you're in\" email in their language, even when the write is retried", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Atelier club", slug: "club", joinPolicy: "approval" });
    const applicant = await signUpMember(tenant, "nina@example.org", "Nina Nl", { language: "nl" });
    const { requestId } = (await (await call(tenant.host, "POST", "/api/v1/groups/club/join", { cookie: applicant.cookie, json: {} })).json()) as { requestId: string };
    const approved = await call(tenant.host, "POST", `/api/v1/groups/club/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    expect(approved.status).toBe(200);
    let mails = await mailsTo(tenant, applicant.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe("Je bent erbij: welkom in Atelier club");
    expect(mails[0]!.text).toContain("/g/club");
    // The same write again (a retry after a lost answer) adds neither a membership nor an email.
    await membershipWriter.write(env, [{ tenantId: tenant.id, groupId: g.id, userId: applicant.id, role: "member" }]);
    await call(tenant.host, "POST", `/api/v1/groups/club/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    mails = await mailsTo(tenant, applicant.email);
    expect(mails).toHaveLength(1);
  });

  it("the waiting page listens for the decision and hears the approval once the membership is written", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Atelier wait", slug: "wait", joinPolicy: "approval" });
    const applicant = await signUpMember(tenant, "w@example.org", "Walt Waiting");
    const { requestId } = (await (await call(tenant.host, "POST", "/api/v1/groups/wait/join", { cookie: applicant.cookie, json: {} })).json()) as { requestId: string };
    const page = await (await call(tenant.host, "GET", "/g/wait/join", { cookie: applicant.cookie })).text();
    expect(page).toContain('data-island="PendingWatch"');
    expect((await call(tenant.host, "GET", "/api/v1/groups/wait/join/live", { headers: { upgrade: "websocket" } })).status).toBe(401);
    const res = await call(tenant.host, "GET", "/api/v1/groups/wait/join/live", { cookie: applicant.cookie, headers: { upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const events: unknown[] = [];
    ws.accept();
    ws.addEventListener("message", (e) => events.push(JSON.parse(String(e.data))));
    await call(tenant.host, "POST", `/api/v1/groups/wait/requests/${requestId}/approve`, { cookie: tenant.owner.cookie });
    await vi.waitFor(() => expect(events).toEqual([{ type: "decided", status: "approved" }]));
    const me = (await (await call(tenant.host, "GET", "/api/v1/me", { cookie: applicant.cookie })).json()) as { groups: { slug: string }[] };
    expect(me.groups.map((x) => x.slug)).toContain("wait");
    ws.close();
  });
});

describe("emails wear the community's look and French typography", () => {
  it("buttons and title in the community's colour, its logo on top; French punctuation with narrow no-break spaces", async () => {
    const { frenchSpacing, passwordResetMail, joinRequestsMail } = await import("../mail/templates");
    const reset = passwordResetMail("fr", { to: "a@b.example", community: "Zèbre", url: "https://zebre.example/reset?token=x", brand: { color: "#0f766e", logoUrl: "https://zebre.example/media/logo.png" } });
    expect(reset.html).toContain("background:#0f766e");
    expect(reset.html).toContain('<img src="https://zebre.example/media/logo.png"');
    // The link's own "?" and ":" are left alone; the label's colon gets its narrow space.
    expect(reset.text).toContain("\u202f: https://zebre.example/reset?token=x");
    expect(reset.text).not.toMatch(/ [:;?!»]/);
    const requests = joinRequestsMail("fr", { to: "a@b.example", group: "Atelier", community: "Zèbre", names: ["Élodie"], total: 1, url: "https://x.example/r", brand: { color: "javascript:alert(1)", logoUrl: null } });
    expect(requests.html).toContain("background:#4f46e5");
    expect(frenchSpacing("Mot de passe oublié ? « Oui » : bien !")).toBe("Mot de passe oublié\u202f? «\u202fOui\u202f»\u202f: bien\u202f!");
    expect(frenchSpacing("https://x.example/?a=1")).toBe("https://x.example/?a=1");
  });
});

describe("approvals in bulk", () => {
  it("approving 300 requests at once writes 300 memberships and 300 \"you're in\" emails, one each", async () => {
    const tenant = await makeTenant();
    const g = await makeGroup(tenant, { name: "Atelier crowd", slug: "crowd", joinPolicy: "approval" });
    const room = groupRoom(env, tenant.id, g.id);
    const now = Date.now();
    const people = Array.from({ length: 300 }, (_, i) => ({ id: `bulk-${tenant.id}-${i}`, email: `bulk${i}@example.org`, name: `Bulk ${i}` }));
    // Accounts written straight to D1 (signing up 300 people through the API is not what this tests).
    for (let i = 0; i < people.length; i += 20) {
      await env.DB.batch(
        people.slice(i, i + 20).map((p) =>
          env.DB.prepare("insert into users (id, tenant_id, email, name, password_hash, language, tenant_role, status, created_at) values (?, ?, ?, ?, 'x', 'en', 'member', 'active', ?)").bind(p.id, tenant.id, p.email, p.name, now),
        ),
      );
    }
    for (const p of people) await room.submitJoinRequest(tenant.id, g.id, p, []);
    const res = await call(tenant.host, "POST", "/api/v1/groups/crowd/requests/approve-all", { cookie: tenant.owner.cookie });
    expect(await res.json()).toEqual({ approved: 300 });
    expect(await room.owedWrites()).toBe(0);
    const members = await env.DB.prepare("select count(*) as n from memberships where group_id = ?").bind(g.id).first<{ n: number }>();
    expect(members!.n).toBe(301);
    const mails = await env.DB.prepare(`select count(*) as n, count(distinct "to") as people from outbox where tenant_id = ? and subject = ?`).bind(tenant.id, "You're in: welcome to Atelier crowd").first<{ n: number; people: number }>();
    expect(mails).toEqual({ n: 300, people: 300 });
  });
});
