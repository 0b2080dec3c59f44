// Sign-up, log-out and log-in in the browser, and screenshots of the public pages.
//   - sign up a new member through /signup, land on the home page greeted by name;
//   - log out (the session must die server-side too); a wrong password shows an error on /login;
//   - log in again through /login and land on the home page;
//   - screenshots of the landing, /new, home (signed out and in), login and signup pages,
//     in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, LANGS, SHOTS, app, eachViewport, field, http, logInThroughForm, mainText, openPage, platform, steps, t, tenant, uniqueSuffix, usePage } from "./harness.mjs";

describe("Sign up, log out, log in (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const suffix = uniqueSuffix();
  const member = { name: `Alex Tester ${suffix}`, email: `e2e-${suffix}@demo.example`, password: `e2e-pass-${suffix}-Xy!` };
  const greeting = t(lang, "home.greeting", { name: member.name });
  const problems = [];
  let context, page, sid;
  before(async () => ({ context, page } = await openPage({ viewport: { width: 1280, height: 800 } }, { problems })));
  after(() => context?.close());
  const opts = { page: () => page };

  step("/signup shows the labelled fields: name, email, password, language", async () => {
    const res = await page.goto(`${tenant}/signup?lang=${lang}`);
    assert(res?.status() === 200, `GET /signup answered ${res?.status()}`);
    for (const key of ["signup.name", "signup.email", "signup.password", "signup.language"]) {
      await field(page, t(lang, key)).waitFor({ state: "visible" });
    }
  }, opts);

  step("signing up a new member lands on the home page, signed in and greeted by name", async () => {
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

  step("the session cookie sid is HttpOnly and SameSite=Lax", async () => {
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

  step("logging out returns to a signed-out page and revokes the session server-side", async () => {
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

  step("the /login password field hydrates (show/hide toggle works)", async () => {
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

  step("a wrong password keeps you on /login with an error message", async () => {
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

  step("logging in again through /login lands on the home page, greeted by name", async () => {
    await logInThroughForm(page, member, lang);
    const text = await mainText(page);
    assert(text.includes(greeting), `home page does not say "${greeting}"; it says: ${text.slice(0, 300)}`);
  }, opts);

  step.noProblems("no JavaScript errors or failed asset requests in the browser", problems);
});

eachViewport("Screenshots", ({ tag, width: w, options, step }) => {
  const page = usePage(options);
  for (const lang of LANGS) {
    step.shot(page, { url: () => `${platform}/?lang=${lang}`, file: `landing-${lang}-${tag}.png`, lang, width: w });
    step.shot(page, { url: () => `${platform}/new?lang=${lang}`, file: `new-community-${lang}-${tag}.png`, lang, width: w });
    step.shot(page, { url: () => `${tenant}/?lang=${lang}`, file: `home-signed-out-${lang}-${tag}.png`, lang, width: w });
    step.shot(page, { url: () => `${tenant}/login?lang=${lang}`, file: `login-${lang}-${tag}.png`, lang, width: w });
    step.shot(page, { url: () => `${tenant}/signup?lang=${lang}`, file: `signup-${lang}-${tag}.png`, lang, width: w });
  }
  const m = DEMO.member;
  step(`log in as the demo member (${tag})`, () => logInThroughForm(page(), m, "en"), { page });
  for (const lang of LANGS) {
    step.shot(page, { url: () => `${tenant}/?lang=${lang}`, file: `home-signed-in-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "home.greeting", { name: m.name }) });
  }
});
