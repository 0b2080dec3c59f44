// A new community's first steps and its members, in the browser.
//   - from the platform's landing page, "Create your community" → /new, fill the form, "Create my
//     community": the new owner lands signed in on the new community's /admin (a one-time handoff
//     token; the root page's CSP refuses a cross-host form redirect, so this failed before);
//   - the owner sets the sign-up policy to "On approval" on /admin/settings;
//   - a visitor signs up on /signup and gets the waiting page; signing in tells them it is pending;
//   - the owner sees the request in the queue on /admin/members (with a count in the admin
//     navigation) and approves it; the visitor then signs in and lands on the home page;
//   - the visitor deletes their own account from /me;
//   - screenshots of /admin/members (queue and Manage menu) and /me's delete card, in French and
//     English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { LANGS, SHOTS, VIEWPORTS, browser, field, mainText, newPage, platform, ready, settle, steps, t, uniqueSuffix, viewportOptions, watchProblems } from "./harness.mjs";

describe("Members: create a community, approve a sign-up, sign in (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const suffix = uniqueSuffix(3);
  const subdomain = `e2e-${suffix}`;
  const owner = { name: "Olga Owner", email: `olga-${suffix}@example.org`, password: `owner-pass-${suffix}-Xy!` };
  const visitor = { name: `Vera Visitor ${suffix}`, email: `vera-${suffix}@example.org`, password: `visitor-pass-${suffix}-Xy!` };
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  let ownerContext, visitorContext, page, visitorPage, portOf, community;
  /** GET a JSON path from the page's own origin (Node cannot resolve *.localhost; the browser does). */
  const getJson = (p, path) =>
    p.evaluate(async (u) => {
      const r = await fetch(u, { credentials: "same-origin" });
      return { status: r.status, body: r.ok ? await r.json() : null };
    }, path);
  before(async () => {
    ready();
    portOf = new URL(platform).port;
    community = `http://${subdomain}.localhost:${portOf}`;
    ownerContext = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    visitorContext = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    page = await newPage(ownerContext);
    watchProblems(page, problems);
    visitorPage = await newPage(visitorContext);
    watchProblems(visitorPage, problems);
  });
  after(async () => {
    await ownerContext?.close();
    await visitorContext?.close();
  });

  step("landing page → Create your community → /new", async () => {
    await page.goto(`${platform}/?lang=${lang}`);
    await Promise.all([page.waitForURL((u) => u.pathname === "/new"), page.getByRole("link", { name: t(lang, "landing.cta") }).first().click()]);
  });

  step("Create my community lands the owner signed in on the new community's admin page", async () => {
    await field(page, t(lang, "new_tenant.name")).fill(`E2E Club ${suffix}`);
    await field(page, t(lang, "new_tenant.subdomain")).fill(subdomain);
    await field(page, t(lang, "new_tenant.owner_name")).fill(owner.name);
    await field(page, t(lang, "new_tenant.owner_email")).fill(owner.email);
    await field(page, t(lang, "new_tenant.owner_password")).fill(owner.password);
    await Promise.all([
      page.waitForURL((u) => u.host === `${subdomain}.localhost:${portOf}` && u.pathname === "/admin", { timeout: 20_000 }),
      page.getByRole("button", { name: t(lang, "new_tenant.submit") }).click(),
    ]);
    await settle(page);
    const me = await getJson(page, "/api/v1/me");
    assert(me.status === 200, `GET /api/v1/me answered ${me.status}`);
    const body = me.body;
    assert(body.tenantRole === "owner" && body.email === owner.email, `signed in as ${JSON.stringify(body)}`);
    const cookies = await ownerContext.cookies(platform);
    assert(!cookies.some((c) => c.name === "sid"), "the root host set a session cookie");
  });

  step("the owner sets the sign-up policy to On approval", async () => {
    await page.goto(`${community}/admin/settings?lang=${lang}`);
    await page.locator('input[name="signupPolicy"][value="approval"]').check();
    await Promise.all([page.waitForLoadState("load"), page.locator('form:has(input[name="signupPolicy"]) button[type="submit"]').last().click()]);
    const tenant = (await getJson(page, "/api/v1/tenant")).body;
    assert(tenant.signupPolicy === "approval", `signupPolicy is ${tenant.signupPolicy}`);
  });

  step("a visitor signs up and waits for approval", async () => {
    await visitorPage.goto(`${community}/signup?lang=${lang}`);
    await field(visitorPage, t(lang, "signup.name")).fill(visitor.name);
    await field(visitorPage, t(lang, "signup.email")).fill(visitor.email);
    await field(visitorPage, t(lang, "signup.password")).fill(visitor.password);
    await Promise.all([visitorPage.waitForLoadState("load"), visitorPage.getByRole("button", { name: t(lang, "signup.submit") }).click()]);
    await visitorPage.getByText(t(lang, "signup.pending_title")).first().waitFor();
  });

  step("signing in before approval says the account is pending", async () => {
    await visitorPage.goto(`${community}/login?lang=${lang}`);
    await field(visitorPage, t(lang, "login.email")).fill(visitor.email);
    await field(visitorPage, t(lang, "login.password")).fill(visitor.password);
    await Promise.all([visitorPage.waitForLoadState("load"), visitorPage.getByRole("button", { name: t(lang, "login.submit") }).click()]);
    assert((await mainText(visitorPage)).includes(t(lang, "error.pending_approval")), "no pending message on /login");
  });

  step("the owner sees the request (count in the navigation) and approves it from the queue", async () => {
    await page.goto(`${community}/admin/members?lang=${lang}`);
    const nav = await page.locator(".admin-nav").innerText();
    assert(/1/.test(nav), `no count in the admin navigation: ${nav}`);
    await page.getByText(t(lang, "admin.people.queue_title")).first().waitFor();
    await page.screenshot({ path: join(SHOTS, `members-queue-${lang}-1280.png`), fullPage: true });
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get("done") === "approved"),
      page.getByRole("button", { name: t(lang, "admin.people.approve_label", { name: visitor.name }) }).click(),
    ]);
    assert((await mainText(page)).includes(t(lang, "admin.people.done.approved")), "no approval notice");
  });

  step("the approved visitor signs in and lands on the home page", async () => {
    await visitorPage.goto(`${community}/login?lang=${lang}`);
    await field(visitorPage, t(lang, "login.email")).fill(visitor.email);
    await field(visitorPage, t(lang, "login.password")).fill(visitor.password);
    await Promise.all([visitorPage.waitForURL((u) => u.pathname === "/"), visitorPage.getByRole("button", { name: t(lang, "login.submit") }).click()]);
    const me = await getJson(visitorPage, "/api/v1/me");
    assert(me.status === 200, `GET /api/v1/me answered ${me.status}`);
  });

  for (const l of LANGS) {
    for (const vp of VIEWPORTS) {
      const { tag, viewport: size } = vp;
      step(`screenshots of /admin/members and /me (${l}, ${tag})`, async () => {
        const shotContext = await browser.newContext(viewportOptions(vp));
        try {
          await shotContext.addCookies((await ownerContext.cookies(community)).map((c) => ({ ...c })));
          const p = await newPage(shotContext);
          await p.goto(`${community}/admin/members?lang=${l}`);
          await settle(p);
          await p.locator(".member-manage").first().locator("summary").click();
          await p.screenshot({ path: join(SHOTS, `members-admin-${l}-${tag}.png`), fullPage: true });
          const width = await p.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= size.width, `/admin/members is ${width} px wide at ${size.width} px`);
          await p.goto(`${community}/me?lang=${l}`);
          await settle(p);
          await p.screenshot({ path: join(SHOTS, `me-owner-${l}-${tag}.png`), fullPage: true });
          // A used or expired handoff link explains itself and offers to sign in.
          const stale = await p.goto(`${community}/welcome?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&lang=${l}`);
          assert(stale?.status() === 400, `a stale handoff link answered ${stale?.status()}`);
          assert((await mainText(p)).includes(t(l, "handoff.invalid_title")), "no explanation for a stale handoff link");
          await p.screenshot({ path: join(SHOTS, `handoff-expired-${l}-${tag}.png`), fullPage: true });
        } finally {
          await shotContext.close();
        }
      }, { fatal: false });
    }
  }

  step("the visitor deletes their own account from /me", async () => {
    await visitorPage.goto(`${community}/me?lang=${lang}`);
    await visitorPage.screenshot({ path: join(SHOTS, `me-delete-${lang}-1280.png`), fullPage: true });
    await field(visitorPage, t(lang, "me.delete_password")).fill(visitor.password);
    await Promise.all([visitorPage.waitForURL((u) => u.pathname === "/"), visitorPage.getByRole("button", { name: t(lang, "me.delete_button") }).click()]);
    const me = await getJson(visitorPage, "/api/v1/me");
    assert(me.status === 401, `GET /api/v1/me answered ${me.status} after deletion`);
    // That 401 was asked for.
    for (let i = problems.length - 1; i >= 0; i--) if (/^401 for .*\/api\/v1\/me$/.test(problems[i])) problems.splice(i, 1);
  });

  step.noProblems("no browser errors on the way", problems);
});
