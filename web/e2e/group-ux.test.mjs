// A group's everyday use, in the browser.
//   - view as a member: the demo owner types into the group settings form, switches to "view as a
//     member" from the admin page: the switch opens in a new tab and the typed text is still in the
//     first one; in the new tab the group page has no "Manage" link, no admin link and a banner on
//     every page; the banner's "back" switch restores the owner's view;
//   - "@" in the thread composer suggests members; the post links to them;
//   - the waiting page: a visitor's request to join /g/founders is pending; their open page turns
//     into the group by itself when the owner approves (no reload by the visitor);
//   - a hidden post is explained to its author; the seeded demo chat shows authors with times clear
//     of the text; a group's admin tabs keep the current one in view at 360 px;
//   - screenshots of the view-as banner and the waiting page, fr and en, at 1280 and 360 px.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, LANGS, SHOTS, VIEWPORTS, apiLogin, openPage, pathOf, postJson, ready, settle, steps, t, tenant, uniqueSuffix, viewportOptions } from "./harness.mjs";

const lang = "en";
const suffix = uniqueSuffix();
const desktop = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };

describe("View as a member keeps typed input and hides the admin's tools (en, 1280x800)", () => {
  const step = steps();
  let context, page;
  before(async () => ({ context, page } = await openPage(desktop, { as: DEMO.owner })));
  after(() => context?.close());
  const typed = `Unsaved description ${suffix}`;
  step("the owner types into the group settings, switches to view as a member: a new tab, the typed text stays", async () => {
    const res = await page.goto(`${tenant}/admin/groups/makers?lang=${lang}`);
    assert(res?.status() === 200, `GET /admin/groups/makers answered ${res?.status()}`);
    await settle(page);
    await page.locator("textarea[name=description]").fill(typed);
    const [popup] = await Promise.all([context.waitForEvent("page"), page.getByRole("button", { name: t(lang, "admin.view_as_member") }).click()]);
    await popup.waitForLoadState("load");
    assert(new URL(popup.url()).pathname === "/admin/groups/makers", `the new tab is on ${popup.url()}`);
    assert((await page.locator("textarea[name=description]").inputValue()) === typed, "the typed description was lost");
    await popup.close();
  }, { page: () => page });

  step("as a member, /g/makers has no Manage link, no admin link and shows the banner", async () => {
    await page.goto(`${tenant}/g/makers?lang=${lang}`);
    await settle(page);
    assert((await page.locator(".view-as-banner").count()) === 1, "no view-as banner");
    assert((await page.locator('a[href="/admin/groups/makers"]').count()) === 0, "the Manage link is still there");
    assert((await page.locator('header a[href="/admin"]').count()) === 0, "the header still links to the administration");
    assert(!(await page.locator("main").innerText()).includes(t(lang, "group.you_owner")), "the owner badge is still there");
    await page.screenshot({ path: join(SHOTS, `group-ux-view-as-group-${lang}-1280.png`), fullPage: true });
  }, { page: () => page });

  step("the banner's switch (a new tab here: the page has a composer) brings the owner's view back", async () => {
    const [popup] = await Promise.all([context.waitForEvent("page"), page.locator(".view-as-banner button").click()]);
    await popup.waitForLoadState("load");
    assert((await popup.locator(".view-as-banner").count()) === 0, "the banner is still shown after switching back");
    assert((await popup.locator('a[href="/admin/groups/makers"]').count()) === 1, "the Manage link did not come back");
    await popup.close();
  }, { page: () => page });
});

describe("Mentions: @ in the thread composer suggests members by name (en, 1280x800)", () => {
  const step = steps();
  let context, page;
  before(async () => ({ context, page } = await openPage(desktop, { as: DEMO.owner })));
  after(() => context?.close());
  step("typing @noa offers the demo member, Enter inserts the full name, the post links to them", async () => {
    await page.goto(`${tenant}/g/makers?lang=${lang}`);
    await settle(page);
    const body = page.locator("main textarea[name=body]").first();
    await page.locator("main input[name=title]").first().fill(`Mentions ${suffix}`);
    await body.click();
    await body.pressSequentially("Hello @noa", { delay: 30 });
    const option = page.locator("#mention-list [role=option]", { hasText: DEMO.member.name });
    await option.waitFor({ state: "visible", timeout: 5_000 });
    await page.screenshot({ path: join(SHOTS, `group-ux-mention-suggest-${lang}-1280.png`) });
    await body.press("Enter");
    const value = await body.inputValue();
    assert(value === `Hello @${DEMO.member.name} `, `the composer holds "${value}"`);
    await body.pressSequentially("thanks!");
    // The thread list posts in place (JavaScript) or through the form: either way, open the new thread.
    await body.locator("xpath=ancestor::form[1]").locator("button[type=submit]").first().click();
    const title = page.locator("main a", { hasText: `Mentions ${suffix}` }).first();
    await title.waitFor({ state: "visible", timeout: 15_000 });
    if (!pathOf(page).startsWith("/g/makers/t/")) await Promise.all([page.waitForURL((url) => url.pathname.startsWith("/g/makers/t/")), title.click()]);
    await settle(page);
    const link = page.locator("main a.mention", { hasText: `@${DEMO.member.name}` }).first();
    await link.waitFor({ state: "visible" });
    const href = await link.getAttribute("href");
    assert(href?.startsWith("/members?q="), `the mention links to ${href}`);
  }, { page: () => page });
});

describe("A waiting applicant's page opens the group when the request is approved (en, 1280x800)", () => {
  const step = steps();
  const applicant = { name: `Wendy Waiting ${suffix}`, email: `e2e-wait-${suffix}@demo.example`, password: `e2e-wait-${suffix}-Xy!`, language: "en" };
  let context, page, requestId;
  before(async () => {
    ready();
    const signup = await postJson("/api/v1/auth/signup", applicant);
    assert(signup.status === 201, `sign-up answered ${signup.status}`);
    const sid = await apiLogin(applicant.email, applicant.password);
    const asked = await postJson("/api/v1/groups/founders/join", { answers: { q1: "A bakery" } }, sid);
    assert(asked.status === 202, `join answered ${asked.status}: ${asked.body.slice(0, 200)}`);
    requestId = JSON.parse(asked.body).requestId;
    ({ context, page } = await openPage(desktop, { sid }));
  });
  after(() => context?.close());
  step("the waiting page turns into the group by itself once the owner approves", async () => {
    await page.goto(`${tenant}/g/founders/join?lang=${lang}`);
    await settle(page);
    await page.locator(".pending-live").waitFor({ state: "visible" });
    await page.screenshot({ path: join(SHOTS, `group-ux-pending-live-${lang}-1280.png`), fullPage: true });
    const ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const approved = await postJson(`/api/v1/groups/founders/requests/${requestId}/approve`, {}, ownerSid);
    assert(approved.status === 200, `approve answered ${approved.status}`);
    await page.waitForURL((url) => url.pathname === "/g/founders", { timeout: 15_000 });
    await settle(page);
    const text = await page.locator("main").innerText();
    assert(text.includes(t(lang, "group.you_member")), `the group page does not say "${t(lang, "group.you_member")}"`);
  }, { page: () => page });
});

// A thread of the demo member that the owner hid after a report: its author is told why.
let hiddenPath = null;
describe("A hidden post explained to its author", () => {
  const step = steps();
  before(ready);
  step("the member's reported thread, hidden by the owner, shows its author a notice with the reason", async () => {
    const memberSid = await apiLogin(DEMO.member.email, DEMO.member.password);
    const ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const created = await postJson("/api/v1/groups/makers/threads", { title: `Selling my old bike ${suffix}`, body: "Cheap, send me a message." }, memberSid);
    assert(created.status === 201, `thread answered ${created.status}`);
    const id = JSON.parse(created.body).thread.id;
    const hidden = await postJson("/api/v1/groups/makers/moderation/hide", { targetType: "thread", targetId: id }, ownerSid);
    assert(hidden.status < 300, `hide answered ${hidden.status}: ${hidden.body.slice(0, 200)}`);
    hiddenPath = `/g/makers/t/${id}`;
  });
});

for (const vp of VIEWPORTS) {
  const { tag, viewport } = vp;
  describe(`The demo group's discussions and chat at ${viewport.width}x${viewport.height}: seeded, authors shown, times clear of the text`, () => {
    const step = steps();
    let context, page;
    before(async () => ({ context, page } = await openPage(viewportOptions(vp), { as: DEMO.member })));
    after(() => context?.close());
    for (const l of LANGS) {
      step(`the hidden thread (${l}, ${tag}): the author sees why it was hidden`, async () => {
        assert(hiddenPath, "no hidden thread: the previous suite failed");
        const res = await page.goto(`${tenant}${hiddenPath}?lang=${l}`);
        assert(res?.status() === 200, `GET answered ${res?.status()}`);
        await settle(page);
        const text = await page.locator("main").innerText();
        assert(text.includes(t(l, "hidden.thread_title")), `the page does not say "${t(l, "hidden.thread_title")}"`);
        await page.screenshot({ path: join(SHOTS, `group-ux-hidden-notice-${l}-${tag}.png`), fullPage: true });
      }, { page: () => page, fatal: false });
      for (const [path, name] of [["/g/makers", "group"], ["/g/makers/chat", "chat"]]) {
        step(`${path} (${l}, ${tag}): seeded messages with their authors; no time overlaps a message`, async () => {
          const res = await page.goto(`${tenant}${path}?lang=${l}`);
          assert(res?.status() === 200, `GET ${path} answered ${res?.status()}`);
          await settle(page);
          await page.locator(".chat-msg").first().waitFor({ state: "visible", timeout: 10_000 });
          const names = await page.locator(".chat-msg .chat-name").allInnerTexts();
          assert(names.some((n) => n.includes(DEMO.owner.name)), `no author shown in the chat (${names.join(", ")})`);
          // Show every time (as a hover would), then look for any overlap with a message's text.
          await page.evaluate(() => document.querySelectorAll(".chat-gutter").forEach((g) => (g.style.opacity = "1")));
          const overlaps = await page.evaluate(() => {
            const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
            let n = 0;
            for (const msg of document.querySelectorAll(".chat-msg")) {
              const text = msg.querySelector(".chat-text")?.getBoundingClientRect();
              for (const time of msg.querySelectorAll("time")) if (text && hit(time.getBoundingClientRect(), text)) n++;
            }
            return n;
          });
          await page.screenshot({ path: join(SHOTS, `group-ux-${name}-seeded-${l}-${tag}.png`), fullPage: true });
          assert(overlaps === 0, `${overlaps} chat times overlap their message`);
        }, { page: () => page, fatal: false });
      }
    }
  });

  describe(`A group's admin tabs at ${viewport.width}x${viewport.height}: the current tab is in view`, () => {
    const step = steps();
    let context, page;
    before(async () => ({ context, page } = await openPage(viewportOptions(vp), { as: DEMO.owner })));
    after(() => context?.close());
    for (const l of LANGS) {
      step(`/admin/groups/makers/levels (${l}, ${tag}): the current tab is visible without scrolling the tabs`, async () => {
        const res = await page.goto(`${tenant}/admin/groups/makers/levels?lang=${l}`);
        assert(res?.status() === 200, `GET answered ${res?.status()}`);
        await settle(page);
        const box = await page.locator('.tabs a[aria-current="page"]').boundingBox();
        assert(box && box.x >= 0 && box.x + box.width <= viewport.width, `the current tab is at x=${box?.x} (width ${box?.width})`);
        await page.screenshot({ path: join(SHOTS, `group-ux-admin-tabs-${l}-${tag}.png`), fullPage: true });
      }, { page: () => page, fatal: false });
    }
  });

  describe(`Group UX screenshots at ${viewport.width}x${viewport.height}`, () => {
    const step = steps();
    let context, page;
    before(async () => ({ context, page } = await openPage(viewportOptions(vp), { as: DEMO.owner, cookies: [{ name: "view_as", value: "member" }] })));
    after(() => context?.close());
    for (const l of LANGS) {
      for (const [path, name] of [["/g/makers", "group"], ["/", "home"]]) {
        step(`screenshot group-ux-view-as-${name}-${l}-${tag}.png (no horizontal scroll)`, async () => {
          const res = await page.goto(`${tenant}${path}?lang=${l}`);
          assert(res?.status() === 200, `GET ${path} answered ${res?.status()}`);
          await settle(page);
          await page.screenshot({ path: join(SHOTS, `group-ux-view-as-${name}-${l}-${tag}.png`), fullPage: true });
          const width = await page.evaluate(() => document.documentElement.scrollWidth);
          assert(width <= viewport.width, `the page is ${width} px wide`);
        }, { page: () => page, fatal: false });
      }
    }
  });
}
