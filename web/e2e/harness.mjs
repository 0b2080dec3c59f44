// The browser tests' shared harness: one app, one Chromium, the helpers every feature file uses.
//
// Every `web/e2e/<feature>.test.mjs` imports this module. Importing it (once per process) registers
// the "Start" suite (the app on a free port with throw-away state, see server.mjs; the system's
// Chromium through playwright-core, never a downloaded browser) and a root `after` hook that closes
// both. `web/e2e/suite.mjs` imports every feature file in order, so they all share that one app and
// one browser: `npm run test:e2e`. A single file also runs alone (after `npm run build`):
//   node --test-reporter=spec web/e2e/domains.test.mjs
//
// A feature file is describe/it/before/after from node:test with node:assert/strict's checks.
// Helpers: `steps()` for dependent checks (the first fatal failure skips the rest of
// its suite; a failed step's page is saved as artifacts/screenshots/failure-N.png); `shot()` and
// `step.shot()`, the one screenshot check (status, <html lang>, text, no sideways scroll at 360 px;
// artifacts/screenshots/<page>-<fr|en>-<1280|360>.png); `eachViewport()` for a suite per viewport;
// `openPage()`/`usePage()` for a suite's signed-in page; `watchProblems()` and
// `step.noProblems()` for browser errors; the login/API helpers and the app's catalogs (`t`).
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium); E2E_TIMEOUT_MS (default 900000, the
// whole run: then the app and browser are stopped and the run fails; .ci/run's `timeout 600` is
// the tighter bound there, and its SIGTERM to the process group stops the app too, see
// server.mjs); E2E_PORT (fixed port instead of a free one); KEEP_STATE=1 (keep the temp state).
import assert from "node:assert/strict";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { chromium } from "playwright-core";
import { DEMO } from "../../scripts/local-db.mjs";
import { ROOT, http, startApp } from "./server.mjs";

export { DEMO, ROOT, http };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = join(ROOT, "artifacts", "screenshots");
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 900_000);
export const LANGS = ["fr", "en"];
export const VIEWPORTS = [
  { tag: "1280", viewport: { width: 1280, height: 800 } },
  { tag: "360", viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true },
];
/** The demo tenant's name and groups (scripts/local-db.mjs). */
export const COMMUNITY = "Atelier Commun";
export const MAKERS = { slug: "makers", name: "Makers" };
export const FOUNDERS = { slug: "founders", question: { id: "q1", label: "Sur quel projet travaillez-vous ?" } };

// ---------------------------------------------------------------------------------------------
// The app's own message catalogs, so the tests follow the wording the pages actually use.
export let catalogs;
try {
  catalogs = { en: (await import("../i18n/en.ts")).en, fr: (await import("../i18n/fr.ts")).fr };
} catch (err) {
  console.error(`cannot load web/i18n catalogs (${err.message}).\nRun through \`npm run test:e2e\` (it uses the project's Node 22, which strips TypeScript types).`);
  process.exit(1);
}
export function t(lang, key, vars = {}) {
  const message = catalogs[lang][key] ?? catalogs.en[key];
  if (message === undefined) throw new Error(`no message "${key}" in web/i18n`);
  return message.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] === undefined ? whole : String(vars[name])));
}
/** The plural form the islands pick for `count` in `lang` (the catalogs keep both forms under .one/.other). */
export const tPlural = (lang, key, count) => t(lang, `${key}.${new Intl.PluralRules(lang).select(count) === "one" ? "one" : "other"}`, { count: count.toLocaleString(lang) });

// ---------------------------------------------------------------------------------------------
// The shared app and browser, set by the "Start" suite below (live bindings: read them in hooks and tests).
/** @type {Awaited<ReturnType<typeof startApp>> | undefined} */
export let app;
/** @type {import("playwright-core").Browser | undefined} */
export let browser;
/** http://demo.localhost:<port> and http://localhost:<port>. */
export let tenant;
export let platform;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A random suffix, so each run's accounts, groups and hostnames are new. */
export const uniqueSuffix = (n = 4) => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 2 + n)}`;

/** A form control by its visible label, inside <main> (the footer's language nav is also labelled "Language"). */
export const field = (page, label) => page.locator("main").getByLabel(label, { exact: true });
export const mainText = async (page) => (await page.locator("main").first().innerText()).replace(/\s+/g, " ");
export const pathOf = (page) => new URL(page.url()).pathname;

/** Settles a page: loaded, island chunks fetched, fonts ready. */
export async function settle(page) {
  await page.waitForLoadState("load");
  await page.waitForLoadState("networkidle", { timeout: 5_000 }).catch(() => {});
  await page.evaluate(() => document.fonts?.ready).catch(() => {});
}

/** Waits until an island's container has been hydrated by Preact (its root vnode is set on the element). */
export async function islandHydrated(page, name, timeout = 10_000) {
  await page.waitForFunction((n) => Boolean(document.querySelector(`[data-island="${n}"]`)?.__k), name, { timeout }).catch(() => {});
}

/** Everything that went wrong in the browser: uncaught errors, console errors, failed subresources. */
export function watchProblems(page, problems) {
  page.on("pageerror", (err) => problems.push(`uncaught error on ${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    // Chrome logs every non-2xx document too (a wrong password answers 401): only real script errors count.
    if (msg.type() === "error" && !/Failed to load resource/.test(msg.text())) problems.push(`console error on ${page.url()}: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => {
    // ERR_ABORTED is the browser cancelling a load because the page went on (a form posted
    // while a script chunk was still arriving), not the server failing it.
    const why = req.failure()?.errorText;
    if (req.resourceType() !== "document" && why !== "net::ERR_ABORTED") problems.push(`request failed: ${req.url()} (${why})`);
  });
  page.on("response", (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== "document") problems.push(`${res.status()} for ${res.url()}`);
  });
}

/** A page with the suite's timeouts (15 s per action, 30 s per navigation). */
export async function newPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  return page;
}

/** A browser context of the shared browser; `sid` signs it in on the demo tenant. */
export async function newContext(options = {}, sid = null) {
  const context = await browser.newContext(options);
  if (sid) await context.addCookies([{ name: "sid", value: sid, url: tenant }]);
  return context;
}
/**
 * A suite's page, for its `before` hook: checks the app and browser started, opens a context
 * (signed in as `as`, a person with email and password, or with the session `sid`; plus `cookies`
 * on the tenant) and a page in it, watched into `problems` if given. Close `context` in `after`.
 */
export async function openPage(options, { as = null, sid = null, cookies = [], problems = null } = {}) {
  ready();
  const context = await newContext(options, as ? await apiLogin(as.email, as.password) : sid);
  if (cookies.length) await context.addCookies(cookies.map((c) => ({ url: tenant, ...c })));
  const page = await newPage(context);
  if (problems) watchProblems(page, problems);
  return { context, page };
}
/** The context options of one of VIEWPORTS. */
export const viewportOptions = ({ viewport, isMobile = false, hasTouch = false }) => ({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
/**
 * In a describe: openPage(options, how) in `before` (`how` may be a function, for a session known
 * only once earlier tests ran), the context closed in `after`; returns a getter of the page.
 */
export function usePage(options, how = {}) {
  let opened = null;
  before(async () => {
    opened = await openPage(options, typeof how === "function" ? how() : how);
  });
  after(() => opened?.context.close());
  return () => opened?.page;
}
/**
 * One describe per viewport of VIEWPORTS, titled "<title> at <width>x<height>", with its own
 * steps(): body({ tag, viewport, width, options, step }), `options` being the context options.
 */
export function eachViewport(title, body) {
  for (const vp of VIEWPORTS) {
    const { tag, viewport } = vp;
    describe(`${title} at ${viewport.width}x${viewport.height}`, () => body({ tag, viewport, width: viewport.width, options: viewportOptions(vp), step: steps() }));
  }
}

/** Logs `person` (email, password) in through the /login form in `lang`, landing on the home page. */
export async function logInThroughForm(page, person, lang = "en") {
  await page.goto(`${tenant}/login?lang=${lang}`);
  await field(page, t(lang, "login.email")).fill(person.email);
  await field(page, t(lang, "login.password")).fill(person.password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
    page.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The JSON API, straight to the server (no browser).
export const json = (res) => {
  try {
    return JSON.parse(res.body);
  } catch {
    return null;
  }
};
export const sidOf = (res) => [res.headers["set-cookie"] ?? []].flat().map((c) => /^sid=([^;]*)/.exec(c)?.[1]).find(Boolean) ?? null;
/** GET (or any method) on the tenant host. */
export const tenantHttp = (path, options) => http(app.port, app.tenantHost, path, options);
/** POST JSON to the tenant host (no Origin header, as an integrator would). */
export const postJson = (path, body, sid) =>
  tenantHttp(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(sid ? { cookie: `sid=${sid}` } : {}) },
    body: JSON.stringify(body),
  });
/** Logs in through the JSON API; resolves to the session id. */
export async function apiLogin(email, password) {
  const res = await postJson("/api/v1/auth/login", { email, password });
  assert(res.status === 200, `POST /api/v1/auth/login as ${email} answered ${res.status}: ${res.body.slice(0, 200)}`);
  const sid = sidOf(res);
  assert(sid, "no sid cookie in the login answer");
  return sid;
}

/**
 * The JSON API from a browser page's own origin, with its session (Node cannot resolve
 * *.localhost; the browser does): `{status, body}`, body parsed when JSON.
 */
export const pageApi = (page, path, method = "GET", body) =>
  page.evaluate(
    async ({ path, method, body }) => {
      const r = await fetch(path, { method, credentials: "same-origin", headers: body ? { "content-type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined });
      return { status: r.status, body: r.headers.get("content-type")?.includes("json") ? await r.json() : null };
    },
    { path, method, body },
  );

// ---------------------------------------------------------------------------------------------
// Checks.
let failures = 0;
/** A full-page screenshot of the page a failed check was on (artifacts/screenshots/failure-N.png). */
async function failureShot(page) {
  if (!page || page.isClosed()) return;
  const file = join(SHOTS, `failure-${++failures}.png`);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  console.log(`        page was ${page.url()} (screenshot: ${relative(ROOT, file)})`);
}

/**
 * Dependent checks: `const step = steps()` in a describe, then `step(name, fn, { page, fatal })`
 * registers an `it`. Once a fatal step (the default) fails, the suite's later steps are skipped.
 * `page` (a Page or a function returning one) is screenshotted when the step fails.
 */
export function steps() {
  let broken = null;
  function step(name, fn, { page, fatal = true } = {}) {
    it(name, async (t) => {
      if (broken) return t.skip(`skipped: "${broken}" failed`);
      try {
        await fn(t);
      } catch (err) {
        if (fatal) broken = name;
        await failureShot(typeof page === "function" ? page() : page);
        throw err;
      }
    });
  }
  /** A screenshot step (not fatal): shot() on the page `getPage()` returns. */
  step.shot = (getPage, options) => step(`screenshot ${options.file}`, () => runShot(getPage, options), { fatal: false });
  /** The step that fails with every problem watchProblems collected in `problems` (not fatal). */
  step.noProblems = (name, problems) => step(name, () => assertNoProblems(problems), { fatal: false });
  return step;
}

/** Fails with every problem watchProblems collected. */
const assertNoProblems = (problems) => assert(problems.length === 0, problems.join("\n"));

/**
 * The screenshot check: visits `url`, checks the status (200), <html lang>, the text `expectText`
 * in <main> and that the page does not scroll sideways at `width`, and saves a full-page
 * screenshot as artifacts/screenshots/<file> (named <page>-<lang>-<1280|360>.png).
 * `ready(page)` waits for something before the screenshot (a live island).
 */
export async function shot(page, { url, file, lang, width, expectText, ready }) {
  try {
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
  } catch (err) {
    await failureShot(page);
    throw err;
  }
}
/** `url` may be a function, for a path known only once earlier tests ran. */
async function runShot(getPage, options) {
  const page = getPage();
  assert(page, "no page: the suite's setup failed");
  await shot(page, { ...options, url: typeof options.url === "function" ? options.url() : options.url });
}

/** Empties artifacts/screenshots/ (the whole suite does, before it starts). */
export function freshScreenshots() {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
}

// ---------------------------------------------------------------------------------------------
// Start once per process; stop after the last file.
async function stopAll() {
  clearTimeout(watchdog);
  await browser?.close().catch(() => {});
  await app?.stop().catch((err) => console.error(`stopping the app failed: ${err.message}`));
}
const watchdog = setTimeout(async () => {
  console.error(`\ne2e run timed out after ${TIMEOUT_MS / 1000} s`);
  if (app) console.error(`Server log: ${relative(ROOT, app.logFile)}`);
  await stopAll();
  process.exit(1);
}, TIMEOUT_MS);
after(async () => {
  const logFile = app?.logFile;
  await stopAll();
  if (process.exitCode && logFile) console.log(`Server log: ${relative(ROOT, logFile)}`);
});

mkdirSync(SHOTS, { recursive: true });

describe("Start", () => {
  const step = steps();
  step("the app starts (isolated local state) and answers on the demo tenant", async () => {
    app = await startApp({ label: "e2e" });
    tenant = `http://${app.tenantHost}`;
    platform = `http://${app.rootHost}`;
    console.log(`        ${tenant}/ (state in ${app.stateDir})`);
  });
  step("GET /healthz answers {ok:true} on the tenant host", async () => {
    const res = await tenantHttp("/healthz");
    assert(res.status === 200, `status ${res.status}`);
    assert(JSON.parse(res.body).ok === true, `body ${res.body}`);
  });
  step(`Chromium is at ${CHROMIUM} and starts headless`, async () => {
    assert(existsSync(CHROMIUM), `${CHROMIUM} not found: apt-get install -y chromium, or set CHROMIUM_PATH`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    });
  });
});

/** A feature suite's first hook: fails at once (so its tests fail) when the app or the browser did not start. */
export function ready() {
  assert(app && browser, "the app or the browser did not start (see the Start suite)");
}
