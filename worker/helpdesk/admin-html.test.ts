import { describe, expect, it } from "vitest";
import { call, form, getPage, makeTenant, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { ok, openIssue, comment } from "../test/helpdesk";

// /admin/help: every issue with its filters and unread marks, the guides with their buttons,
// and the unread count beside the section in the admin navigation and on the header's admin
// link; owners and admins only.

async function page(tenant: TestTenant, path: string, cookie?: string) {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

/** The count beside the help section of the admin navigation, null when none is shown. */
function navCount(html: string): number | null {
  const m = /href="\/admin\/help"[^>]*>\s*<span class="mask-icon admin-nav-icon admin-nav-icon-help"[^>]*><\/span>[^<]*<span class="tab-count"[^>]*>(\d+)/.exec(html);
  return m ? Number(m[1]) : null;
}

/** The count on the header's admin link. */
function headerCount(html: string): number | null {
  const m = /<li class="nav-admin">[\s\S]*?<span class="tab-count help-nav-count"[^>]*>(\d+)/.exec(html);
  return m ? Number(m[1]) : null;
}

describe("/admin/help", () => {
  it("owners and admins only: a visitor logs in, a member or moderator gets 403, an owner viewing as a member too", async () => {
    const tenant = await makeTenant();
    const visitor = await page(tenant, "/admin/help");
    expect(visitor.status).toBe(303);
    expect(visitor.location).toBe("/login?next=%2Fadmin%2Fhelp");
    const member = await signUpMember(tenant, "ann@example.org");
    expect((await page(tenant, "/admin/help", member.cookie)).status).toBe(403);
    await setTenantRole(tenant, member.id, "moderator");
    expect((await page(tenant, "/admin/help", member.cookie)).status).toBe(403);
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    const asMember = `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
    expect((await page(tenant, "/admin/help", asMember)).status).toBe(403);
    const admin = await signUpMember(tenant, "adam@example.org", "Adam Admin");
    await setTenantRole(tenant, admin.id, "admin");
    const shown = await page(tenant, "/admin/help?lang=en", admin.cookie);
    expect(shown.status).toBe(200);
    expect(shown.html).toContain('class="admin-nav-link is-active" href="/admin/help"');
  });

  it("lists every issue, private ones included, filtered open or closed and private or public; guides with their edit and delete buttons", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Member");
    const secret = await openIssue(tenant, ann.cookie, { title: "Private matter", private: true });
    const open = await openIssue(tenant, ann.cookie, { title: "Public matter", private: false });
    const done = await openIssue(tenant, ann.cookie, { title: "Solved matter", private: false });
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${done.id}/close`, { cookie: ann.cookie }));
    const g = (await ok<{ guide: { id: string } }>(await call(tenant.host, "POST", "/api/v1/guides", { cookie: tenant.owner.cookie, json: { title: "House rules", body: "Be kind." } }), 201)).guide;
    const all = await page(tenant, "/admin/help?lang=en", tenant.owner.cookie);
    for (const text of ["Private matter", "Public matter", "Solved matter", "Ann Member", `href="/help/issues/${secret.id}"`, "House rules", `href="/help/guides/${g.id}/edit"`, `action="/help/guides/${g.id}/delete"`, 'href="/help/guides/new"']) expect(all.html).toContain(text);
    expect(all.html).toContain("table-stack-md");
    const priv = await page(tenant, "/admin/help?visibility=private&lang=en", tenant.owner.cookie);
    expect(priv.html).toContain("Private matter");
    expect(priv.html).not.toContain("Public matter");
    expect(priv.html).not.toContain("Solved matter");
    const pub = await page(tenant, "/admin/help?visibility=public&status=open&lang=en", tenant.owner.cookie);
    expect(pub.html).toContain("Public matter");
    expect(pub.html).not.toContain("Private matter");
    expect(pub.html).not.toContain("Solved matter");
    expect(pub.html).toContain(`href="/help/issues/${open.id}"`);
    const closed = await page(tenant, "/admin/help?status=closed&lang=fr", tenant.owner.cookie);
    expect(closed.html).toContain("Solved matter");
    expect(closed.html).not.toContain("Public matter");
    expect(closed.html).toContain("Fermée");
  });

  it("marks unread issues and counts them beside the section on every admin page and on the header's admin link; opening an issue reads it", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    expect(navCount((await page(tenant, "/admin/members?lang=en", tenant.owner.cookie)).html)).toBeNull();
    const first = await openIssue(tenant, ann.cookie, { title: "First", private: true });
    const second = await openIssue(tenant, ann.cookie, { title: "Second", private: false });
    const members = await page(tenant, "/admin/members?lang=en", tenant.owner.cookie);
    expect(navCount(members.html)).toBe(2);
    expect(headerCount(members.html)).toBe(2);
    expect(members.html).toContain("2 issues with news you have not read");
    const list = await page(tenant, "/admin/help?lang=en", tenant.owner.cookie);
    expect(navCount(list.html)).toBe(2);
    expect(list.html.match(/class="badge badge-warning help-unread"/g)).toHaveLength(2);
    // Opening it reads it: the count on that very page already says so.
    const opened = await page(tenant, `/help/issues/${first.id}?lang=en`, tenant.owner.cookie);
    expect(headerCount(opened.html)).toBe(1);
    expect(navCount((await page(tenant, "/admin/help?lang=en", tenant.owner.cookie)).html)).toBe(1);
    // The admin's own answer is seen; the member's next one is news again.
    expect((await comment(tenant, tenant.owner.cookie, second.id, "On it.")).status).toBe(201);
    expect(navCount((await page(tenant, "/admin/help", tenant.owner.cookie)).html)).toBeNull();
    expect((await comment(tenant, ann.cookie, second.id, "Thanks!")).status).toBe(201);
    expect(navCount((await page(tenant, "/admin/settings", tenant.owner.cookie)).html)).toBe(1);
    // Members never see it, nor an owner viewing as a member.
    expect(headerCount((await page(tenant, "/help", ann.cookie)).html)).toBeNull();
    const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
    const asMember = `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
    const viewing = await page(tenant, "/help?lang=en", asMember);
    expect(headerCount(viewing.html)).toBeNull();
    // Exactly a member's list: another member's private issue is not there.
    expect(viewing.html).toContain("Second");
    expect(viewing.html).not.toContain(`href="/help/issues/${first.id}"`);
  });
});
