import { describe, expect, it } from "vitest";
import { en } from "../../web/i18n/en";
import { call, form, getPage, makeTenant, postForm, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";

// /admin/portal: the switches, the messages and the status banner, as forms without
// JavaScript, saved through PATCH /api/v1/tenant's code; and what each switch does to members.

type TenantAnswer = {
  features: Record<string, boolean>;
  timezone: string;
  welcomeMessage: string | null;
  cancellationMessage: string | null;
  status: { state: string; message: string; from: string | null; until: string | null } | null;
};

const tenantOf = async (tenant: TestTenant) => (await (await call(tenant.host, "GET", "/api/v1/tenant", { cookie: tenant.owner.cookie })).json()) as TenantAnswer;
const html = async (res: Response) => res.text();
const SWITCHES = ["directory", "cancelMembership", "changeMembership", "editBillingDetails"] as const;

/** Posts the switches form as a browser does: each switch's hidden "off", then "on" for the ticked boxes. */
const postSwitches = (tenant: TestTenant, on: readonly string[], keys: readonly string[] = SWITCHES) =>
  call(tenant.host, "POST", "/admin/portal/switches", form(keys.flatMap((k): [string, string][] => [[`features.${k}`, "off"], ...(on.includes(k) ? [[`features.${k}`, "on"] as [string, string]] : [])]), tenant.owner.cookie));

const setTimezone = (tenant: TestTenant, timezone: string) => call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { timezone } });

describe("/admin/portal: who may open it", () => {
  it("owners and admins only: a visitor is sent to log in, a member gets 403, an owner viewing as a member gets no admin page", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "portal-member@example.com");
    const admin = await signUpMember(tenant, "portal-admin@example.com", "Ada Admin");
    await setTenantRole(tenant, admin.id, "admin");

    const visitor = await getPage(tenant, "/admin/portal");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fportal");
    expect((await postForm(tenant, "/admin/portal/messages", "", { welcomeMessage: "x" })).status).toBe(303);

    expect((await getPage(tenant, "/admin/portal", member.cookie)).status).toBe(403);
    const asMemberView = `${tenant.owner.cookie}; view_as=member`;
    const viewing = await getPage(tenant, "/admin/portal?lang=en", asMemberView);
    expect(viewing.status).toBe(403);
    expect(await viewing.text()).not.toContain('action="/admin/portal/switches"');
    for (const [path, fields] of [
      ["/admin/portal/switches", { "features.directory": "off" }],
      ["/admin/portal/messages", { welcomeMessage: "Hacked" }],
      ["/admin/portal/status", { state: "restricted", message: "Hacked" }],
      ["/admin/portal/status/clear", {}],
    ] as const) {
      expect((await postForm(tenant, path, member.cookie, fields)).status, path).toBe(403);
      expect((await postForm(tenant, path, asMemberView, fields)).status, path).toBe(403);
    }
    const untouched = await tenantOf(tenant);
    expect(untouched).toMatchObject({ features: {}, welcomeMessage: null, status: null });

    const page = await getPage(tenant, "/admin/portal?lang=en", admin.cookie);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('class="admin-nav-link is-active" href="/admin/portal"');
    expect(body).toContain("mask-icon admin-nav-icon admin-nav-icon-portal");
  });
});

describe("/admin/portal: switches", () => {
  it("shows the switches of the tabs and actions that exist (not bookings, events or the help desk), each explained", async () => {
    const tenant = await makeTenant();
    const body = await html(await getPage(tenant, "/admin/portal?lang=en", tenant.owner.cookie));
    for (const key of SWITCHES) {
      expect(body).toContain(`<input type="hidden" name="features.${key}" value="off"/>`);
      expect(body).toMatch(new RegExp(`id="field-switch-${key}" name="features.${key}" value="on" checked`));
      expect(body).toContain(en[`portal.switch.${key}.desc`]);
    }
    for (const later of ["bookings", "events", "helpdesk"]) expect(body).not.toContain(`features.${later}`);
  });

  it("each switch is stored off (an unticked box: only its hidden field is sent) and on again, the others untouched", async () => {
    const tenant = await makeTenant();
    for (const key of SWITCHES) {
      const others = SWITCHES.filter((k) => k !== key);
      const off = await postSwitches(tenant, others);
      expect(off.status).toBe(303);
      expect(off.headers.get("location")).toBe("/admin/portal?done=switches");
      expect((await tenantOf(tenant)).features).toEqual({ directory: true, cancelMembership: true, changeMembership: true, editBillingDetails: true, [key]: false });
      const page = await html(await getPage(tenant, "/admin/portal?lang=en&done=switches", tenant.owner.cookie));
      expect(page).toContain(en["portal.done.switches"]);
      expect(page).toMatch(new RegExp(`id="field-switch-${key}" name="features.${key}" value="on" aria-describedby`));
      expect((await postSwitches(tenant, SWITCHES)).status).toBe(303);
      expect((await tenantOf(tenant)).features[key]).toBe(true);
    }
    // A form that does not carry a switch leaves it as stored (keys present only).
    await postSwitches(tenant, [], ["changeMembership"]);
    expect((await tenantOf(tenant)).features).toEqual({ directory: true, cancelMembership: true, changeMembership: false, editBillingDetails: true });
  });

  it("cancelMembership off: a member's cancel is refused (403 feature_disabled); changeMembership and editBillingDetails likewise; on again, allowed", async () => {
    const tenant = await makeTenant();
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Flex", price: { amount: 4999, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } };
    const other = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name: "Fixed", price: { amount: 9999, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } };
    const member = await signUpMember(tenant, "portal-cancel@example.com");
    expect((await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.plan.id, billing: { name: "Max", address: "1 rue X" } } })).status).toBe(201);

    await postSwitches(tenant, ["directory"]);
    const refusedCode = async (res: Response) => ({ status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code });
    expect(await refusedCode(await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: member.cookie }))).toEqual({ status: 403, code: "feature_disabled" });
    expect(await refusedCode(await call(tenant.host, "POST", "/api/v1/me/membership/change", { cookie: member.cookie, json: { planId: other.plan.id } }))).toEqual({ status: 403, code: "feature_disabled" });
    expect(await refusedCode(await call(tenant.host, "PATCH", "/api/v1/me/membership/billing", { cookie: member.cookie, json: { name: "Other", address: "2 rue Y" } }))).toEqual({ status: 403, code: "feature_disabled" });

    await postSwitches(tenant, SWITCHES);
    expect((await call(tenant.host, "POST", "/api/v1/me/membership/cancel", { cookie: member.cookie })).status).toBe(200);
  });

  it("directory off: /members answers 403 to a member and the Community tab leaves their navigation; on again, both are back", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "portal-directory@example.com");
    expect((await getPage(tenant, "/members", member.cookie)).status).toBe(200);
    expect(await html(await getPage(tenant, "/", member.cookie))).toContain('href="/members"');

    await postSwitches(tenant, ["cancelMembership", "changeMembership", "editBillingDetails"]);
    expect((await getPage(tenant, "/members", member.cookie)).status).toBe(403);
    expect(await html(await getPage(tenant, "/", member.cookie))).not.toContain('href="/members"');
    expect((await call(tenant.host, "GET", "/api/v1/directory", { cookie: member.cookie })).status).toBe(403);

    await postSwitches(tenant, SWITCHES);
    expect((await getPage(tenant, "/members", member.cookie)).status).toBe(200);
    expect(await html(await getPage(tenant, "/", member.cookie))).toContain('href="/members"');
  });
});

describe("/admin/portal: messages", () => {
  it("saves the welcome and cancellation messages (Markdown kept as typed), shows them in the form, and clears them when emptied", async () => {
    const tenant = await makeTenant();
    const welcome = "# Bienvenue\n\n**Open** 8–20 h, see [the rules](https://example.org/rules).";
    const saved = await postForm(tenant, "/admin/portal/messages", tenant.owner.cookie, { welcomeMessage: welcome, cancellationMessage: "Sorry to see you go." });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/portal?done=messages");
    expect(await tenantOf(tenant)).toMatchObject({ welcomeMessage: welcome, cancellationMessage: "Sorry to see you go." });
    const page = await html(await getPage(tenant, "/admin/portal?lang=en&done=messages", tenant.owner.cookie));
    expect(page).toContain(en["portal.done.messages"]);
    expect(page).toContain("**Open** 8–20 h, see [the rules](https://example.org/rules).</textarea>");

    expect((await postForm(tenant, "/admin/portal/messages", tenant.owner.cookie, { welcomeMessage: "  ", cancellationMessage: "" })).status).toBe(303);
    expect(await tenantOf(tenant)).toMatchObject({ welcomeMessage: null, cancellationMessage: null });
  });

  it("a message too long is refused beside its field (422), nothing saved", async () => {
    const tenant = await makeTenant();
    const res = await postForm(tenant, "/admin/portal/messages", tenant.owner.cookie, { welcomeMessage: "x".repeat(20_001), cancellationMessage: "kept?" });
    expect(res.status).toBe(422);
    const page = await res.text();
    expect(page).toContain('id="field-welcomeMessage-error"');
    expect(page).toContain("kept?</textarea>");
    expect((await tenantOf(tenant)).cancellationMessage).toBeNull();
  });
});

describe("/admin/portal: status banner", () => {
  it("stores the window typed in the community's timezone (New York), shows it back as typed, and says it is not showing yet", async () => {
    const tenant = await makeTenant();
    expect((await setTimezone(tenant, "America/New_York")).status).toBe(200);
    const res = await postForm(tenant, "/admin/portal/status", tenant.owner.cookie, { state: "temporarily_closed", message: "Closed for works", from: "2030-01-10T09:30", until: "2030-07-10T18:00" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/portal?done=status");
    // 09:30 EST is 14:30 UTC; 18:00 EDT is 22:00 UTC.
    expect((await tenantOf(tenant)).status).toEqual({ state: "temporarily_closed", message: "Closed for works", from: "2030-01-10T14:30:00.000Z", until: "2030-07-10T22:00:00.000Z" });
    const page = await html(await getPage(tenant, "/admin/portal?lang=en", tenant.owner.cookie));
    expect(page).toContain('type="datetime-local" id="field-from" name="from" value="2030-01-10T09:30"');
    expect(page).toContain('type="datetime-local" id="field-until" name="until" value="2030-07-10T18:00"');
    expect(page).toContain("America/New_York");
    expect(page).toContain(en["portal.status.not_showing"]);
    expect(page).toContain("Members will see it from Jan 10, 2030, 9:30");
    expect(page).toContain('class="portal-banner portal-banner-temporarily_closed"');
    expect(page).toContain('id="field-state-temporarily_closed" name="state" value="temporarily_closed" checked');
  });

  it("refuses an end at or before the start (422 beside “until”) and a time that is not one (beside “from”), keeping what was stored", async () => {
    const tenant = await makeTenant();
    await setTimezone(tenant, "Asia/Tokyo");
    await postForm(tenant, "/admin/portal/status", tenant.owner.cookie, { state: "restricted", message: "Level 2 only", from: "", until: "" });
    const stored = (await tenantOf(tenant)).status;
    expect(stored).toEqual({ state: "restricted", message: "Level 2 only", from: null, until: null });

    for (const until of ["2030-01-10T09:30", "2030-01-10T09:00"]) {
      const res = await postForm(tenant, "/admin/portal/status?lang=en", tenant.owner.cookie, { state: "open", message: "New hours", from: "2030-01-10T09:30", until });
      expect(res.status).toBe(422);
      const page = await res.text();
      expect(page).toContain(`<p class="field-error" id="field-until-error">${en["field.until_after_from"]}</p>`);
      expect(page).toContain(`name="until" value="${until}"`);
      expect(page).toContain("New hours</textarea>");
    }
    const bad = await postForm(tenant, "/admin/portal/status?lang=en", tenant.owner.cookie, { state: "open", message: "x", from: "soon", until: "" });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain(`<p class="field-error" id="field-from-error">${en["portal.error.datetime"]}</p>`);
    const wrongState = await postForm(tenant, "/admin/portal/status", tenant.owner.cookie, { state: "party", message: "x" });
    expect(wrongState.status).toBe(422);
    expect(await wrongState.text()).toContain('id="field-state-error"');
    expect((await tenantOf(tenant)).status).toEqual(stored);
  });

  it("says when the banner shows now (with its preview), when “open” without a message shows nothing, and clears it", async () => {
    const tenant = await makeTenant();
    await setTimezone(tenant, "Europe/Paris");
    await postForm(tenant, "/admin/portal/status", tenant.owner.cookie, { state: "restricted", message: "Ground floor only", from: "2020-01-01T08:00", until: "" });
    let page = await html(await getPage(tenant, "/admin/portal?lang=en", tenant.owner.cookie));
    expect(page).toContain(`<span class="badge badge-success">${en["portal.status.showing"]}</span>`);
    expect(page).toContain('<span class="portal-banner-message">Ground floor only</span>');
    expect(page).toContain('form="portal-status-clear"');
    const dashboard = (await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie: tenant.owner.cookie })).json()) as { status: { state: string } | null };
    expect(dashboard.status).toMatchObject({ state: "restricted" });

    await postForm(tenant, "/admin/portal/status", tenant.owner.cookie, { state: "open", message: "", from: "", until: "" });
    page = await html(await getPage(tenant, "/admin/portal?lang=en", tenant.owner.cookie));
    expect(page).toContain(en["portal.status.open_silent"]);
    expect(page).not.toContain('class="portal-banner ');

    const cleared = await postForm(tenant, "/admin/portal/status/clear", tenant.owner.cookie, {});
    expect(cleared.status).toBe(303);
    expect(cleared.headers.get("location")).toBe("/admin/portal?done=cleared");
    expect((await tenantOf(tenant)).status).toBeNull();
    page = await html(await getPage(tenant, "/admin/portal?lang=en", tenant.owner.cookie));
    expect(page).toContain(en["portal.status.none"]);
    expect(page).not.toContain('form="portal-status-clear"');
  });
});

describe("/admin/portal in every language", () => {
  it("renders in fr, en and nl with no catalog key left", async () => {
    const tenant = await makeTenant();
    for (const lang of ["fr", "en", "nl"]) {
      const page = await html(await getPage(tenant, `/admin/portal?lang=${lang}`, tenant.owner.cookie));
      expect(page).not.toMatch(/portal\.(switch|status|messages|welcome|cancellation)\./);
    }
    const fr = await html(await getPage(tenant, "/admin/portal?lang=fr", tenant.owner.cookie));
    expect(fr).toContain("Bandeau d’état");
  });
});
