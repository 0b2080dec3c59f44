// Group invitations in the browser (called by web/e2e/run.mjs; `node web/e2e/invitations.mjs`
// runs it alone on its own app):
//   - the demo member (no community role) creates a group and invites an address that already has
//     an account: the API answers `invited`, and nobody is a member yet;
//   - that person sees the invitation on the home page and on /me/invitations, answers with the
//     page's plain form (Accept) and lands in the group, a member (/api/v1/me);
//   - screenshots of the home section and /me/invitations (fr, en; 1280 and 360) and of the
//     community settings with "who may create groups" (fr, en; 1280 and 360).
import { join } from "node:path";

export async function invitationChecks(h) {
  const { browser, tenant, check, block, assert, t, apiLogin, newPage, shot, DEMO, postJson, VIEWPORTS, LANGS } = h;
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const slug = `club-${suffix}`;
  const invitee = { name: `Ines Invitee ${suffix}`, email: `e2e-invitee-${suffix}@demo.example`, password: `e2e-invitee-${suffix}-Xy!` };
  let inviteeSid = null;

  await block("Group invitations: a group admin invites an existing account, who accepts in the app", async () => {
    await check("a member creates a group and invites an address that has an account: invited, not added", async () => {
      const signup = await postJson("/api/v1/auth/signup", { email: invitee.email, password: invitee.password, name: invitee.name });
      assert(signup.status === 201, `signup answered ${signup.status}: ${signup.body.slice(0, 200)}`);
      inviteeSid = await apiLogin(invitee.email, invitee.password);
      const memberSid = await apiLogin(DEMO.member.email, DEMO.member.password);
      const created = await postJson("/api/v1/groups", { name: `Club ${suffix}`, slug, joinPolicy: "invite" }, memberSid);
      assert(created.status === 201, `creating the group answered ${created.status}: ${created.body.slice(0, 200)}`);
      const res = await postJson("/api/v1/invitations", { emails: [invitee.email], groups: [slug], message: "Come and join us!" }, memberSid);
      assert(res.status === 200, `invite answered ${res.status}: ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body);
      assert(JSON.stringify(body) === JSON.stringify({ invited: [invitee.email], addedToGroups: [], skipped: [] }), `answer ${res.body}`);
    });

    for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
      const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
      try {
        await context.addCookies([{ name: "sid", value: inviteeSid, url: tenant }]);
        const page = await newPage(context);
        for (const lang of LANGS) {
          await shot(page, { url: `${tenant}/?lang=${lang}`, file: `home-invitations-${lang}-${tag}.png`, lang, width: viewport.width, expectText: t(lang, "my_invitations.home_title") });
          await shot(page, { url: `${tenant}/me/invitations?lang=${lang}`, file: `me-invitations-${lang}-${tag}.png`, lang, width: viewport.width, expectText: t(lang, "my_invitations.accept") });
        }
      } finally {
        await context.close();
      }
    }

    await check("the invited person accepts with the page's form (no JavaScript) and lands in the group, a member", async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
      try {
        await context.addCookies([{ name: "sid", value: inviteeSid, url: tenant }]);
        const page = await newPage(context);
        await page.goto(`${tenant}/me/invitations?lang=en`);
        await Promise.all([
          page.waitForURL((url) => url.pathname === `/g/${slug}`, { waitUntil: "load" }),
          page.getByRole("button", { name: t("en", "my_invitations.accept_label", { groups: `Club ${suffix}` }), exact: true }).click(),
        ]);
        const me = await page.evaluate(async () => (await fetch("/api/v1/me")).json()).catch(() => null);
        if (me) assert(me.groups.some((g) => g.slug === slug), `not a member: ${JSON.stringify(me.groups)}`);
      } finally {
        await context.close();
      }
    });
  });

  await block("Community settings: who may create groups (fr, en; 1280 and 360)", async () => {
    const ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
      const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
      try {
        await context.addCookies([{ name: "sid", value: ownerSid, url: tenant }]);
        const page = await newPage(context);
        for (const lang of LANGS) {
          await shot(page, { url: `${tenant}/admin/settings?lang=${lang}`, file: `admin-settings-${lang}-${tag}.png`, lang, width: viewport.width, expectText: t(lang, "admin.tenant.group_creation") });
        }
      } finally {
        await context.close();
      }
    }
  });
}

// ── alone: `node web/e2e/invitations.mjs` (after `npm run build`) ────────────────────────────
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdirSync } = await import("node:fs");
  const { chromium } = await import("playwright-core");
  const { ROOT, http, startApp } = await import("./server.mjs");
  const { DEMO } = await import("../../scripts/local-db.mjs");
  const catalogs = { en: (await import("../i18n/en.ts")).en, fr: (await import("../i18n/fr.ts")).fr };
  const t = (lang, key, vars = {}) => (catalogs[lang][key] ?? catalogs.en[key]).replace(/\{(\w+)\}/g, (w, n) => (vars[n] === undefined ? w : String(vars[n])));
  const SHOTS = join(ROOT, "artifacts", "screenshots");
  mkdirSync(SHOTS, { recursive: true });
  let failed = 0;
  const assert = (ok, message) => {
    if (!ok) throw new Error(message);
  };
  const check = async (name, fn) => {
    try {
      await fn();
      console.log(`  ok    ${name}`);
    } catch (err) {
      failed++;
      console.log(`  FAIL  ${name}\n        ${String(err?.message ?? err).split("\n")[0]}`);
    }
  };
  const block = async (title, fn) => {
    console.log(`\n${title}`);
    await fn();
  };
  const app = await startApp({ label: "e2e-invitations" });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  const postJson = (path, body, sid) =>
    http(app.port, app.tenantHost, path, { method: "POST", headers: { "content-type": "application/json", ...(sid ? { cookie: `sid=${sid}` } : {}) }, body: JSON.stringify(body) });
  const apiLogin = async (email, password) => {
    const res = await postJson("/api/v1/auth/login", { email, password });
    return [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean);
  };
  const newPage = async (context) => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  };
  const shot = (page, { url, file, lang, width, expectText }) =>
    check(`screenshot ${file}`, async () => {
      const res = await page.goto(url);
      assert(res?.status() === 200, `GET ${url} answered ${res?.status()}`);
      await page.waitForLoadState("load");
      assert((await page.getAttribute("html", "lang")) === lang, "wrong <html lang>");
      if (expectText) assert((await page.locator("main").innerText()).replace(/\s+/g, " ").includes(expectText), `page does not say "${expectText}"`);
      await page.screenshot({ path: join(SHOTS, file), fullPage: true });
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(scrollWidth <= width, `${scrollWidth} px wide at ${width} px`);
    });
  try {
    await invitationChecks({
      browser,
      tenant: `http://${app.tenantHost}`,
      check,
      block,
      assert,
      t,
      apiLogin,
      newPage,
      shot,
      DEMO,
      postJson,
      VIEWPORTS: [
        { tag: "1280", viewport: { width: 1280, height: 800 } },
        { tag: "360", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
      ],
      LANGS: ["fr", "en"],
    });
  } finally {
    await browser.close();
    await app.stop();
  }
  console.log(failed ? `\n${failed} failed` : "\nall passed");
  process.exit(failed ? 1 : 0);
}
