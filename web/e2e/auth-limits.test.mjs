// The login throttle's way out, in the browser.
//   - a fresh member types a wrong password five times on /login; the sixth try answers 429 with
//     the message and a button that emails a one-time sign-in link (no JavaScript needed);
//   - the button sends it; the link read from the dev mailbox opens /login/link, one click signs
//     the member in and lands on the home page greeted by name;
//   - screenshots of the throttled login page and of the "link sent" page, in French and English,
//     at 1280x800 and 360x740 (auth-throttled-*.png, auth-link-sent-*.png).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { LANGS, SHOTS, eachViewport, field, mainText, openPage, postJson, settle, sleep, steps, t, tenant, tenantHttp, uniqueSuffix, usePage } from "./harness.mjs";

const suffix = uniqueSuffix();
const person = { name: `Robin Locked ${suffix}`, email: `e2e-locked-${suffix}@demo.example`, password: `e2e-locked-${suffix}-Xy!` };

/** Posts the login form with a wrong password; resolves to the answer's status. */
async function wrongLogin(page, lang) {
  await page.goto(`${tenant}/login?lang=${lang}`);
  await field(page, t(lang, "login.email")).fill(person.email);
  await field(page, t(lang, "login.password")).fill("not my password at all");
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
    page.getByRole("button", { name: t(lang, "login.submit"), exact: true }).click(),
  ]);
  await settle(page);
  return res.status();
}

async function mailedLink() {
  for (let i = 0; i < 40; i++) {
    const res = await tenantHttp(`/api/v1/dev/mail?to=${encodeURIComponent(person.email)}`);
    const link = JSON.parse(res.body).map((m) => /https?:\/\/\S+\/login\/link\?token=[^\s"<]+/.exec(m.text)?.[0]).find(Boolean);
    if (link) return new URL(link);
    await sleep(250);
  }
  throw new Error(`no sign-in link mailed to ${person.email}`);
}

describe("Login throttle: the owner of the account gets in by an emailed link (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const problems = [];
  let context, page;
  before(async () => ({ context, page } = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { problems })));
  after(() => context?.close());
  step("a new member signs up through the API", async () => {
    const res = await postJson("/api/v1/auth/signup", { ...person, language: "en" });
    assert(res.status === 201, `signup answered ${res.status}: ${res.body.slice(0, 200)}`);
  });
  step("five wrong passwords on /login answer 401, the sixth 429 with the sign-in link offer", async () => {
    for (let i = 0; i < 5; i++) assert((await wrongLogin(page, lang)) === 401, `wrong password ${i + 1} was not a 401`);
    assert((await wrongLogin(page, lang)) === 429, "the sixth try was not a 429");
    const text = await mainText(page);
    assert(text.includes(t(lang, "error.too_many_attempts", { minutes: 15 })), `no throttle message; the page says: ${text.slice(0, 300)}`);
    assert(text.includes(t(lang, "login.link_offer_hint", { email: person.email })), "no sign-in link offer");
  }, { page: () => page });
  step("the button emails the link; the link's page signs the member in", async () => {
    await Promise.all([page.waitForLoadState("load"), page.getByRole("button", { name: t(lang, "login.link_offer"), exact: true }).click()]);
    await settle(page);
    assert((await mainText(page)).includes(t(lang, "login_link.sent_title")), "no 'check your inbox' page");
    const link = await mailedLink();
    await page.goto(`${tenant}${link.pathname}${link.search}`);
    await Promise.all([
      page.waitForURL((url) => url.pathname === "/", { waitUntil: "load" }),
      page.getByRole("button", { name: t(lang, "login_link.submit"), exact: true }).click(),
    ]);
    const text = await mainText(page);
    assert(text.includes(t(lang, "home.greeting", { name: person.name })), `not greeted on the home page: ${text.slice(0, 200)}`);
  }, { page: () => page });
  step.noProblems("no JavaScript errors or failed requests", problems);
});

eachViewport("Login throttle screenshots", ({ tag, viewport, options, step }) => {
  const page = usePage(options);
  for (const lang of LANGS) {
    step(`screenshot auth-throttled-${lang}-${tag}.png and auth-link-sent-${lang}-${tag}.png`, async () => {
      const p = page();
      assert((await wrongLogin(p, lang)) === 429, "the account is not throttled");
      assert((await p.getAttribute("html", "lang")) === lang, "wrong page language");
      await p.screenshot({ path: join(SHOTS, `auth-throttled-${lang}-${tag}.png`), fullPage: true });
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(width <= viewport.width, `the page is ${width} px wide at ${viewport.width} px`);
      await Promise.all([p.waitForLoadState("load"), p.getByRole("button", { name: t(lang, "login.link_offer"), exact: true }).click()]);
      await settle(p);
      assert((await mainText(p)).includes(t(lang, "login_link.sent_title")), "no 'check your inbox' page");
      await p.screenshot({ path: join(SHOTS, `auth-link-sent-${lang}-${tag}.png`), fullPage: true });
    }, { page, fatal: false });
  }
});
