// Browser end-to-end test: `npm run test:e2e` (builds the client first).
//
// Starts the app like `npm start` (on a free port, with throw-away local state: see server.mjs),
// then drives the system's Chromium through playwright-core (never a downloaded browser):
//   - sign up a new member through /signup, land on the home page greeted by name;
//   - log out (the session must die server-side too); a wrong password shows an error on /login;
//   - log in again through /login and land on the home page;
//   - screenshots of the landing, /new, home (signed out and in), login and signup pages,
//     in French and English, at 1280x800 and 360x740, in artifacts/screenshots/;
//   - groups: the demo owner keeps /admin/groups/founders/requests open (never reloaded) while a
//     visitor signs up through /g/founders/join, answers the question and gets the pending state
//     (202); the request appears live in the owner's queue, Approve removes it, the visitor is then a
//     member (/g/founders and /api/v1/me);
//   - screenshots of the group pages (/g/makers signed out, /g/founders as a member, the join page)
//     and of /admin, the group's settings, branding, members and request queue (with a request
//     waiting, sent through the JSON API), in French and English, at 1280x800 and 360x740;
//   - invitations: the demo owner uploads an .xlsx (made here with write-excel-file) on
//     /admin/invitations/import, the island previews it (emails and counts), Send imports it; the
//     invitee's email is read from the dev mailbox (/api/v1/dev/mail), a fresh browser opens its
//     /invite/<token> link, sets a name and a password and lands on /g/makers signed in, a member
//     of makers (/api/v1/me); screenshots of the import form, the preview, the result, the
//     invitation page (1280 and 360) and the invite form /admin/invitations (fr, en; 1280 and 360).
//   - profiles: the demo owner adds fields on /admin/profile-fields (a directory filter, a number the
//     member cannot change, an admins-only note, a required field for makers) and sets the member's
//     values; the demo member edits theirs on /me, sees the read-only one as text and never the
//     admins-only one, is refused by the API when changing the read-only one (403), and the member
//     directory (/members) filters by the zone; screenshots of /me, /members, the field admin, a
//     member's profile for admins and the makers' join page (fr, en; 1280 and 360);
//   - discussions and chat (web/e2e/discussions.mjs): two people chat live in /g/makers, a new
//     discussion and a reply appear live, a reported message hidden by the owner vanishes from both
//     pages; screenshots of the discussion pages in French and English at 1280 and 360.
//   - login throttle (web/e2e/auth-limits.mjs): five wrong passwords, then the 429 page offers an
//     emailed sign-in link that signs the member in; screenshots fr/en at 1280 and 360.
//   - members (web/e2e/members.mjs): landing page → create a community → signed in on its /admin →
//     sign-up policy "On approval" → a visitor signs up → the owner approves from the queue → the
//     visitor signs in, then deletes their account from /me; screenshots of /admin/members and /me.
//   - group invitations (web/e2e/invitations.mjs): a member who runs a group invites an existing
//     account, who accepts on /me/invitations without JavaScript; screenshots of the home section,
//     /me/invitations and the settings' "who may create groups" (fr, en; 1280 and 360).
//   - languages (web/e2e/language.mjs): an invitee with a French invitation, in an English browser,
//     reads the email, /invite/<token>, its validation error, the group they land on and the used
//     link in French; a Dutch browser gets Dutch pages; screenshots of the invitation in fr and en.
//   - group UX (web/e2e/group-ux.mjs): "view as a member" keeps typed input and hides the owner's
//     tools; a waiting applicant's page opens the group live on approval; "@" suggests members; a
//     hidden post explained to its author; the seeded demo chat shows authors with times clear of
//     the text; a group's admin tabs keep the current one in view at 360 px; screenshots.
// Prints one line per check and, last, "N passed, M failed"; exits non-zero on any failure.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), E2E_TIMEOUT_MS (default 480000),
// E2E_PORT (fixed port instead of a free one), KEEP_STATE=1 (keep the temp local state).
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { chromium } from "playwright-core";
import writeExcelFile from "write-excel-file/node";
import { DEMO } from "../../scripts/local-db.mjs";
import { ROOT, http, startApp } from "./server.mjs";
import { discussionChecks } from "./discussions.mjs";
import { domainChecks } from "./domains.mjs";
import { authLimitChecks } from "./auth-limits.mjs";
import { memberChecks } from "./members.mjs";
import { invitationChecks } from "./invitations.mjs";
import { languageChecks } from "./language.mjs";
import { groupUxChecks } from "./group-ux.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(ROOT, "artifacts", "screenshots");
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 480_000);
const LANGS = ["fr", "en"];
const VIEWPORTS = [
  { tag: "1280", viewport: { width: 1280, height: 800 } },
  { tag: "360", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
];

// ---------------------------------------------------------------------------------------------
// The app's own message catalogs, so the test follows the wording the pages actually use.
let catalogs;
try {
  catalogs = { en: (await import("../i18n/en.ts")).en, fr: (await import("../i18n/fr.ts")).fr };
} catch (err) {
  console.error(`cannot load web/i18n catalogs (${err.message}).\nRun through \`npm run test:e2e\` (it uses the project's Node 22, which strips TypeScript types).`);
  process.exit(1);
}
function t(lang, key, vars = {}) {
  const message = catalogs[lang][key] ?? catalogs.en[key];
  if (message === undefined) throw new Error(`no message "${key}" in web/i18n`);
  return message.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] === undefined ? whole : String(vars[name])));
}

// ---------------------------------------------------------------------------------------------
// Checks.
const results = [];
class Abort extends Error {}

/** Runs one check. A failed check is recorded; when fatal, the rest of its block is skipped. */
async function check(name, fn, { page, fatal = true } = {}) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`  ok    ${name} (${Date.now() - started} ms)`);
  } catch (err) {
    const message = String(err?.message ?? err).split("\n").slice(0, 6).join("\n        ");
    results.push({ name, ok: false, message });
    console.log(`  FAIL  ${name}\n        ${message}`);
    if (page && !page.isClosed()) {
      const file = join(SHOTS, `failure-${results.length}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      console.log(`        page was ${page.url()} (screenshot: ${relative(ROOT, file)})`);
    }
    if (fatal) throw new Abort(name);
  }
}

/** Runs a block of dependent checks: the first fatal failure skips the rest of the block. */
async function block(title, fn) {
  console.log(`\n${title}`);
  try {
    await fn();
  } catch (err) {
    if (err instanceof Abort) console.log(`        (rest of "${title}" skipped)`);
    else {
      results.push({ name: `${title}: unexpected error`, ok: false, message: String(err?.stack ?? err) });
      console.log(`  FAIL  ${title}: unexpected error\n        ${err?.stack ?? err}`);
    }
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** A form control by its visible label, inside <main> (the footer's language nav is also labelled "Language"). */
const field = (page, label) => page.locator("main").getByLabel(label, { exact: true });
const mainText = async (page) => (await page.locator("main").first().innerText()).replace(/\s+/g, " ");
const pathOf = (page) => new URL(page.url()).pathname;

/** Settles a page: loaded, island chunks fetched, fonts ready. */
async function settle(page) {
  await page.waitForLoadState("load");
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {});
  await page.evaluate(() => document.fonts?.ready).catch(() => {});
}

/** Everything that went wrong in the browser: uncaught errors, console errors, failed subresources. */
function watchProblems(page, problems) {
  page.on("pageerror", (err) => problems.push(`uncaught error on ${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    // Chrome logs every non-2xx document too (a wrong password answers 401): only real script errors count.
    if (msg.type() === "error" && !/Failed to load resource/.test(msg.text())) problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => {
    if (req.resourceType() !== "document") problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== "document") problems.push(`${res.status()} for ${res.url()}`);
  });
}

// ---------------------------------------------------------------------------------------------
let app;
let browser;
const watchdog = setTimeout(async () => {
  console.error(`\ne2e run timed out after ${TIMEOUT_MS / 1000} s`);
  results.push({ name: "whole run finishes in time", ok: false });
  await finish();
}, TIMEOUT_MS);

let finished = false;
async function finish() {
  if (finished) return;
  finished = true;
  clearTimeout(watchdog);
  await browser?.close().catch(() => {});
  await app?.stop().catch((err) => console.error(`stopping the app failed: ${err.message}`));
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    console.log(`\nFailed checks:`);
    for (const r of failed) console.log(`  - ${r.name}${r.message ? `: ${r.message.split("\n")[0]}` : ""}`);
    if (app) console.log(`Server log: ${relative(ROOT, app.logFile)}`);
  }
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length ? 1 : 0);
}

rmSync(SHOTS, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });

await block("Start", async () => {
  await check("the app starts (isolated local state) and answers on the demo tenant", async () => {
    app = await startApp({ label: "e2e" });
    console.log(`        http://${app.tenantHost}/ (state in ${app.stateDir})`);
  });
  await check("GET /healthz answers {ok:true} on the tenant host", async () => {
    const res = await http(app.port, app.tenantHost, "/healthz");
    assert(res.status === 200, `status ${res.status}`);
    assert(JSON.parse(res.body).ok === true, `body ${res.body}`);
  });
  await check(`Chromium is at ${CHROMIUM} and starts headless`, async () => {
    assert(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM_PATH`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });
  });
});
if (!app || !browser) await finish();

const tenant = `http://${app.tenantHost}`;
const platform = `http://${app.rootHost}`;

// ---------------------------------------------------------------------------------------------
await block("Sign up, log out, log in (en, 1280x800)", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  const problems = [];
  watchProblems(page, problems);
  const lang = "en";
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const member = { name: `Alex Tester ${suffix}`, email: `e2e-${suffix}@demo.example`, password: `e2e-pass-${suffix}-Xy!` };
  const greeting = t(lang, "home.greeting", { name: member.name });
  const opts = { page };

  try {
    await check("/signup shows the labelled fields: name, email, password, language", async () => {
      const res = await page.goto(`${tenant}/signup?lang=${lang}`);
      assert(res?.status() === 200, `GET /signup answered ${res?.status()}`);
      for (const key of ["signup.name", "signup.email", "signup.password", "signup.language"]) {
        await field(page, t(lang, key)).waitFor({ state: "visible" });
      }
    }, opts);

    await check("signing up a new member lands on the home page, signed in and greeted by name", async () => {
      await field(page, t(lang, "signup.name")).fill(member.name);
      await field(page, t(lang, "signup.email")).fill(member.email);
      await field(page, t(lang, "signup.password")).fill(member.password);
      await field(page, t(lang, "signup.language")).selectOption("en");
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        page.getByRole("button", { name: t(lang, "signup.submit") }).click(),
      ]);
      const text = await mainText(page);
      assert(text.includes(greeting), `home page does not say "${greeting}"; it says: ${text.slice(0, 300)}`);
    }, opts);

    let sid;
    await check("the session cookie sid is HttpOnly and SameSite=Lax", async () => {
      const cookie = (await context.cookies(tenant)).find((c) => c.name === "sid");
      assert(cookie, `no sid cookie; cookies: ${(await context.cookies(tenant)).map((c) => c.name).join(", ")}`);
      assert(cookie.httpOnly, "sid is not HttpOnly");
      assert(cookie.sameSite === "Lax", `sid has SameSite=${cookie.sameSite}`);
      sid = cookie.value;
      const me = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${sid}` } });
      assert(me.status === 200, `GET /api/v1/me with it answered ${me.status}`);
      const body = JSON.parse(me.body);
      assert(body.email === member.email && body.name === member.name, `GET /api/v1/me: ${me.body}`);
    }, opts);

    await check("logging out returns to a signed-out page and revokes the session server-side", async () => {
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/" || url.pathname === "/login", { waitUntil: "load" }),
        page.getByRole("button", { name: t(lang, "layout.logout") }).click(),
      ]);
      await page.getByRole("link", { name: t(lang, "layout.login"), exact: true }).first().waitFor({ state: "visible" });
      const text = await mainText(page);
      assert(!text.includes(greeting), "the greeting is still there after logging out");
      const me = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${sid}` } });
      assert(me.status === 401, `the old session cookie still works after logout: GET /api/v1/me answered ${me.status}`);
    }, opts);

    await check("the /login password field hydrates (show/hide toggle works)", async () => {
      const res = await page.goto(`${tenant}/login?lang=${lang}`);
      assert(res?.status() === 200, `GET /login answered ${res?.status()}`);
      const password = field(page, t(lang, "login.password"));
      const toggle = page.getByRole("button", { name: t(lang, "password.show_label") });
      await toggle.waitFor({ state: "visible" });
      await password.fill("peek-a-boo");
      await toggle.click();
      assert((await password.getAttribute("type")) === "text", "the toggle did not reveal the password");
      await page.getByRole("button", { name: t(lang, "password.hide_label") }).click();
      assert((await password.getAttribute("type")) === "password", "the toggle did not hide the password again");
      await password.fill("");
    }, opts);

    await check("a wrong password keeps you on /login with an error message", async () => {
      await field(page, t(lang, "login.email")).fill(member.email);
      await field(page, t(lang, "login.password")).fill(`${member.password}-wrong`);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/login", { waitUntil: "load" }),
        page.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
      ]);
      await page.waitForLoadState("load");
      const alert = page.getByRole("alert").first();
      await alert.waitFor({ state: "visible" });
      const text = (await alert.innerText()).trim();
      const expected = t(lang, "error.invalid_credentials");
      assert(text.includes(expected), `the alert says "${text}", expected "${expected}"`);
      assert(!(await context.cookies(tenant)).some((c) => c.name === "sid" && c.value), "a session cookie was set");
      await page.screenshot({ path: join(SHOTS, `login-error-${lang}-1280.png`), fullPage: true });
    }, opts);

    await check("logging in again through /login lands on the home page, greeted by name", async () => {
      await page.goto(`${tenant}/login?lang=${lang}`);
      await field(page, t(lang, "login.email")).fill(member.email);
      await field(page, t(lang, "login.password")).fill(member.password);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        page.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
      ]);
      const text = await mainText(page);
      assert(text.includes(greeting), `home page does not say "${greeting}"; it says: ${text.slice(0, 300)}`);
    }, opts);

    await check("no JavaScript errors or failed asset requests in the browser", async () => {
      assert(problems.length === 0, problems.join("\n"));
    }, { ...opts, fatal: false });
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------------
/** Visits a page and saves a full-page screenshot, checking status, <html lang> and the 360 px layout. */
async function shot(page, { url, file, lang, width, expectText, ready }) {
  await check(`screenshot ${file}`, async () => {
    const res = await page.goto(url);
    assert(res?.status() === 200, `GET ${url} answered ${res?.status()}`);
    await settle(page);
    if (ready) await ready(page);
    const htmlLang = await page.getAttribute("html", "lang");
    assert(htmlLang === lang, `<html lang="${htmlLang}">, expected "${lang}"`);
    if (expectText) {
      const text = await mainText(page);
      assert(text.includes(expectText), `page does not say "${expectText}"`);
    }
    await page.screenshot({ path: join(SHOTS, file), fullPage: true });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(scrollWidth <= width, `the page is ${scrollWidth} px wide at a ${width} px viewport (horizontal scrolling)`);
  }, { page, fatal: false });
}

for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
  await block(`Screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.setDefaultNavigationTimeout(30_000);
    const w = viewport.width;
    try {
      for (const lang of LANGS) {
        await shot(page, { url: `${platform}/?lang=${lang}`, file: `landing-${lang}-${tag}.png`, lang, width: w });
        await shot(page, { url: `${platform}/new?lang=${lang}`, file: `new-community-${lang}-${tag}.png`, lang, width: w });
        await shot(page, { url: `${tenant}/?lang=${lang}`, file: `home-signed-out-${lang}-${tag}.png`, lang, width: w });
        await shot(page, { url: `${tenant}/login?lang=${lang}`, file: `login-${lang}-${tag}.png`, lang, width: w });
        await shot(page, { url: `${tenant}/signup?lang=${lang}`, file: `signup-${lang}-${tag}.png`, lang, width: w });
      }
      const m = DEMO.member;
      await check(`log in as the demo member (${tag})`, async () => {
        await page.goto(`${tenant}/login?lang=en`);
        await field(page, t("en", "login.email")).fill(m.email);
        await field(page, t("en", "login.password")).fill(m.password);
        await Promise.all([
          page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
          page.getByRole("button", { name: t("en", "login.submit"), exact: true }).click(),
        ]);
      }, { page });
      for (const lang of LANGS) {
        await shot(page, {
          url: `${tenant}/?lang=${lang}`,
          file: `home-signed-in-${lang}-${tag}.png`,
          lang,
          width: w,
          expectText: t(lang, "home.greeting", { name: m.name }),
        });
      }
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Groups: the join page behind a group's link, and the admin's live request queue.
const FOUNDERS = { slug: "founders", question: { id: "q1", label: "Sur quel projet travaillez-vous ?" } };
const json = (res) => {
  try {
    return JSON.parse(res.body);
  } catch {
    return null;
  }
};
const sidOf = (res) => [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean) ?? null;
/** POST JSON to the tenant host (no Origin header, as an integrator would). */
const postJson = (path, body, sid) =>
  http(app.port, app.tenantHost, path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(sid ? { cookie: `sid=${sid}` } : {}) },
    body: JSON.stringify(body),
  });
async function apiLogin(email, password) {
  const res = await postJson("/api/v1/auth/login", { email, password });
  assert(res.status === 200, `POST /api/v1/auth/login as ${email} answered ${res.status}: ${res.body.slice(0, 200)}`);
  const sid = sidOf(res);
  assert(sid, "no sid cookie in the login answer");
  return sid;
}
const newPage = async (context) => {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  return page;
};

const groupSuffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const visitor = { name: `Sam Visitor ${groupSuffix}`, email: `e2e-join-${groupSuffix}@demo.example`, password: `e2e-join-${groupSuffix}-Xy!`, sid: null };

await block("Groups: join an approval group while the admin watches the queue live (en, 1280x800)", async () => {
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const adminContext = await browser.newContext({ viewport });
  const visitorContext = await browser.newContext({ viewport });
  const problems = [];
  try {
    const admin = await newPage(adminContext);
    const guest = await newPage(visitorContext);
    watchProblems(admin, problems);
    watchProblems(guest, problems);
    const queueUrl = `${tenant}/admin/groups/${FOUNDERS.slug}/requests?lang=${lang}`;
    let adminNavigations = 0;

    await check("the demo owner logs in and opens the founders request queue, which goes live", async () => {
      await admin.goto(`${tenant}/login?lang=${lang}`);
      await field(admin, t(lang, "login.email")).fill(DEMO.owner.email);
      await field(admin, t(lang, "login.password")).fill(DEMO.owner.password);
      await Promise.all([
        admin.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        admin.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
      ]);
      const res = await admin.goto(queueUrl);
      assert(res?.status() === 200, `GET ${queueUrl} answered ${res?.status()}`);
      await admin.getByRole("heading", { name: t(lang, "admin.requests.title") }).waitFor({ state: "visible" });
      // The island says "Live" once its WebSocket to /api/v1/groups/founders/requests/live is open.
      await admin.locator(".queue-live[data-state=live]").getByText(t(lang, "admin.requests.live"), { exact: true }).waitFor({ state: "visible" });
      // From here on the page must not reload: a marker in the window would be lost, and so would be counted.
      await admin.evaluate(() => (window.__e2eQueueMarker = "kept"));
      admin.on("framenavigated", (frame) => {
        if (frame === admin.mainFrame()) adminNavigations++;
      });
    }, { page: admin });

    await check("/g/founders/join (signed out) shows name, email, password, language and the group's question", async () => {
      const res = await guest.goto(`${tenant}/g/${FOUNDERS.slug}/join?lang=${lang}`);
      assert(res?.status() === 200, `GET /g/${FOUNDERS.slug}/join answered ${res?.status()}`);
      await guest.getByRole("heading", { name: t(lang, "join.signup_title") }).waitFor({ state: "visible" });
      for (const key of ["signup.name", "signup.email", "signup.password", "signup.language"]) {
        await field(guest, t(lang, key)).waitFor({ state: "visible" });
      }
      const q = field(guest, `${FOUNDERS.question.label} ${t(lang, "form.required_tag")}`);
      await q.waitFor({ state: "visible" });
      assert((await q.getAttribute("name")) === `answer.${FOUNDERS.question.id}`, `the question's field is named ${await q.getAttribute("name")}`);
      const mode = await guest.locator("main form input[type=hidden][name=mode]").getAttribute("value");
      assert(mode === "signup", `hidden mode is "${mode}"`);
    }, { page: guest });

    await check("signing up and answering in one form sends the request: 202 and the pending state", async () => {
      await field(guest, t(lang, "signup.name")).fill(visitor.name);
      await field(guest, t(lang, "signup.email")).fill(visitor.email);
      await field(guest, t(lang, "signup.password")).fill(visitor.password);
      await field(guest, t(lang, "signup.language")).selectOption("en");
      await field(guest, `${FOUNDERS.question.label} ${t(lang, "form.required_tag")}`).fill("Un atelier de réparation de vélos, en coopérative.");
      const [response] = await Promise.all([
        guest.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === `/g/${FOUNDERS.slug}/join`),
        guest.getByRole("button", { name: t(lang, "join.submit_signup_request"), exact: true }).click(),
      ]);
      assert(response.status() === 202, `POST /g/${FOUNDERS.slug}/join answered ${response.status()}, expected 202`);
      await guest.waitForLoadState("load");
      await guest.getByRole("heading", { name: t(lang, "join.pending_title") }).waitFor({ state: "visible" });
      const text = await mainText(guest);
      const body = t(lang, "join.pending_body", { group: "Cercle des fondateurs" });
      assert(text.includes(body), `the pending page does not say "${body}"; it says: ${text.slice(0, 300)}`);
      visitor.sid = (await visitorContext.cookies(tenant)).find((c) => c.name === "sid")?.value ?? null;
      assert(visitor.sid, "no sid cookie after signing up through the join form");
      await guest.screenshot({ path: join(SHOTS, `group-join-pending-${lang}-1280.png`), fullPage: true });
    }, { page: guest });

    const row = admin.locator("li.request", { hasText: visitor.email });
    await check("the admin's open queue shows the new request without a reload", async () => {
      await row.waitFor({ state: "visible", timeout: 10_000 });
      const text = (await row.innerText()).replace(/\s+/g, " ");
      assert(text.includes(visitor.name), `the new row does not show the name: ${text}`);
      assert(text.includes("Un atelier de réparation de vélos"), `the new row does not show the answer: ${text}`);
      assert(adminNavigations === 0, `the queue page navigated ${adminNavigations} time(s)`);
      assert((await admin.evaluate(() => window.__e2eQueueMarker)) === "kept", "the queue page was reloaded");
      await admin.screenshot({ path: join(SHOTS, `admin-requests-live-${lang}-1280.png`), fullPage: true });
    }, { page: admin });

    await check("Approve in the queue calls the JSON API and the row disappears", async () => {
      const [response] = await Promise.all([
        admin.waitForResponse((r) => r.request().method() === "POST" && /\/api\/v1\/groups\/founders\/requests\/[^/]+\/approve$/.test(new URL(r.url()).pathname)),
        row.getByRole("button", { name: t(lang, "admin.requests.approve_label", { name: visitor.name }), exact: true }).click(),
      ]);
      assert(response.status() === 200, `${response.url()} answered ${response.status()}`);
      await row.waitFor({ state: "detached", timeout: 10_000 });
      assert(adminNavigations === 0 && (await admin.evaluate(() => window.__e2eQueueMarker)) === "kept", "the queue page was reloaded");
    }, { page: admin });

    await check("the visitor's waiting page turns into /g/founders by itself, where they are a member", async () => {
      // The waiting page listens for the decision and opens the group once the membership is written:
      // no reload from the test (it would race the page's own navigation).
      let text = "";
      for (const started = Date.now(); Date.now() - started < 15_000; await guest.waitForTimeout(250)) {
        text = await mainText(guest).catch(() => "");
        if (new URL(guest.url()).pathname === `/g/${FOUNDERS.slug}` && text.includes(t(lang, "group.you_member"))) break;
      }
      assert(text.includes(t(lang, "group.you_member")), `the group page does not say "${t(lang, "group.you_member")}"; it says: ${text.slice(0, 300)}`);
      await guest.getByRole("button", { name: t(lang, "group.leave"), exact: true }).waitFor({ state: "visible" });
    }, { page: guest });

    await check("GET /api/v1/me lists founders with role member for the visitor", async () => {
      const res = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${visitor.sid}` } });
      assert(res.status === 200, `GET /api/v1/me answered ${res.status}`);
      const groups = json(res)?.groups ?? [];
      const founders = groups.find((g) => g.slug === FOUNDERS.slug);
      assert(founders?.role === "member", `groups: ${JSON.stringify(groups)}`);
    }, { page: guest });

    await check("no JavaScript errors or failed requests in either browser", async () => {
      assert(problems.length === 0, problems.join("\n"));
    }, { fatal: false });
  } finally {
    await adminContext.close();
    await visitorContext.close();
  }
});

// A second applicant, through the JSON API, so the queue has someone waiting in the screenshots.
const pendingApplicant = { name: "Inès Moreau", email: `e2e-pending-${groupSuffix}@demo.example`, password: `e2e-pending-${groupSuffix}-Xy!` };
let ownerSid = null;
await block("Groups: a second applicant through the JSON API", async () => {
  await check("POST /api/v1/auth/signup, then POST /api/v1/groups/founders/join: 202 pending", async () => {
    const signup = await postJson("/api/v1/auth/signup", { ...pendingApplicant, language: "fr" });
    assert(signup.status === 201, `signup answered ${signup.status}: ${signup.body.slice(0, 200)}`);
    const sid = sidOf(signup);
    assert(sid, "no sid cookie in the signup answer");
    const join = await postJson(`/api/v1/groups/${FOUNDERS.slug}/join`, {
      answers: { [FOUNDERS.question.id]: "Une application de covoiturage pour les artisans du quartier, en test avec une quarantaine d'utilisateurs." },
    }, sid);
    assert(join.status === 202, `join answered ${join.status}: ${join.body}`);
    assert(json(join)?.status === "pending" && json(join)?.requestId, `join answered ${join.body}`);
  });
  await check("the owner sees it in GET /api/v1/groups/founders/requests", async () => {
    ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const res = await http(app.port, app.tenantHost, `/api/v1/groups/${FOUNDERS.slug}/requests`, { headers: { cookie: `sid=${ownerSid}` } });
    assert(res.status === 200, `answered ${res.status}`);
    const items = json(res)?.items ?? [];
    assert(items.some((r) => r.email === pendingApplicant.email), `requests: ${res.body.slice(0, 300)}`);
    assert(!items.some((r) => r.email === visitor.email), "the approved visitor is still pending");
  });
});

for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
  await block(`Group and admin screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const options = { viewport, isMobile, hasTouch, deviceScaleFactor: 1 };
    const contexts = [];
    const problems = [];
    const pageIn = async (sid) => {
      const context = await browser.newContext(options);
      contexts.push(context);
      if (sid) await context.addCookies([{ name: "sid", value: sid, url: tenant }]);
      const page = await newPage(context);
      watchProblems(page, problems);
      return page;
    };
    const w = viewport.width;
    try {
      const guest = await pageIn(null);
      const member = visitor.sid ? await pageIn(await apiLogin(visitor.email, visitor.password)) : null;
      const owner = await pageIn(ownerSid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password)));
      const admin = `${tenant}/admin/groups/${FOUNDERS.slug}`;
      for (const lang of LANGS) {
        await shot(guest, { url: `${tenant}/g/makers?lang=${lang}`, file: `group-makers-signed-out-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "group.join") });
        await shot(guest, { url: `${tenant}/g/${FOUNDERS.slug}/join?lang=${lang}`, file: `group-join-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "join.signup_title") });
        if (member) {
          await shot(member, { url: `${tenant}/g/${FOUNDERS.slug}?lang=${lang}`, file: `group-founders-member-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "group.you_member") });
        } else {
          await check(`screenshot group-founders-member-${lang}-${tag}.png`, async () => assert(false, "no member session: the join scenario failed"), { fatal: false });
        }
        await shot(owner, { url: `${tenant}/admin?lang=${lang}`, file: `admin-groups-${lang}-${tag}.png`, lang, width: w });
        await shot(owner, { url: `${admin}?lang=${lang}`, file: `admin-group-settings-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.settings.save") });
        await shot(owner, { url: `${admin}/branding?lang=${lang}`, file: `admin-group-branding-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "branding.save") });
        await shot(owner, { url: `${admin}/members?lang=${lang}`, file: `admin-group-members-${lang}-${tag}.png`, lang, width: w, expectText: visitor.name });
        await shot(owner, {
          url: `${admin}/requests?lang=${lang}`,
          file: `admin-group-requests-${lang}-${tag}.png`,
          lang,
          width: w,
          expectText: pendingApplicant.name,
          ready: (page) => page.locator(".queue-live[data-state=live]").waitFor({ state: "visible" }),
        });
      }
      await check(`no JavaScript errors or failed requests on the group and admin pages (${tag})`, async () => {
        assert(problems.length === 0, problems.join("\n"));
      }, { fatal: false });
    } finally {
      for (const context of contexts) await context.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Invitations: import a spreadsheet, read the invitation email, accept it in a fresh browser.
const COMMUNITY = "Atelier Commun"; // the demo tenant's name (scripts/local-db.mjs)
const MAKERS = { slug: "makers", name: "Makers" };
const inviteSuffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const invitees = [
  { email: `e2e-invite-a-${inviteSuffix}@demo.example`, first: "Léa", last: "Fontaine", language: "en", groups: MAKERS.slug, admin: false },
  { email: `e2e-invite-b-${inviteSuffix}@demo.example`, first: "Hugo", last: "Lambert", language: "fr", groups: "", admin: false },
  { email: `e2e-invite-c-${inviteSuffix}@demo.example`, first: "", last: "", language: "", groups: "", admin: false },
];
const invitee = { ...invitees[0], name: "Léa Fontaine", password: `e2e-invite-${inviteSuffix}-Xy!`, link: null };
/** The plural form the island picks for `count` in `lang` (the catalogs keep both forms under .one/.other). */
const tPlural = (lang, key, count) => t(lang, `${key}.${new Intl.PluralRules(lang).select(count) === "one" ? "one" : "other"}`, { count: count.toLocaleString(lang) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The invitations sheet: the template's header row, then one row per invitee (empty cells as null). */
async function invitationsXlsx(rows) {
  const header = ["email", "first_name", "last_name", "language", "groups", "admin"];
  const cell = (v) => (v === "" ? null : v);
  const data = [header, ...rows.map((r) => [r.email, cell(r.first), cell(r.last), cell(r.language), cell(r.groups), r.admin])];
  return writeExcelFile(data).toBuffer();
}

/** Waits until an island's container has been hydrated by Preact (its root vnode is set on the element). */
async function islandHydrated(page, name, timeout = 10_000) {
  await page.waitForFunction((n) => Boolean(document.querySelector(`[data-island="${n}"]`)?.__k), name, { timeout }).catch(() => {});
}

await block("Invitations: import a spreadsheet, then accept the invitation (en, 1280x800)", async () => {
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  const adminContext = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const inviteeContext = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const narrowContext = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
  try {
    const admin = await newPage(adminContext);
    const guest = await newPage(inviteeContext);
    const narrow = await newPage(narrowContext);
    for (const p of [admin, guest, narrow]) watchProblems(p, problems);
    const importUrl = `${tenant}/admin/invitations/import?lang=${lang}`;
    const preview = admin.locator("section.import-preview");

    await check("the demo owner opens /admin/invitations/import: the help, the file input and the Preview button", async () => {
      await adminContext.addCookies([{ name: "sid", value: ownerSid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password)), url: tenant }]);
      const res = await admin.goto(importUrl);
      assert(res?.status() === 200, `GET ${importUrl} answered ${res?.status()}`);
      await settle(admin);
      await admin.getByRole("heading", { name: t(lang, "admin.import.title"), exact: true }).waitFor({ state: "visible" });
      await admin.getByRole("heading", { name: t(lang, "admin.import.form_title"), exact: true }).waitFor({ state: "visible" });
      await field(admin, t(lang, "admin.import.file")).waitFor({ state: "attached" });
      await admin.getByRole("button", { name: t(lang, "admin.import.submit"), exact: true }).waitFor({ state: "visible" });
      await islandHydrated(admin, "ImportPreview");
      await admin.screenshot({ path: join(SHOTS, `invitations-import-${lang}-1280.png`), fullPage: true });
    }, { page: admin });

    await check("choosing a generated .xlsx (3 rows) shows the preview: the emails and 3 invitations to send", async () => {
      const buffer = await invitationsXlsx(invitees);
      assert(buffer[0] === 0x50 && buffer[1] === 0x4b, "write-excel-file did not produce a ZIP (.xlsx)");
      const dryRun = admin.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/invitations/import", { timeout: 15_000 });
      await field(admin, t(lang, "admin.import.file")).setInputFiles({
        name: "invitations-e2e.xlsx",
        mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        buffer,
      });
      // The island previews a chosen file at once; were it not hydrated yet, the Preview button does it.
      const answered = await dryRun.catch(() => null);
      if (!answered) await admin.getByRole("button", { name: t(lang, "admin.import.submit"), exact: true }).click();
      else {
        assert(new URL(answered.url()).searchParams.get("dryRun") === "1", `the preview called ${answered.url()} (no dryRun=1)`);
        assert(answered.status() === 200, `the preview answered ${answered.status()}: ${(await answered.text()).slice(0, 300)}`);
      }
      await preview.getByRole("heading", { name: t(lang, "admin.import.preview_title"), exact: true }).waitFor({ state: "visible", timeout: 15_000 });
      const text = (await preview.innerText()).replace(/\s+/g, " ");
      for (const r of invitees) assert(text.includes(r.email), `the preview does not list ${r.email}: ${text.slice(0, 400)}`);
      const count = tPlural(lang, "admin.import.count.invite", invitees.length);
      assert(text.includes(count), `the preview does not say "${count}": ${text.slice(0, 400)}`);
      const rowA = preview.locator("tr.import-row", { hasText: invitee.email });
      const rowText = (await rowA.innerText()).replace(/\s+/g, " ");
      assert(rowText.includes(MAKERS.name) && rowText.includes(invitee.name) && rowText.includes(t(lang, "language.en")), `the row of ${invitee.email} says: ${rowText}`);
      assert(pathOf(admin) === "/admin/invitations/import", `the page is now ${admin.url()}`);
      await admin.screenshot({ path: join(SHOTS, `invitations-preview-${lang}-1280.png`), fullPage: true });
      await preview.screenshot({ path: join(SHOTS, `invitations-preview-panel-${lang}-1280.png`) });
    }, { page: admin });

    await check("Send imports the file and shows the result: 3 invitations sent", async () => {
      const send = tPlural(lang, "admin.import.confirm", invitees.length);
      const [response] = await Promise.all([
        admin.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/invitations/import" && !new URL(r.url()).searchParams.has("dryRun")),
        admin.getByRole("button", { name: send, exact: true }).click(),
      ]);
      assert(response.status() === 200, `the import answered ${response.status()}: ${(await response.text()).slice(0, 300)}`);
      const result = admin.locator("section.import-result");
      await result.getByRole("heading", { name: t(lang, "admin.import.result_title"), exact: true }).waitFor({ state: "visible" });
      const text = (await result.innerText()).replace(/\s+/g, " ");
      const sent = tPlural(lang, "admin.invitations.result.invited", invitees.length);
      assert(text.includes(sent), `the result does not say "${sent}": ${text.slice(0, 300)}`);
      await result.getByRole("link", { name: t(lang, "admin.import.see_list"), exact: true }).waitFor({ state: "visible" });
      await result.screenshot({ path: join(SHOTS, `invitations-import-done-panel-${lang}-1280.png`) });
      // The focus moved down to the result; from the top, the sticky admin menu sits where it belongs in a full-page shot.
      await admin.evaluate(() => window.scrollTo(0, 0));
      await admin.screenshot({ path: join(SHOTS, `invitations-import-done-${lang}-1280.png`), fullPage: true });
    }, { page: admin });

    await check("the invitee's email is in the dev mailbox, with a link to /invite/<token>", async () => {
      const pattern = new RegExp(`http://${app.tenantHost.replace(/[.]/g, "\\.")}/invite/[A-Za-z0-9_%-]+`);
      const deadline = Date.now() + 20_000;
      let last = "";
      while (Date.now() < deadline && !invitee.link) {
        const res = await http(app.port, app.tenantHost, `/api/v1/dev/mail?to=${encodeURIComponent(invitee.email)}`);
        last = `${res.status} ${res.body.slice(0, 300)}`;
        const mails = res.status === 200 ? (json(res) ?? []) : [];
        const match = mails.length ? pattern.exec(mails[0].text ?? "") : null;
        if (match) invitee.link = match[0];
        else await sleep(250);
      }
      assert(invitee.link, `no invitation link for ${invitee.email} in the dev mailbox; last answer: ${last}`);
    });

    const inviteUrl = () => `${invitee.link}${invitee.link.includes("?") ? "&" : "?"}lang=${lang}`;
    await check("the invitation page at 360 px (before accepting it)", async () => {
      const res = await narrow.goto(inviteUrl());
      assert(res?.status() === 200, `GET ${invitee.link} answered ${res?.status()}`);
      await settle(narrow);
      assert((await narrow.locator("main .invite-email").inputValue()).trim() === invitee.email, "the 360 px page does not show the invitee's email");
      await narrow.screenshot({ path: join(SHOTS, `invite-accept-${lang}-360.png`), fullPage: true });
      const scrollWidth = await narrow.evaluate(() => document.documentElement.scrollWidth);
      assert(scrollWidth <= 360, `the page is ${scrollWidth} px wide at a 360 px viewport (horizontal scrolling)`);
    }, { page: narrow, fatal: false });

    await check("a fresh browser opens the link: the invitation shows their email and the makers group", async () => {
      const res = await guest.goto(inviteUrl());
      assert(res?.status() === 200, `GET ${invitee.link} answered ${res?.status()}`);
      await settle(guest);
      await guest.getByRole("heading", { name: t(lang, "invite.heading", { community: COMMUNITY }), exact: true }).waitFor({ state: "visible" });
      // The address is shown as text (whole, however long), not as a field to fill.
      const email = guest.locator("main .invite-email");
      await email.waitFor({ state: "visible" });
      assert((await email.inputValue()).trim() === invitee.email, `the page shows "${await email.inputValue()}" as the email`);
      assert((await guest.locator('main input[name="email"]').count()) === 0, "the email can be edited");
      const text = await mainText(guest);
      assert(text.includes(t(lang, "invite.groups_title")) && text.includes(MAKERS.name), `the page does not list the makers group: ${text.slice(0, 400)}`);
      await guest.screenshot({ path: join(SHOTS, `invite-accept-${lang}-1280.png`), fullPage: true });
    }, { page: guest });

    await check("setting a name and a password lands on /g/makers, signed in as a member", async () => {
      await field(guest, t(lang, "signup.name")).fill(invitee.name);
      await field(guest, t(lang, "signup.password")).fill(invitee.password);
      const invitePath = new URL(invitee.link).pathname;
      const [response] = await Promise.all([
        guest.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === invitePath),
        guest.getByRole("button", { name: t(lang, "invite.submit", { community: COMMUNITY }), exact: true }).click(),
      ]);
      if (response.status() !== 303) {
        const origin = (await response.request().allHeaders()).origin;
        const html = await response.text().catch(() => "");
        const body = (/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? html).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
        throw new Error(`POST ${invitePath} answered ${response.status()}, expected 303 to /g/${MAKERS.slug} (request Origin: ${origin ?? "none"}): ${body.slice(0, 200)}`);
      }
      await guest.waitForURL((url) => url.pathname === `/g/${MAKERS.slug}`, { waitUntil: "load" });
      await guest.getByRole("button", { name: t(lang, "layout.logout") }).first().waitFor({ state: "visible" });
      const text = await mainText(guest);
      assert(text.includes(t(lang, "group.you_member")), `/g/${MAKERS.slug} does not say "${t(lang, "group.you_member")}"; it says: ${text.slice(0, 300)}`);
      await settle(guest);
      await guest.screenshot({ path: join(SHOTS, `invite-accepted-group-${lang}-1280.png`), fullPage: true });
    }, { page: guest });

    await check("GET /api/v1/me (the new session) names them and lists makers among their groups", async () => {
      const sid = (await inviteeContext.cookies(tenant)).find((c) => c.name === "sid")?.value;
      assert(sid, "no sid cookie after accepting the invitation");
      const res = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${sid}` } });
      assert(res.status === 200, `GET /api/v1/me answered ${res.status}`);
      const me = json(res) ?? {};
      assert(me.email === invitee.email && me.name === invitee.name, `GET /api/v1/me: ${res.body.slice(0, 300)}`);
      const makers = (me.groups ?? []).find((g) => g.slug === MAKERS.slug);
      assert(makers, `makers is not among their groups: ${JSON.stringify(me.groups)}`);
    }, { page: guest });

    await check("no JavaScript errors or failed requests in the invitation browsers", async () => {
      assert(problems.length === 0, problems.join("\n"));
    }, { fatal: false });
  } finally {
    await adminContext.close();
    await inviteeContext.close();
    await narrowContext.close();
  }
});

for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
  await block(`Invitation admin screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    const problems = [];
    try {
      await context.addCookies([{ name: "sid", value: ownerSid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password)), url: tenant }]);
      const page = await newPage(context);
      watchProblems(page, problems);
      const w = viewport.width;
      for (const lang of LANGS) {
        await shot(page, { url: `${tenant}/admin/invitations?lang=${lang}`, file: `invitations-form-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.invitations.invite_title") });
        if (tag !== "1280" || lang !== "en") {
          // (en at 1280 is taken by the import scenario above, with the island hydrated.)
          await shot(page, { url: `${tenant}/admin/invitations/import?lang=${lang}`, file: `invitations-import-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.import.form_title") });
        }
      }
      if (tag === "360") {
        // The preview's table becomes one card per row on a phone. The file's addresses were imported above,
        // so these rows now say what happens to people already invited or already members; plus one new row.
        const lang = "en";
        const file = `invitations-preview-${lang}-${tag}.png`;
        await check(`screenshot ${file}`, async () => {
          const res = await page.goto(`${tenant}/admin/invitations/import?lang=${lang}`);
          assert(res?.status() === 200, `GET /admin/invitations/import answered ${res?.status()}`);
          await settle(page);
          await islandHydrated(page, "ImportPreview");
          const rows = [...invitees, { email: `e2e-invite-d-${inviteSuffix}@demo.example`, first: "Zoé", last: "Petit-Delacroix", language: "nl", groups: `${MAKERS.slug}|${FOUNDERS.slug}`, admin: true }];
          await field(page, t(lang, "admin.import.file")).setInputFiles({ name: "invitations-e2e-again.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: await invitationsXlsx(rows) });
          const preview = page.locator("section.import-preview");
          await preview.getByRole("heading", { name: t(lang, "admin.import.preview_title"), exact: true }).waitFor({ state: "visible", timeout: 15_000 });
          const text = (await preview.innerText()).replace(/\s+/g, " ");
          assert(text.includes(rows[3].email), `the preview does not list ${rows[3].email}: ${text.slice(0, 300)}`);
          await page.screenshot({ path: join(SHOTS, file), fullPage: true });
          await preview.screenshot({ path: join(SHOTS, `invitations-preview-panel-${lang}-${tag}.png`) });
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(scrollWidth <= w, `the page is ${scrollWidth} px wide at a ${w} px viewport (horizontal scrolling)`);
        }, { page, fatal: false });
      }
      await check(`no JavaScript errors or failed requests on the invitation admin pages (${tag})`, async () => {
        assert(problems.length === 0, problems.join("\n"));
      }, { fatal: false });
    } finally {
      await context.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Profiles: the owner defines custom fields, the demo member fills in the ones they may edit
// (and cannot edit the others), the member directory filters by a field.
const profileSuffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
const PROFILE = {
  zone: { key: `zone_${profileSuffix}`, label: "Desk zone", options: ["North wing", "South wing"] },
  number: { key: `member_no_${profileSuffix}`, label: "Membership number" },
  note: { key: `note_${profileSuffix}`, label: "Internal note", value: `e2e-admin-only-${profileSuffix}` },
  boat: { key: `workshop_${profileSuffix}`, label: "Workshop badge" },
};

await block("Profiles: fields defined by the owner, filled in by a member, a directory filter (en, 1280x800)", async () => {
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const adminContext = await browser.newContext({ viewport });
  const memberContext = await browser.newContext({ viewport });
  const problems = [];
  try {
    await adminContext.addCookies([{ name: "sid", value: await apiLogin(DEMO.owner.email, DEMO.owner.password), url: tenant }]);
    const admin = await newPage(adminContext);
    const member = await newPage(memberContext);
    watchProblems(admin, problems);
    watchProblems(member, problems);
    const fieldsUrl = `${tenant}/admin/profile-fields?lang=${lang}`;
    const addField = async ({ key, label, type, options, admins = false, editable = true, directory = false }) => {
      await admin.goto(fieldsUrl);
      await field(admin, t(lang, "admin.fields.label")).fill(label);
      await field(admin, t(lang, "admin.fields.key")).fill(key);
      await field(admin, t(lang, "admin.fields.type")).selectOption(type);
      if (options) await field(admin, t(lang, "admin.fields.options")).fill(options.join("\n"));
      if (admins) await admin.locator('main input[name="visibility"][value="admins"]').check();
      const editableBox = field(admin, t(lang, "admin.fields.editable"));
      if (editable) await editableBox.check();
      else await editableBox.uncheck();
      if (directory) {
        await field(admin, t(lang, "admin.fields.public")).check();
        await field(admin, t(lang, "admin.fields.filterable")).check();
      }
      await Promise.all([
        admin.waitForURL((url) => url.searchParams.get("done") === "created", { waitUntil: "load" }),
        admin.getByRole("button", { name: t(lang, "admin.fields.create"), exact: true }).click(),
      ]);
      const text = await mainText(admin);
      assert(text.includes(t(lang, "admin.fields.notice.created")), `no "${t(lang, "admin.fields.notice.created")}" notice after adding ${label}`);
      assert(text.includes(key), `the list does not show the key ${key}`);
    };

    await check("/admin has a Profile fields entry leading to /admin/profile-fields", async () => {
      await admin.goto(`${tenant}/admin?lang=${lang}`);
      await Promise.all([
        admin.waitForURL((url) => url.pathname === "/admin/profile-fields", { waitUntil: "load" }),
        admin.locator("nav.admin-nav").getByRole("link", { name: t(lang, "admin.nav.profile_fields"), exact: true }).click(),
      ]);
    }, { page: admin });

    await check("the owner adds a one-choice field shown and filterable in the directory", async () => {
      await addField({ key: PROFILE.zone.key, label: PROFILE.zone.label, type: "select", options: PROFILE.zone.options, directory: true });
    }, { page: admin });
    await check("the owner adds a number field the member cannot change", async () => {
      await addField({ key: PROFILE.number.key, label: PROFILE.number.label, type: "number", editable: false });
    }, { page: admin });
    await check("the owner adds an admins-only field", async () => {
      await addField({ key: PROFILE.note.key, label: PROFILE.note.label, type: "text", admins: true });
    }, { page: admin });
    await check("the owner adds a required field asked only of the makers", async () => {
      await admin.goto(fieldsUrl);
      await field(admin, t(lang, "admin.fields.label")).fill(PROFILE.boat.label);
      await field(admin, t(lang, "admin.fields.key")).fill(PROFILE.boat.key);
      await field(admin, t(lang, "admin.fields.required")).check();
      await admin.locator(`main input[name="groups"][value="${MAKERS.slug}"]`).check();
      await Promise.all([
        admin.waitForURL((url) => url.searchParams.get("done") === "created", { waitUntil: "load" }),
        admin.getByRole("button", { name: t(lang, "admin.fields.create"), exact: true }).click(),
      ]);
      await settle(admin);
      await admin.screenshot({ path: join(SHOTS, `admin-profile-fields-created-${lang}-1280.png`), fullPage: true });
    }, { page: admin });

    await check("the owner sets the member's number and internal note on /admin/members/…/profile", async () => {
      await admin.goto(`${tenant}/admin/members?lang=${lang}`);
      await Promise.all([
        admin.waitForURL((url) => url.pathname.endsWith("/profile"), { waitUntil: "load" }),
        admin.getByRole("link", { name: t(lang, "admin.member_profile.open_label", { name: DEMO.member.name }), exact: true }).click(),
      ]);
      await field(admin, PROFILE.number.label).fill("1234");
      await field(admin, PROFILE.note.label).fill(PROFILE.note.value);
      await Promise.all([
        admin.waitForURL((url) => url.searchParams.get("done") === "saved", { waitUntil: "load" }),
        admin.getByRole("button", { name: t(lang, "profile.save"), exact: true }).click(),
      ]);
      assert((await field(admin, PROFILE.number.label).inputValue()) === "1234", "the number was not saved");
    }, { page: admin });

    await check("the member logs in and opens their profile from the header", async () => {
      await member.goto(`${tenant}/login?lang=${lang}`);
      await field(member, t(lang, "login.email")).fill(DEMO.member.email);
      await field(member, t(lang, "login.password")).fill(DEMO.member.password);
      await Promise.all([
        member.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
        member.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
      ]);
      await Promise.all([
        member.waitForURL((url) => url.pathname === "/me", { waitUntil: "load" }),
        member.getByRole("link", { name: t(lang, "layout.profile", { name: DEMO.member.name }), exact: true }).click(),
      ]);
    }, { page: member });

    await check("/me: the editable field is a control, the number is read-only text, the admins-only field is absent", async () => {
      await member.goto(`${tenant}/me?lang=${lang}`);
      await settle(member);
      await field(member, PROFILE.zone.label).waitFor({ state: "visible" });
      assert((await member.locator(`main [name="profile.${PROFILE.number.key}"]`).count()) === 0, "the read-only number has a form control");
      const text = await mainText(member);
      assert(text.includes(PROFILE.number.label) && text.includes("1,234"), `the read-only number is not shown: ${text.slice(0, 400)}`);
      for (const hidden of [PROFILE.note.label, PROFILE.note.value]) assert(!(await member.content()).includes(hidden), `/me shows "${hidden}"`);
      // The member is in makers: the makers' required field is theirs to fill.
      await field(member, `${PROFILE.boat.label} ${t(lang, "form.required_tag")}`).waitFor({ state: "visible" });
    }, { page: member });

    await check("the member picks a zone, writes a bio and saves", async () => {
      await field(member, PROFILE.zone.label).selectOption(PROFILE.zone.options[1]);
      await field(member, t(lang, "profile.bio")).fill("Builds furniture on Thursdays.");
      await field(member, `${PROFILE.boat.label} ${t(lang, "form.required_tag")}`).fill("Woodshop");
      await Promise.all([
        member.waitForURL((url) => url.searchParams.get("done") === "saved", { waitUntil: "load" }),
        member.getByRole("button", { name: t(lang, "profile.save"), exact: true }).click(),
      ]);
      const text = await mainText(member);
      assert(text.includes(t(lang, "profile.notice.saved")), "no saved notice");
      assert((await field(member, PROFILE.zone.label).inputValue()) === PROFILE.zone.options[1], "the zone was not kept");
      await member.screenshot({ path: join(SHOTS, `profile-me-saved-${lang}-1280.png`), fullPage: true });
    }, { page: member });

    await check("the member cannot change the read-only number (PATCH /api/v1/me/profile answers 403 field_not_editable)", async () => {
      const sid = (await memberContext.cookies(tenant)).find((c) => c.name === "sid")?.value;
      const res = await http(app.port, app.tenantHost, "/api/v1/me/profile", {
        method: "PATCH",
        headers: { "content-type": "application/json", cookie: `sid=${sid}` },
        body: JSON.stringify({ fields: { [PROFILE.number.key]: 1 } }),
      });
      assert(res.status === 403 && json(res)?.error?.code === "field_not_editable", `answered ${res.status}: ${res.body.slice(0, 200)}`);
    }, { page: member });

    await check("the directory filters by the zone: South lists the member, North does not", async () => {
      await member.goto(`${tenant}/members?lang=${lang}`);
      await Promise.all([
        member.waitForURL((url) => url.pathname === "/members", { waitUntil: "load" }),
        member.locator("nav.site-nav").getByRole("link", { name: t(lang, "layout.members"), exact: true }).click(),
      ]);
      await field(member, PROFILE.zone.label).selectOption(PROFILE.zone.options[1]);
      await Promise.all([
        member.waitForURL((url) => url.searchParams.get(`field.${PROFILE.zone.key}`) === PROFILE.zone.options[1], { waitUntil: "load" }),
        member.getByRole("button", { name: t(lang, "directory.search_submit"), exact: true }).click(),
      ]);
      const cards = member.locator("main .member-card");
      const south = (await cards.allInnerTexts()).join(" | ");
      assert(south.includes(DEMO.member.name) && south.includes(PROFILE.zone.options[1]), `South does not list ${DEMO.member.name}: ${south.slice(0, 300)}`);
      assert(!south.includes(DEMO.owner.name), `South lists ${DEMO.owner.name}, who has no zone`);
      await member.screenshot({ path: join(SHOTS, `directory-filtered-${lang}-1280.png`), fullPage: true });
      await field(member, PROFILE.zone.label).selectOption(PROFILE.zone.options[0]);
      await Promise.all([
        member.waitForURL((url) => url.searchParams.get(`field.${PROFILE.zone.key}`) === PROFILE.zone.options[0], { waitUntil: "load" }),
        member.getByRole("button", { name: t(lang, "directory.search_submit"), exact: true }).click(),
      ]);
      const north = await mainText(member);
      assert((await cards.count()) === 0, `North lists members: ${north.slice(0, 300)}`);
      assert(north.includes(t(lang, "directory.empty_search")), "North is not empty");
      for (const hidden of [PROFILE.note.label, PROFILE.note.value]) assert(!(await member.content()).includes(hidden), `the directory shows "${hidden}"`);
    }, { page: member });

    await check("no JavaScript errors or failed requests in the profile browsers", async () => {
      assert(problems.length === 0, problems.join("\n"));
    }, { fatal: false });
  } finally {
    await adminContext.close();
    await memberContext.close();
  }
});

for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
  await block(`Profile screenshots at ${viewport.width}x${viewport.height}`, async () => {
    const memberContext = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    const ownerContext = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    const guestContext = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
    const problems = [];
    try {
      await memberContext.addCookies([{ name: "sid", value: await apiLogin(DEMO.member.email, DEMO.member.password), url: tenant }]);
      await ownerContext.addCookies([{ name: "sid", value: await apiLogin(DEMO.owner.email, DEMO.owner.password), url: tenant }]);
      const member = await newPage(memberContext);
      const owner = await newPage(ownerContext);
      const guest = await newPage(guestContext);
      for (const page of [member, owner, guest]) watchProblems(page, problems);
      const w = viewport.width;
      for (const lang of LANGS) {
        await shot(member, { url: `${tenant}/me?lang=${lang}`, file: `profile-me-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "profile.title") });
        await shot(member, { url: `${tenant}/members?lang=${lang}`, file: `directory-${lang}-${tag}.png`, lang, width: w, expectText: DEMO.member.name });
        await shot(owner, { url: `${tenant}/admin/profile-fields?lang=${lang}`, file: `admin-profile-fields-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.zone.label });
        await shot(owner, { url: `${tenant}/admin/profile-fields/${PROFILE.zone.key}?lang=${lang}`, file: `admin-profile-field-edit-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.fields.delete") });
        await shot(owner, { url: `${tenant}/admin/members/demo-member/profile?lang=${lang}`, file: `admin-member-profile-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.note.label });
        await shot(guest, { url: `${tenant}/g/${MAKERS.slug}/join?lang=${lang}`, file: `group-join-profile-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.boat.label });
      }
      await check(`no JavaScript errors or failed requests on the profile pages (${tag})`, async () => {
        assert(problems.length === 0, problems.join("\n"));
      }, { fatal: false });
    } finally {
      await memberContext.close();
      await ownerContext.close();
      await guestContext.close();
    }
  });
}
await discussionChecks({ browser, tenant, check, block, assert, t, apiLogin, newPage, watchProblems, settle, shot, SHOTS, DEMO, postJson, VIEWPORTS, LANGS });
await domainChecks({ browser, tenant, check, block, assert, t, apiLogin, newPage, shot, DEMO, postJson, VIEWPORTS, LANGS });
await authLimitChecks({ browser, tenant, check, block, assert, t, newPage, watchProblems, settle, SHOTS, postJson, VIEWPORTS, LANGS });
await memberChecks({ browser, platform, check, block, assert, t, newPage, watchProblems, settle, SHOTS, VIEWPORTS, LANGS });
await invitationChecks({ browser, tenant, check, block, assert, t, apiLogin, newPage, shot, DEMO, postJson, VIEWPORTS, LANGS });
await languageChecks({ browser, tenant, app, http, check, block, assert, t, catalogs, apiLogin, newPage, watchProblems, settle, SHOTS, DEMO, postJson, VIEWPORTS });
await groupUxChecks({ browser, tenant, check, block, assert, t, apiLogin, newPage, watchProblems, settle, shot, SHOTS, DEMO, postJson, VIEWPORTS, LANGS });

await finish();
