import { describe, expect, it } from "vitest";
import { call, form, makeTenant, setSignupPolicy, signUpMember, signUpPending, type TestTenant } from "../test/helpers";

async function page(tenant: TestTenant, path: string, cookie = tenant.owner.cookie) {
  const res = await call(tenant.host, "GET", path, { cookie });
  return { status: res.status, html: await res.text() };
}

describe("/admin/members", () => {
  it("shows the list first, the creation forms behind buttons, and a status filter", async () => {
    const tenant = await makeTenant();
    await signUpMember(tenant, "ann@example.org", "Ann Active");
    const { status, html } = await page(tenant, "/admin/members?lang=en");
    expect(status).toBe(200);
    expect(html).toContain("Ann Active");
    // The creation forms are closed disclosures, the list is the page's first open content.
    expect(html).toMatch(/<details class="member-create"><summary class="btn btn-primary">Create an account<\/summary>/);
    expect(html).toContain('name="status"');
    const suspendedOnly = await page(tenant, "/admin/members?status=suspended&lang=en");
    expect(suspendedOnly.html).not.toContain("Ann Active");
  });

  it("a later page (reached with a cursor) offers the first page again; the first page does not", async () => {
    const tenant = await makeTenant();
    await signUpMember(tenant, "fay@example.org", "Fay First");
    const api = await call(tenant.host, "GET", "/api/v1/members?limit=1", { cookie: tenant.owner.cookie });
    const { nextCursor } = (await api.json()) as { nextCursor: string | null };
    expect(nextCursor).toBeTruthy();
    const first = await page(tenant, "/admin/members?lang=en");
    expect(first.html).not.toContain(">First page</a>");
    const later = await page(tenant, `/admin/members?lang=en&cursor=${encodeURIComponent(nextCursor!)}`);
    expect(later.status).toBe(200);
    expect(later.html).toContain(">First page</a>");
  });

  it("the approval queue: a count in the navigation, approve and decline buttons that work without JavaScript", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "approval");
    const pat = await signUpPending(tenant, "pat@example.org", "Pat Pending");
    const dee = await signUpPending(tenant, "dee@example.org", "Dee Declined");
    const admin = await page(tenant, "/admin?lang=en");
    expect(admin.html).toMatch(/Members\s*<span class="tab-count"[^>]*>2<span class="sr-only"> 2 waiting for approval/);
    const list = await page(tenant, "/admin/members?lang=en");
    expect(list.html).toContain("Waiting for approval");
    expect(list.html).toContain(`action="/admin/members/${pat}/approve"`);
    const approved = await call(tenant.host, "POST", `/admin/members/${pat}/approve`, form({}, tenant.owner.cookie));
    expect(approved.status).toBe(303);
    expect(approved.headers.get("location")).toBe("/admin/members?done=approved");
    const declined = await call(tenant.host, "POST", `/admin/members/${dee}/decline`, form({}, tenant.owner.cookie));
    expect(declined.status).toBe(303);
    const after = await page(tenant, "/admin/members?done=approved&lang=en");
    expect(after.html).toContain("Account approved");
    expect(after.html).not.toContain("Waiting for approval");
    expect(after.html).not.toContain("Dee Declined");
    // The approved person signs in through the login form.
    const login = await call(tenant.host, "POST", "/login", form({ email: "pat@example.org", password: "a long enough password" }));
    expect(login.status).toBe(303);
  });

  it("a pending or suspended person is told why on the login page, in their language", async () => {
    const tenant = await makeTenant();
    await setSignupPolicy(tenant, "approval");
    await signUpPending(tenant, "wait@example.org", "Wait");
    const res = await call(tenant.host, "POST", "/login?lang=fr", { ...form({ email: "wait@example.org", password: "a long enough password" }), headers: { ...form({}).headers, "accept-language": "fr" } });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("en attente");
  });

  it("role, suspension and removal from the row's Manage menu; refusals are explained", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "row@example.org", "Row Member");
    const list = await page(tenant, "/admin/members?lang=en");
    expect(list.html).toContain(`action="/admin/members/${m.id}/suspend"`);
    expect(list.html).toContain(`action="/admin/members/${m.id}/remove"`);
    const role = await call(tenant.host, "POST", `/admin/members/${m.id}/role`, form({ tenantRole: "moderator" }, tenant.owner.cookie));
    expect(role.status).toBe(303);
    const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie });
    expect(((await me.json()) as { tenantRole: string }).tenantRole).toBe("moderator");
    expect((await call(tenant.host, "POST", `/admin/members/${m.id}/suspend`, form({}, tenant.owner.cookie))).headers.get("location")).toBe("/admin/members?done=suspended");
    const twice = await call(tenant.host, "POST", `/admin/members/${m.id}/suspend?lang=en`, form({}, tenant.owner.cookie));
    expect(twice.status).toBe(409);
    expect(await twice.text()).toContain("This account is not in a state that allows this.");
    expect((await call(tenant.host, "POST", `/admin/members/${m.id}/remove`, form({ deletePosts: "1" }, tenant.owner.cookie))).status).toBe(303);
    expect((await page(tenant, "/admin/members?lang=en")).html).not.toContain("Row Member");
  });

  it("a member cannot open it or act (403)", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "nosy@example.org", "Nosy");
    const other = await signUpMember(tenant, "other@example.org", "Other");
    expect((await page(tenant, "/admin/members", m.cookie)).status).toBe(403);
    expect((await call(tenant.host, "POST", `/admin/members/${other.id}/suspend`, form({}, m.cookie))).status).toBe(403);
  });
});

describe("/me: delete my account", () => {
  it("a member deletes their account with their password; a wrong one is explained; the owner is told they cannot", async () => {
    const tenant = await makeTenant();
    const m = await signUpMember(tenant, "bye@example.org", "Bye");
    const me = await page(tenant, "/me?lang=en", m.cookie);
    expect(me.html).toContain('action="/me/delete"');
    const wrong = await call(tenant.host, "POST", "/me/delete?lang=en", form({ password: "not the password" }, m.cookie));
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain("That password is not correct.");
    const ok = await call(tenant.host, "POST", "/me/delete", form({ password: m.password }, m.cookie));
    expect(ok.status).toBe(303);
    expect((await call(tenant.host, "GET", "/api/v1/me", { cookie: m.cookie })).status).toBe(401);
    const owner = await page(tenant, "/me?lang=en");
    expect(owner.html).not.toContain('action="/me/delete"');
    expect(owner.html).toContain("you cannot delete your account");
  });
});
