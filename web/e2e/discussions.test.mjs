// A group's discussions and chat in the browser.
//   - two browser contexts, the demo member and the demo owner, each on /g/makers: a chat message
//     typed in one appears in the other without a reload; a new discussion appears live in the
//     other's thread list; a reply posted on the thread page shows on the other's thread page;
//   - a third member posts a message; the member reports it from the chat's message menu; the
//     owner (a moderator) sees it in /g/makers/moderation and hides it; it vanishes from both open
//     group pages, live;
//   - screenshots of the group page, a thread, the chat page, the moderation queue, the leaderboard
//     and the admin's activity and levels pages, in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, LANGS, SHOTS, apiLogin, eachViewport, newContext, newPage, postJson, ready, settle, steps, t, tenant, uniqueSuffix, usePage, watchProblems } from "./harness.mjs";

const lang = "en";
const suffix = uniqueSuffix();
const chatText = `Anyone at the workshop tonight? ${suffix}`;
const spamText = `Cheap watches, click now ${suffix}`;
const threadTitle = `Laser cutter training ${suffix}`;
let threadPath = null;
const chatLive = (page) => page.locator(".chat-status[data-state=live]").first().waitFor({ state: "attached", timeout: 15_000 });

describe("Discussions: two people in the same group, live (en, 1280x800)", () => {
  const step = steps();
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  let memberContext, ownerContext, member, owner;
  before(async () => {
    ready();
    memberContext = await newContext({ viewport, deviceScaleFactor: 1 }, await apiLogin(DEMO.member.email, DEMO.member.password));
    ownerContext = await newContext({ viewport, deviceScaleFactor: 1 }, await apiLogin(DEMO.owner.email, DEMO.owner.password));
    member = await newPage(memberContext);
    owner = await newPage(ownerContext);
    for (const p of [member, owner]) watchProblems(p, problems);
  });
  after(async () => {
    await memberContext?.close();
    await ownerContext?.close();
  });
  const messageIn = (page, text) => page.locator(".chat-msg", { hasText: text }).first();

  step("member and owner open /g/makers; both chats go live", async () => {
    for (const page of [member, owner]) {
      const res = await page.goto(`${tenant}/g/makers?lang=${lang}`);
      assert(res?.status() === 200, `GET /g/makers answered ${res?.status()}`);
      await settle(page);
      await chatLive(page);
      // A reload would lose this marker: everything below must arrive over the socket.
      await page.evaluate(() => (window.__e2eMarker = "kept"));
    }
  }, { page: () => member });

  step("a chat message typed by the member appears on the owner's page without a reload", async () => {
    const input = member.locator("#chat-input-compact");
    await input.fill(chatText);
    await input.press("Enter");
    await messageIn(owner, chatText).waitFor({ state: "visible", timeout: 10_000 });
    await messageIn(member, chatText).waitFor({ state: "visible", timeout: 10_000 });
    assert((await member.locator(".chat-msg.is-sending, .chat-msg.is-failed").count()) === 0, "the member's message is still sending or failed");
    assert((await owner.evaluate(() => window.__e2eMarker)) === "kept", "the owner's page reloaded");
  }, { page: () => owner });

  step("a discussion started by the owner shows up live in the member's list", async () => {
    await owner.locator("#field-title").fill(threadTitle);
    await owner.locator("#field-body").fill("Friday 6 pm, **bring goggles**. Ask @noahdubois for the key.");
    await owner.locator(".composer button[type=submit]").click();
    const link = member.locator(".thread-link", { hasText: threadTitle }).first();
    await link.waitFor({ state: "visible", timeout: 10_000 });
    threadPath = new URL(await link.getAttribute("href"), tenant).pathname;
    assert(/^\/g\/makers\/t\/[0-9a-f]+$/.test(threadPath), `unexpected thread link ${threadPath}`);
    assert((await member.evaluate(() => window.__e2eMarker)) === "kept", "the member's page reloaded");
  }, { page: () => member });

  step("a reply posted on the thread page shows on the other person's open thread page", async () => {
    await owner.goto(`${tenant}${threadPath}?lang=${lang}`);
    await member.goto(`${tenant}${threadPath}?lang=${lang}`);
    for (const page of [owner, member]) await settle(page);
    await owner.locator("#thread").getByText("bring goggles").waitFor({ state: "visible" });
    const mention = owner.locator("#thread .mention");
    assert((await mention.count()) === 1 && (await mention.innerText()).includes(DEMO.member.name), "the @mention is not rendered as the member's name");
    await owner.waitForFunction(() => document.querySelector('[data-island="LiveReplies"]')?.__k, null, { timeout: 10_000 }).catch(() => {});
    await member.waitForFunction(() => document.querySelector('[data-island="LiveReplies"]')?.__k, null, { timeout: 10_000 }).catch(() => {});
    await member.waitForTimeout(500);
    const replyText = `I'll be there ${suffix}`;
    await member.locator("#reply-body").fill(replyText);
    await member.locator("#reply-body").locator("xpath=ancestor::form").locator("button[type=submit]").click();
    await owner.getByText(replyText).first().waitFor({ state: "visible", timeout: 10_000 });
  }, { page: () => owner });

  step("a third member's message, reported by the member and hidden by the owner, vanishes from both pages", async () => {
    for (const page of [member, owner]) {
      await page.goto(`${tenant}/g/makers?lang=${lang}`);
      await settle(page);
      await chatLive(page);
    }
    const spammer = { email: `e2e-spam-${suffix}@demo.example`, password: `e2e-spam-${suffix}-Xy!`, name: "Sly Seller" };
    const signup = await postJson("/api/v1/auth/signup", spammer);
    assert(signup.status === 201, `signup answered ${signup.status}`);
    const sid = await apiLogin(spammer.email, spammer.password);
    let joined = await postJson("/api/v1/groups/makers/join", { answers: {} }, sid);
    if (joined.status === 422) {
      // The profile checks may have made a field required in makers: fill what it names.
      const missing = Object.keys(JSON.parse(joined.body).error?.fields ?? {}).filter((k) => k.startsWith("fields.")).map((k) => k.slice(7));
      joined = await postJson("/api/v1/groups/makers/join", { answers: {}, fields: Object.fromEntries(missing.map((k) => [k, "e2e"])) }, sid);
    }
    assert(joined.status === 200, `the third member could not join makers: ${joined.status} ${joined.body.slice(0, 200)}`);
    assert((await postJson("/api/v1/groups/makers/messages", { text: spamText }, sid)).status === 201, "the third member's message was refused");
    const spamOnMember = messageIn(member, spamText);
    const spamOnOwner = messageIn(owner, spamText);
    await spamOnMember.waitFor({ state: "visible", timeout: 10_000 });
    await spamOnOwner.waitFor({ state: "visible", timeout: 10_000 });

    await spamOnMember.locator(".chat-menu-toggle").click();
    await spamOnMember.locator(".chat-report").click();
    await spamOnMember.getByRole("textbox").fill("Spam, please remove");
    const reported = member.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/api/v1/groups/makers/reports");
    await spamOnMember.locator(".chat-report-send").click();
    assert((await reported).status() === 201, "the report was not accepted");

    const queue = await newPage(ownerContext);
    watchProblems(queue, problems);
    const res = await queue.goto(`${tenant}/g/makers/moderation?lang=${lang}`);
    assert(res?.status() === 200, `GET /g/makers/moderation answered ${res?.status()}`);
    const card = queue.locator("li, article, .card", { hasText: spamText }).last();
    await card.waitFor({ state: "visible" });
    assert((await card.innerText()).includes("Spam, please remove"), "the report's reason is not shown");
    await queue.screenshot({ path: join(SHOTS, `moderation-queue-${lang}-1280.png`), fullPage: true });
    await Promise.all([queue.waitForURL((u) => u.searchParams.get("done") === "hidden"), card.getByRole("button", { name: t(lang, "moderation.hide_label", { name: spammer.name }) }).click()]);
    await spamOnMember.waitFor({ state: "detached", timeout: 10_000 });
    await spamOnOwner.waitFor({ state: "detached", timeout: 10_000 });
    await queue.close();
    await member.screenshot({ path: join(SHOTS, `group-chat-after-hide-${lang}-1280.png`), fullPage: true });
  }, { page: () => member });

  step.noProblems("no JavaScript errors or failed requests during the discussion checks", problems);
});

eachViewport("Discussion screenshots", ({ tag, width: w, options, step }) => {
  const problems = [];
  const page = usePage(options, { as: DEMO.owner, problems });
  for (const l of LANGS) {
    step.shot(page, { url: () => `${tenant}/g/makers?lang=${l}`, file: `group-discussions-${l}-${tag}.png`, lang: l, width: w, expectText: threadTitle, ready: chatLive });
    step.shot(page, { url: () => (assert(threadPath, "no thread: the live discussion checks failed"), `${tenant}${threadPath}?lang=${l}`), file: `thread-${l}-${tag}.png`, lang: l, width: w, expectText: threadTitle });
    step.shot(page, { url: () => `${tenant}/g/makers/chat?lang=${l}`, file: `chat-${l}-${tag}.png`, lang: l, width: w, expectText: chatText, ready: chatLive });
    step.shot(page, { url: () => `${tenant}/g/makers/moderation?lang=${l}&status=all`, file: `moderation-${l}-${tag}.png`, lang: l, width: w });
    step.shot(page, { url: () => `${tenant}/g/makers/leaderboard?lang=${l}`, file: `leaderboard-${l}-${tag}.png`, lang: l, width: w, expectText: DEMO.owner.name });
    step.shot(page, { url: () => `${tenant}/admin/groups/makers/activity?lang=${l}`, file: `admin-activity-${l}-${tag}.png`, lang: l, width: w });
    step.shot(page, { url: () => `${tenant}/admin/groups/makers/levels?lang=${l}`, file: `admin-levels-${l}-${tag}.png`, lang: l, width: w });
  }
  step.noProblems(`no JavaScript errors or failed requests on the discussion pages (${tag})`, problems);
});
