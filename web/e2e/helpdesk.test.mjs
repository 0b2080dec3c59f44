// The help desk, in the browser (issue 17's journey):
//   - the owner (through the API) publishes a guide;
//   - the demo member opens /help, asks a private question with a photo through the no-JS form,
//     and lands on the issue with its private badge and image;
//   - the owner sees the unread count beside "Help desk" in the admin navigation, opens
//     /admin/help, the issue (which reads it), and answers it through the page's form;
//   - the member sees the answer on the issue page;
//   - another member gets 404 on that issue, page and API alike;
//   - screenshots of /help, the issue, the guide and /admin/help in French and English, at
//     1280x800 and 360x740.
import assert from "node:assert/strict";
import { deflateSync, crc32 } from "node:zlib";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, postJson, settle, SHOTS, sidOf, steps, t, tenant, uniqueSuffix } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const GUIDE = { title: `Réserver une salle ${suffix}`, body: "1. Ouvrez **Réservations**.\n2. Choisissez une salle et un créneau.\n\nLe badge ouvre la porte pendant la réservation." };
const ISSUE = { title: `The heating in room B is off ${suffix}`, body: "Since this morning the radiator in **room B** stays cold. A photo of the thermostat is attached." };
const ANSWER = `Thanks for telling us ${suffix}: the technician comes tomorrow at 9.`;

/** A real PNG (a small gradient), so the browser shows it. */
function photo(width = 160, height = 100) {
  const chunk = (type, data) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([40 + Math.round((x / width) * 180), 90 + Math.round((y / height) * 120), 200], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

/** The count beside the help section of the admin navigation, or on the header's admin link (0 when none is shown). */
async function navCount(page, where = '.admin-nav a[href="/admin/help"] .tab-count') {
  const count = page.locator(where);
  return (await count.count()) === 0 ? 0 : Number((await count.first().innerText()).replace(/\D.*$/s, ""));
}
const headerCount = (page) => navCount(page, ".nav-admin .help-nav-count");

describe("Help desk: a private question, the admin's answer, another member's 404 (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const other = { name: `Otto Other ${suffix}`, email: `otto-${suffix}@example.org`, password: `otto-pass-${suffix}-Xy!` };
  let owner, member, stranger, issuePath, guideId;
  before(async () => {
    const viewport = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 };
    owner = await openPage(viewport, { as: DEMO.owner });
    member = await openPage(viewport, { as: DEMO.member });
    const signup = await postJson("/api/v1/auth/signup", other);
    assert.equal(signup.status, 201, signup.body);
    stranger = await openPage(viewport, { sid: sidOf(signup) });
    await owner.page.goto(`${tenant}/admin?lang=${lang}`);
  });
  after(async () => {
    await owner?.context.close();
    await member?.context.close();
    await stranger?.context.close();
  });

  step("the owner publishes a guide", async () => {
    const res = await api(owner.page, "/api/v1/guides", "POST", GUIDE);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    guideId = res.body.guide.id;
  });

  step("the member asks a private question with a photo from /help, and lands on it", async () => {
    const p = member.page;
    await p.goto(`${tenant}/help?lang=${lang}`);
    assert((await mainText(p)).includes(GUIDE.title), "the guide is not listed on /help");
    await Promise.all([p.waitForURL((u) => u.pathname === "/help/issues/new"), p.getByRole("link", { name: t(lang, "help.new_issue"), exact: true }).click()]);
    await field(p, t(lang, "help.issue_title_label")).fill(ISSUE.title);
    await field(p, t(lang, "help.issue_body_label")).fill(ISSUE.body);
    await p.getByLabel(t(lang, "help.issue_private_label"), { exact: true }).check();
    await field(p, t(lang, "help.attachments_label")).setInputFiles({ name: "thermostat.png", mimeType: "image/png", buffer: photo() });
    await Promise.all([p.waitForURL((u) => /^\/help\/issues\/[^/]+$/.test(u.pathname) && u.searchParams.get("done") === "issue_created"), p.getByRole("button", { name: t(lang, "help.issue_submit"), exact: true }).click()]);
    await settle(p);
    issuePath = new URL(p.url()).pathname;
    const text = await mainText(p);
    for (const expected of [ISSUE.title, t(lang, "help.done.issue_created"), t(lang, "help.private"), t(lang, "help.private_hint")]) assert(text.includes(expected), `the issue page does not say "${expected}": ${text.slice(0, 400)}`);
    const img = p.locator(".help-attachment img");
    assert.equal(await img.count(), 1, "the photo is not shown");
    assert((await img.evaluate((el) => el.naturalWidth)) === 160, "the photo did not load");
  });

  step("the owner sees the unread count in the admin navigation, opens /admin/help and the issue, and answers it", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/members?lang=${lang}`);
    const before = await navCount(p);
    assert(before >= 1, "no unread count beside the help desk in the admin navigation");
    assert.equal(await headerCount(p), before, "the header's admin link does not show the same count");
    await p.screenshot({ path: join(SHOTS, "help-admin-unread-en-1280.png") });
    await Promise.all([p.waitForURL((u) => u.pathname === "/admin/help"), p.locator('.admin-nav a[href="/admin/help"]').click()]);
    const row = p.locator("tr.help-row", { hasText: ISSUE.title });
    assert.equal(await row.count(), 1, "the issue is not listed on /admin/help");
    assert.equal(await row.locator(".help-unread").count(), 1, "the new issue is not marked unread");
    await Promise.all([p.waitForURL((u) => u.pathname === issuePath), row.getByRole("link", { name: ISSUE.title }).click()]);
    assert.equal(await headerCount(p), before - 1, "opening the issue did not read it (the header's count)");
    await field(p, t(lang, "help.comment_label")).fill(ANSWER);
    await Promise.all([p.waitForURL((u) => u.pathname === issuePath && u.searchParams.get("done") === "comment"), p.getByRole("button", { name: t(lang, "help.comment_submit"), exact: true }).click()]);
    assert((await mainText(p)).includes(t(lang, "help.done.comment")), "no notice after answering");
  });

  step("the member sees the answer, marked as the team's", async () => {
    const p = member.page;
    await p.goto(`${tenant}${issuePath}?lang=${lang}`);
    const answer = p.locator(".help-comment", { hasText: ANSWER });
    assert.equal(await answer.count(), 1, "the answer is not on the member's issue page");
    assert((await answer.innerText()).includes(t(lang, "help.comment_by_admin")), "the answer is not marked as the team's");
  });

  step("another member gets 404 on the private issue (page and API), and does not see it on /help", async () => {
    const p = stranger.page;
    const res = await p.goto(`${tenant}${issuePath}?lang=${lang}`);
    assert.equal(res?.status(), 404);
    const id = issuePath.split("/").pop();
    assert.equal((await api(p, `/api/v1/issues/${id}`)).status, 404);
    await p.goto(`${tenant}/help?lang=${lang}`);
    assert(!(await mainText(p)).includes(ISSUE.title), "another member's private issue is listed on /help");
  });

  describe("screenshots", () => {
    for (const shotLang of LANGS) {
      eachViewport(`help desk pages (${shotLang})`, ({ tag, options, step: shotStep }) => {
        let ownerShots, memberShots;
        before(async () => {
          ownerShots = await openPage(options, { as: DEMO.owner });
          memberShots = await openPage(options, { as: DEMO.member });
        });
        after(async () => {
          await ownerShots?.context.close();
          await memberShots?.context.close();
        });
        const width = options.viewport.width;
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/help?lang=${shotLang}`, file: `help-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: GUIDE.title });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}${issuePath}?lang=${shotLang}`, file: `help-issue-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: ANSWER });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/help/guides/${guideId}?lang=${shotLang}`, file: `help-guide-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: GUIDE.title });
        shotStep.shot(() => memberShots.page, { url: () => `${tenant}/help/issues/new?lang=${shotLang}`, file: `help-new-issue-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: t(shotLang, "help.issue_title_label") });
        shotStep.shot(() => ownerShots.page, { url: () => `${tenant}/admin/help?lang=${shotLang}`, file: `help-admin-${shotLang}-${tag}.png`, lang: shotLang, width, expectText: ISSUE.title });
      });
    }
  });
});
