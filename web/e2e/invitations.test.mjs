// Invitations in the browser: import a spreadsheet, read the invitation email, accept it in a fresh browser.
//   - the demo owner uploads an .xlsx (made here with write-excel-file) on /admin/invitations/import,
//     the island previews it (emails and counts), Send imports it; the invitee's email is read from
//     the dev mailbox (/api/v1/dev/mail), a fresh browser opens its /invite/<token> link, sets a
//     name and a password and lands on /g/makers signed in, a member of makers (/api/v1/me);
//   - screenshots of the import form, the preview, the result, the invitation page (1280 and 360)
//     and the invite form /admin/invitations (fr, en; 1280 and 360).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import writeExcelFile from "write-excel-file/node";
import { COMMUNITY, DEMO, FOUNDERS, LANGS, MAKERS, SHOTS, apiLogin, app, eachViewport, field, http, islandHydrated, json, mainText, newContext, newPage, pathOf, ready, settle, sleep, steps, t, tPlural, tenant, uniqueSuffix, usePage, watchProblems } from "./harness.mjs";

const inviteSuffix = uniqueSuffix();
const invitees = [
  { email: `e2e-invite-a-${inviteSuffix}@demo.example`, first: "Léa", last: "Fontaine", language: "en", groups: MAKERS.slug, admin: false },
  { email: `e2e-invite-b-${inviteSuffix}@demo.example`, first: "Hugo", last: "Lambert", language: "fr", groups: "", admin: false },
  { email: `e2e-invite-c-${inviteSuffix}@demo.example`, first: "", last: "", language: "", groups: "", admin: false },
];
const invitee = { ...invitees[0], name: "Léa Fontaine", password: `e2e-invite-${inviteSuffix}-Xy!`, link: null };

/** The invitations sheet: the template's header row, then one row per invitee (empty cells as null). */
async function invitationsXlsx(rows) {
  const header = ["email", "first_name", "last_name", "language", "groups", "admin"];
  const cell = (v) => (v === "" ? null : v);
  const data = [header, ...rows.map((r) => [r.email, cell(r.first), cell(r.last), cell(r.language), cell(r.groups), r.admin])];
  return writeExcelFile(data).toBuffer();
}

describe("Invitations: import a spreadsheet, then accept the invitation (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  let adminContext, inviteeContext, narrowContext, admin, guest, narrow, preview;
  const importUrl = () => `${tenant}/admin/invitations/import?lang=${lang}`;
  const inviteUrl = () => `${invitee.link}${invitee.link.includes("?") ? "&" : "?"}lang=${lang}`;
  before(async () => {
    ready();
    adminContext = await newContext({ viewport, deviceScaleFactor: 1 });
    inviteeContext = await newContext({ viewport, deviceScaleFactor: 1 });
    narrowContext = await newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 });
    admin = await newPage(adminContext);
    guest = await newPage(inviteeContext);
    narrow = await newPage(narrowContext);
    for (const p of [admin, guest, narrow]) watchProblems(p, problems);
    preview = admin.locator("section.import-preview");
  });
  after(async () => {
    await adminContext?.close();
    await inviteeContext?.close();
    await narrowContext?.close();
  });

  step("the demo owner opens /admin/invitations/import: the help, the file input and the Preview button", async () => {
    await adminContext.addCookies([{ name: "sid", value: await apiLogin(DEMO.owner.email, DEMO.owner.password), url: tenant }]);
    const res = await admin.goto(importUrl());
    assert(res?.status() === 200, `GET ${importUrl()} answered ${res?.status()}`);
    await settle(admin);
    await admin.getByRole("heading", { name: t(lang, "admin.import.title"), exact: true }).waitFor({ state: "visible" });
    await admin.getByRole("heading", { name: t(lang, "admin.import.form_title"), exact: true }).waitFor({ state: "visible" });
    await field(admin, t(lang, "admin.import.file")).waitFor({ state: "attached" });
    await admin.getByRole("button", { name: t(lang, "admin.import.submit"), exact: true }).waitFor({ state: "visible" });
    await islandHydrated(admin, "ImportPreview");
    await admin.screenshot({ path: join(SHOTS, `invitations-import-${lang}-1280.png`), fullPage: true });
  }, { page: () => admin });

  step("choosing a generated .xlsx (3 rows) shows the preview: the emails and 3 invitations to send", async () => {
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
  }, { page: () => admin });

  step("Send imports the file and shows the result: 3 invitations sent", async () => {
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
  }, { page: () => admin });

  step("the invitee's email is in the dev mailbox, with a link to /invite/<token>", async () => {
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

  step("the invitation page at 360 px (before accepting it)", async () => {
    const res = await narrow.goto(inviteUrl());
    assert(res?.status() === 200, `GET ${invitee.link} answered ${res?.status()}`);
    await settle(narrow);
    assert((await narrow.locator("main .invite-email").inputValue()).trim() === invitee.email, "the 360 px page does not show the invitee's email");
    await narrow.screenshot({ path: join(SHOTS, `invite-accept-${lang}-360.png`), fullPage: true });
    const scrollWidth = await narrow.evaluate(() => document.documentElement.scrollWidth);
    assert(scrollWidth <= 360, `the page is ${scrollWidth} px wide at a 360 px viewport (horizontal scrolling)`);
  }, { page: () => narrow, fatal: false });

  step("a fresh browser opens the link: the invitation shows their email and the makers group", async () => {
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
  }, { page: () => guest });

  step("setting a name and a password lands on /g/makers, signed in as a member", async () => {
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
  }, { page: () => guest });

  step("GET /api/v1/me (the new session) names them and lists makers among their groups", async () => {
    const sid = (await inviteeContext.cookies(tenant)).find((c) => c.name === "sid")?.value;
    assert(sid, "no sid cookie after accepting the invitation");
    const res = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${sid}` } });
    assert(res.status === 200, `GET /api/v1/me answered ${res.status}`);
    const me = json(res) ?? {};
    assert(me.email === invitee.email && me.name === invitee.name, `GET /api/v1/me: ${res.body.slice(0, 300)}`);
    const makers = (me.groups ?? []).find((g) => g.slug === MAKERS.slug);
    assert(makers, `makers is not among their groups: ${JSON.stringify(me.groups)}`);
  }, { page: () => guest });

  step.noProblems("no JavaScript errors or failed requests in the invitation browsers", problems);
});

eachViewport("Invitation admin screenshots", ({ tag, width: w, options, step }) => {
  const problems = [];
  const page = usePage(options, { as: DEMO.owner, problems });
  for (const lang of LANGS) {
    step.shot(page, { url: () => `${tenant}/admin/invitations?lang=${lang}`, file: `invitations-form-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.invitations.invite_title") });
    if (tag !== "1280" || lang !== "en") {
      // (en at 1280 is taken by the import scenario above, with the island hydrated.)
      step.shot(page, { url: () => `${tenant}/admin/invitations/import?lang=${lang}`, file: `invitations-import-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.import.form_title") });
    }
  }
  if (tag === "360") {
    // The preview's table becomes one card per row on a phone. The file's addresses were imported above,
    // so these rows now say what happens to people already invited or already members; plus one new row.
    const lang = "en";
    const file = `invitations-preview-${lang}-${tag}.png`;
    step(`screenshot ${file}`, async () => {
      const p = page();
      const res = await p.goto(`${tenant}/admin/invitations/import?lang=${lang}`);
      assert(res?.status() === 200, `GET /admin/invitations/import answered ${res?.status()}`);
      await settle(p);
      await islandHydrated(p, "ImportPreview");
      const rows = [...invitees, { email: `e2e-invite-d-${inviteSuffix}@demo.example`, first: "Zoé", last: "Petit-Delacroix", language: "nl", groups: `${MAKERS.slug}|${FOUNDERS.slug}`, admin: true }];
      await field(p, t(lang, "admin.import.file")).setInputFiles({ name: "invitations-e2e-again.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: await invitationsXlsx(rows) });
      const preview = p.locator("section.import-preview");
      await preview.getByRole("heading", { name: t(lang, "admin.import.preview_title"), exact: true }).waitFor({ state: "visible", timeout: 15_000 });
      const text = (await preview.innerText()).replace(/\s+/g, " ");
      assert(text.includes(rows[3].email), `the preview does not list ${rows[3].email}: ${text.slice(0, 300)}`);
      await p.screenshot({ path: join(SHOTS, file), fullPage: true });
      await preview.screenshot({ path: join(SHOTS, `invitations-preview-panel-${lang}-${tag}.png`) });
      const scrollWidth = await p.evaluate(() => document.documentElement.scrollWidth);
      assert(scrollWidth <= w, `the page is ${scrollWidth} px wide at a ${w} px viewport (horizontal scrolling)`);
    }, { page, fatal: false });
  }
  step.noProblems(`no JavaScript errors or failed requests on the invitation admin pages (${tag})`, problems);
});
