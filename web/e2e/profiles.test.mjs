// Profiles in the browser: the demo owner adds fields on /admin/profile-fields (a directory filter,
// a number the member cannot change, an admins-only note, a required field for makers) and sets the
// member's values; the demo member edits theirs on /me, sees the read-only one as text and never the
// admins-only one, is refused by the API when changing the read-only one (403), and the member
// directory (/members) filters by the zone; screenshots of /me, /members, the field admin, a
// member's profile for admins and the makers' join page (fr, en; 1280 and 360).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, LANGS, MAKERS, SHOTS, apiLogin, app, eachViewport, field, http, json, logInThroughForm, mainText, newContext, newPage, ready, settle, steps, t, tenant, uniqueSuffix, usePage, watchProblems } from "./harness.mjs";

const profileSuffix = uniqueSuffix(3);
const PROFILE = {
  zone: { key: `zone_${profileSuffix}`, label: "Desk zone", options: ["North wing", "South wing"] },
  number: { key: `member_no_${profileSuffix}`, label: "Membership number" },
  note: { key: `note_${profileSuffix}`, label: "Internal note", value: `e2e-admin-only-${profileSuffix}` },
  boat: { key: `workshop_${profileSuffix}`, label: "Workshop badge" },
};

describe("Profiles: fields defined by the owner, filled in by a member, a directory filter (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  let adminContext, memberContext, admin, member;
  before(async () => {
    ready();
    adminContext = await newContext({ viewport }, await apiLogin(DEMO.owner.email, DEMO.owner.password));
    memberContext = await newContext({ viewport });
    admin = await newPage(adminContext);
    member = await newPage(memberContext);
    watchProblems(admin, problems);
    watchProblems(member, problems);
  });
  after(async () => {
    await adminContext?.close();
    await memberContext?.close();
  });
  const fieldsUrl = () => `${tenant}/admin/profile-fields?lang=${lang}`;
  const addField = async ({ key, label, type, options, admins = false, editable = true, directory = false }) => {
    await admin.goto(fieldsUrl());
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
  const onAdmin = { page: () => admin };
  const onMember = { page: () => member };

  step("/admin has a Profile fields entry leading to /admin/profile-fields", async () => {
    await admin.goto(`${tenant}/admin?lang=${lang}`);
    await Promise.all([
      admin.waitForURL((url) => url.pathname === "/admin/profile-fields", { waitUntil: "load" }),
      admin.locator("nav.admin-nav").getByRole("link", { name: t(lang, "admin.nav.profile_fields"), exact: true }).click(),
    ]);
  }, onAdmin);

  step("the owner adds a one-choice field shown and filterable in the directory", async () => {
    await addField({ key: PROFILE.zone.key, label: PROFILE.zone.label, type: "select", options: PROFILE.zone.options, directory: true });
  }, onAdmin);
  step("the owner adds a number field the member cannot change", async () => {
    await addField({ key: PROFILE.number.key, label: PROFILE.number.label, type: "number", editable: false });
  }, onAdmin);
  step("the owner adds an admins-only field", async () => {
    await addField({ key: PROFILE.note.key, label: PROFILE.note.label, type: "text", admins: true });
  }, onAdmin);
  step("the owner adds a required field asked only of the makers", async () => {
    await admin.goto(fieldsUrl());
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
  }, onAdmin);

  step("the owner sets the member's number and internal note on /admin/members/…/profile", async () => {
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
  }, onAdmin);

  step("the member logs in and opens their profile from the header", async () => {
    await logInThroughForm(member, DEMO.member, lang);
    await Promise.all([
      member.waitForURL((url) => url.pathname === "/me", { waitUntil: "load" }),
      member.getByRole("link", { name: t(lang, "layout.profile", { name: DEMO.member.name }), exact: true }).click(),
    ]);
  }, onMember);

  step("/me: the editable field is a control, the number is read-only text, the admins-only field is absent", async () => {
    await member.goto(`${tenant}/me?lang=${lang}`);
    await settle(member);
    await field(member, PROFILE.zone.label).waitFor({ state: "visible" });
    assert((await member.locator(`main [name="profile.${PROFILE.number.key}"]`).count()) === 0, "the read-only number has a form control");
    const text = await mainText(member);
    assert(text.includes(PROFILE.number.label) && text.includes("1,234"), `the read-only number is not shown: ${text.slice(0, 400)}`);
    for (const hidden of [PROFILE.note.label, PROFILE.note.value]) assert(!(await member.content()).includes(hidden), `/me shows "${hidden}"`);
    // The member is in makers: the makers' required field is theirs to fill.
    await field(member, `${PROFILE.boat.label} ${t(lang, "form.required_tag")}`).waitFor({ state: "visible" });
  }, onMember);

  step("the member picks a zone, writes a bio and saves", async () => {
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
  }, onMember);

  step("the member cannot change the read-only number (PATCH /api/v1/me/profile answers 403 field_not_editable)", async () => {
    const sid = (await memberContext.cookies(tenant)).find((c) => c.name === "sid")?.value;
    const res = await http(app.port, app.tenantHost, "/api/v1/me/profile", {
      method: "PATCH",
      headers: { "content-type": "application/json", cookie: `sid=${sid}` },
      body: JSON.stringify({ fields: { [PROFILE.number.key]: 1 } }),
    });
    assert(res.status === 403 && json(res)?.error?.code === "field_not_editable", `answered ${res.status}: ${res.body.slice(0, 200)}`);
  }, onMember);

  step("the directory filters by the zone: South lists the member, North does not", async () => {
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
  }, onMember);

  step.noProblems("no JavaScript errors or failed requests in the profile browsers", problems);
});

eachViewport("Profile screenshots", ({ tag, width: w, options, step }) => {
  const problems = [];
  const member = usePage(options, { as: DEMO.member, problems });
  const owner = usePage(options, { as: DEMO.owner, problems });
  const guest = usePage(options, { problems });
  for (const lang of LANGS) {
    step.shot(member, { url: () => `${tenant}/me?lang=${lang}`, file: `profile-me-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "profile.title") });
    step.shot(member, { url: () => `${tenant}/members?lang=${lang}`, file: `directory-${lang}-${tag}.png`, lang, width: w, expectText: DEMO.member.name });
    step.shot(owner, { url: () => `${tenant}/admin/profile-fields?lang=${lang}`, file: `admin-profile-fields-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.zone.label });
    step.shot(owner, { url: () => `${tenant}/admin/profile-fields/${PROFILE.zone.key}?lang=${lang}`, file: `admin-profile-field-edit-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.fields.delete") });
    step.shot(owner, { url: () => `${tenant}/admin/members/demo-member/profile?lang=${lang}`, file: `admin-member-profile-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.note.label });
    step.shot(guest, { url: () => `${tenant}/g/${MAKERS.slug}/join?lang=${lang}`, file: `group-join-profile-${lang}-${tag}.png`, lang, width: w, expectText: PROFILE.boat.label });
  }
  step.noProblems(`no JavaScript errors or failed requests on the profile pages (${tag})`, problems);
});
