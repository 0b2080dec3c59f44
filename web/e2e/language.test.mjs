// Languages in the browser ("everything a person reads is in their language").
//   - the demo owner invites a new address in French (`fr-CA`, a regional tag) to makers; the
//     email in the dev mailbox is French;
//   - a fresh browser whose own language is English (Accept-Language en-US) opens the link: the
//     invitation page is French; a too-short password (the browser's own check switched off)
//     comes back with a French message; the right one lands on /g/makers, signed in, in French;
//     the used link then explains itself in French ("already accepted: log in");
//   - on every one of these pages, no English sentence of the catalogs is visible;
//   - a visitor whose browser asks for Dutch reads the login page in Dutch (Accept-Language);
//   - screenshots of the invitation page (French and English invitations), its error and the used
//     link, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, SHOTS, VIEWPORTS, apiLogin, browser, catalogs, newPage, openPage, postJson, ready, settle, sleep, steps, t, tenant, tenantHttp, uniqueSuffix, viewportOptions } from "./harness.mjs";

const suffix = uniqueSuffix();

/** English sentences of the catalogs that are not also French (so seeing one means English leaked). */
const frenchCatalog = Object.values(catalogs.fr).join("\n");
const needles = [
  ...new Set(
    Object.entries(catalogs.en)
      .filter(([key, value]) => catalogs.fr[key] !== value)
      .flatMap(([, value]) => value.split(/\{\w+\}/).map((s) => s.trim()))
      .filter((s) => s.length >= 14 && !frenchCatalog.includes(s)),
  ),
];
const englishOn = async (page) => {
  const text = (await page.locator("body").innerText()).replace(/\s+/g, " ");
  return needles.filter((n) => text.includes(n));
};
const assertFrench = async (page, where) => {
  const lang = await page.getAttribute("html", "lang");
  assert(lang === "fr", `${where}: <html lang="${lang}">, expected "fr"`);
  const leaks = await englishOn(page);
  assert(leaks.length === 0, `${where}: English on a French page: ${leaks.slice(0, 5).join(" | ")}`);
};

async function inviteLink(email, language) {
  const owner = await apiLogin(DEMO.owner.email, DEMO.owner.password);
  const res = await postJson("/api/v1/invitations", { emails: [email], groups: ["makers"], language }, owner);
  assert(res.status === 200, `POST /api/v1/invitations answered ${res.status}: ${res.body.slice(0, 200)}`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const box = await tenantHttp(`/api/v1/dev/mail?to=${encodeURIComponent(email)}`);
    const mails = box.status === 200 ? JSON.parse(box.body) : [];
    const link = mails.length ? /http:\/\/[^\s]+\/invite\/[A-Za-z0-9_%-]+/.exec(mails[0].text ?? "")?.[0] : null;
    if (link) return { link, mail: mails[0] };
    await sleep(250);
  }
  throw new Error(`no invitation for ${email} in the dev mailbox`);
}

const invitee = { email: `e2e-fr-${suffix}@demo.example`, name: `Élise Fournier ${suffix}`, password: `e2e-fr-${suffix}-Xy!` };
const englishBrowser = { viewport: { width: 1280, height: 800 }, locale: "en-US", extraHTTPHeaders: { "accept-language": "en-US,en;q=0.9" } };
let frLink = null;

describe("Languages: an invitee with a French invitation reads every step in French (browser in English, 1280x800)", () => {
  const step = steps();
  const problems = [];
  let context, page;
  before(async () => ({ context, page } = await openPage(englishBrowser, { problems })));
  after(() => context?.close());
  const onPage = { page: () => page };

  step("the invitation email (language fr-CA) is in French", async () => {
    const { link, mail } = await inviteLink(invitee.email, "fr-CA");
    frLink = link;
    const community = /Vous êtes invité·e à rejoindre (.+)$/.exec(mail.subject)?.[1];
    assert(community, `the subject is not French: "${mail.subject}"`);
    assert(mail.text.includes(t("fr", "mail.invite.action")), "the email's button is not French");
  });

  step("/invite/<token> speaks French to an English browser", async () => {
    const res = await page.goto(frLink);
    assert(res?.status() === 200, `GET ${frLink} answered ${res?.status()}`);
    await settle(page);
    await assertFrench(page, "/invite");
    await page.screenshot({ path: join(SHOTS, "language-invite-fr-1280.png"), fullPage: true });
  }, onPage);

  step("a too-short password comes back with a French message", async () => {
    await page.locator("main form").first().evaluate((form) => (form.noValidate = true));
    await page.locator("#field-name").fill(invitee.name);
    await page.locator('main input[name="password"]').fill("court");
    await Promise.all([page.waitForLoadState("load"), page.locator("main form button[type=submit]").first().click()]);
    await settle(page);
    const text = (await page.locator("main").innerText()).replace(/\s+/g, " ");
    assert(text.includes(t("fr", "field.password_short").replace(/\u00a0/g, " ")) || text.includes(t("fr", "field.password_short")), `no French password message; the page says: ${text.slice(0, 300)}`);
    await assertFrench(page, "/invite (error)");
    await page.screenshot({ path: join(SHOTS, "language-invite-error-fr-1280.png"), fullPage: true });
  }, onPage);

  step("the right password lands on /g/makers, signed in, in French", async () => {
    await page.locator("#field-name").fill(invitee.name);
    await page.locator('main input[name="password"]').fill(invitee.password);
    await Promise.all([page.waitForURL((url) => url.pathname === "/g/makers", { waitUntil: "load" }), page.locator("main form button[type=submit]").first().click()]);
    await settle(page);
    await assertFrench(page, "/g/makers");
    await page.screenshot({ path: join(SHOTS, "language-landing-fr-1280.png"), fullPage: true });
  }, onPage);

  step("the used link explains itself in French: already accepted, log in", async () => {
    const fresh = await browser.newContext(englishBrowser);
    try {
      const other = await newPage(fresh);
      const res = await other.goto(frLink);
      assert(res?.status() === 404, `GET a used link answered ${res?.status()}`);
      await settle(other);
      await assertFrench(other, "/invite (used)");
      const text = await other.locator("main").innerText();
      assert(text.includes(t("fr", "invite.accepted_title")), "the used link does not say it was accepted");
      await other.screenshot({ path: join(SHOTS, "language-invite-used-fr-1280.png"), fullPage: true });
      await other.locator("main").getByRole("link", { name: t("fr", "invite.accepted_login"), exact: true }).click();
      await other.waitForURL((url) => url.pathname === "/login", { waitUntil: "load" });
      await assertFrench(other, "/login (from the used link)");
      assert((await other.locator('main input[name="email"]').inputValue()) === invitee.email, "the login form does not carry the invited address");
    } finally {
      await fresh.close();
    }
  }, onPage);

  step("a visitor whose browser asks for Dutch reads the login page in Dutch", async () => {
    const nlContext = await browser.newContext({ locale: "nl-BE", extraHTTPHeaders: { "accept-language": "nl-BE,nl;q=0.9,en;q=0.8" } });
    try {
      const p = await newPage(nlContext);
      await p.goto(`${tenant}/login`);
      assert((await p.getAttribute("html", "lang")) === "nl", "the login page is not Dutch for a Dutch browser");
    } finally {
      await nlContext.close();
    }
  });

  step.noProblems("no browser errors on the way", problems);
});

describe("Languages: screenshots of the invitation page, French and English invitations, at 1280 and 360", () => {
  const step = steps();
  const links = {};
  before(ready);
  for (const language of ["fr", "en"]) {
    describe(`an invitation in ${language === "fr" ? "French" : "English"}`, () => {
      before(async () => {
        links[language] = (await inviteLink(`e2e-shot-${language}-${suffix}@demo.example`, language === "fr" ? "fr-BE" : "en-GB")).link;
      });
      for (const vp of VIEWPORTS) {
        const { tag, viewport } = vp;
        step(`screenshot language-invite-${language}-${tag}.png (the invitation's language, not the browser's)`, async () => {
          const link = links[language];
          const context = await browser.newContext({ ...viewportOptions(vp), locale: language === "fr" ? "en-US" : "fr-FR" });
          try {
            const page = await newPage(context);
            const res = await page.goto(link);
            assert(res?.status() === 200, `GET ${link} answered ${res?.status()}`);
            await settle(page);
            const lang = await page.getAttribute("html", "lang");
            assert(lang === language, `<html lang="${lang}">, expected "${language}"`);
            await page.screenshot({ path: join(SHOTS, `language-invite-${language}-${tag}.png`), fullPage: true });
            const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
            assert(scrollWidth <= viewport.width, `the page is ${scrollWidth} px wide at ${viewport.width} px`);
          } finally {
            await context.close();
          }
        }, { fatal: false });
      }
    });
  }
});
