// Groups in the browser: the join page behind a group's link, and the admin's live request queue.
//   - the demo owner keeps /admin/groups/founders/requests open (never reloaded) while a visitor
//     signs up through /g/founders/join, answers the question and gets the pending state (202); the
//     request appears live in the owner's queue, Approve removes it, the visitor is then a member
//     (/g/founders and /api/v1/me);
//   - screenshots of the group pages (/g/makers signed out, /g/founders as a member, the join page)
//     and of /admin, the group's settings, branding, members and request queue (with a request
//     waiting, sent through the JSON API), in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { join } from "node:path";
import { DEMO, FOUNDERS, LANGS, SHOTS, apiLogin, app, eachViewport, field, http, json, logInThroughForm, mainText, newContext, newPage, openPage, postJson, ready, shot, sidOf, steps, t, tenant, uniqueSuffix, watchProblems } from "./harness.mjs";

const groupSuffix = uniqueSuffix();
const visitor = { name: `Sam Visitor ${groupSuffix}`, email: `e2e-join-${groupSuffix}@demo.example`, password: `e2e-join-${groupSuffix}-Xy!`, sid: null };

describe("Groups: join an approval group while the admin watches the queue live (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  const viewport = { width: 1280, height: 800 };
  const problems = [];
  let adminContext, visitorContext, admin, guest, row;
  let adminNavigations = 0;
  const queueUrl = () => `${tenant}/admin/groups/${FOUNDERS.slug}/requests?lang=${lang}`;
  before(async () => {
    ready();
    adminContext = await newContext({ viewport });
    visitorContext = await newContext({ viewport });
    admin = await newPage(adminContext);
    guest = await newPage(visitorContext);
    watchProblems(admin, problems);
    watchProblems(guest, problems);
    row = admin.locator("li.request", { hasText: visitor.email });
  });
  after(async () => {
    await adminContext?.close();
    await visitorContext?.close();
  });

  step("the demo owner logs in and opens the founders request queue, which goes live", async () => {
    await logInThroughForm(admin, DEMO.owner, lang);
    const res = await admin.goto(queueUrl());
    assert(res?.status() === 200, `GET ${queueUrl()} answered ${res?.status()}`);
    await admin.getByRole("heading", { name: t(lang, "admin.requests.title") }).waitFor({ state: "visible" });
    // The island says "Live" once its WebSocket to /api/v1/groups/founders/requests/live is open.
    await admin.locator(".queue-live[data-state=live]").getByText(t(lang, "admin.requests.live"), { exact: true }).waitFor({ state: "visible" });
    // From here on the page must not reload: a marker in the window would be lost, and so would be counted.
    await admin.evaluate(() => (window.__e2eQueueMarker = "kept"));
    admin.on("framenavigated", (frame) => {
      if (frame === admin.mainFrame()) adminNavigations++;
    });
  }, { page: () => admin });

  step("/g/founders/join (signed out) shows name, email, password, language and the group's question", async () => {
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
  }, { page: () => guest });

  step("signing up and answering in one form sends the request: 202 and the pending state", async () => {
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
  }, { page: () => guest });

  step("the admin's open queue shows the new request without a reload", async () => {
    await row.waitFor({ state: "visible", timeout: 10_000 });
    const text = (await row.innerText()).replace(/\s+/g, " ");
    assert(text.includes(visitor.name), `the new row does not show the name: ${text}`);
    assert(text.includes("Un atelier de réparation de vélos"), `the new row does not show the answer: ${text}`);
    assert(adminNavigations === 0, `the queue page navigated ${adminNavigations} time(s)`);
    assert((await admin.evaluate(() => window.__e2eQueueMarker)) === "kept", "the queue page was reloaded");
    await admin.screenshot({ path: join(SHOTS, `admin-requests-live-${lang}-1280.png`), fullPage: true });
  }, { page: () => admin });

  step("Approve in the queue calls the JSON API and the row disappears", async () => {
    const [response] = await Promise.all([
      admin.waitForResponse((r) => r.request().method() === "POST" && /\/api\/v1\/groups\/founders\/requests\/[^/]+\/approve$/.test(new URL(r.url()).pathname)),
      row.getByRole("button", { name: t(lang, "admin.requests.approve_label", { name: visitor.name }), exact: true }).click(),
    ]);
    assert(response.status() === 200, `${response.url()} answered ${response.status()}`);
    await row.waitFor({ state: "detached", timeout: 10_000 });
    assert(adminNavigations === 0 && (await admin.evaluate(() => window.__e2eQueueMarker)) === "kept", "the queue page was reloaded");
  }, { page: () => admin });

  step("the visitor's waiting page turns into /g/founders by itself, where they are a member", async () => {
    // The waiting page listens for the decision and opens the group once the membership is written:
    // no reload from the test (it would race the page's own navigation).
    let text = "";
    for (const started = Date.now(); Date.now() - started < 15_000; await guest.waitForTimeout(250)) {
      text = await mainText(guest).catch(() => "");
      if (new URL(guest.url()).pathname === `/g/${FOUNDERS.slug}` && text.includes(t(lang, "group.you_member"))) break;
    }
    assert(text.includes(t(lang, "group.you_member")), `the group page does not say "${t(lang, "group.you_member")}"; it says: ${text.slice(0, 300)}`);
    await guest.getByRole("button", { name: t(lang, "group.leave"), exact: true }).waitFor({ state: "visible" });
  }, { page: () => guest });

  step("GET /api/v1/me lists founders with role member for the visitor", async () => {
    const res = await http(app.port, app.tenantHost, "/api/v1/me", { headers: { cookie: `sid=${visitor.sid}` } });
    assert(res.status === 200, `GET /api/v1/me answered ${res.status}`);
    const groups = json(res)?.groups ?? [];
    const founders = groups.find((g) => g.slug === FOUNDERS.slug);
    assert(founders?.role === "member", `groups: ${JSON.stringify(groups)}`);
  }, { page: () => guest });

  step.noProblems("no JavaScript errors or failed requests in either browser", problems);
});

// A second applicant, through the JSON API, so the queue has someone waiting in the screenshots.
const pendingApplicant = { name: "Inès Moreau", email: `e2e-pending-${groupSuffix}@demo.example`, password: `e2e-pending-${groupSuffix}-Xy!` };
describe("Groups: a second applicant through the JSON API", () => {
  const step = steps();
  before(ready);
  step("POST /api/v1/auth/signup, then POST /api/v1/groups/founders/join: 202 pending", async () => {
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
  step("the owner sees it in GET /api/v1/groups/founders/requests", async () => {
    const ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const res = await http(app.port, app.tenantHost, `/api/v1/groups/${FOUNDERS.slug}/requests`, { headers: { cookie: `sid=${ownerSid}` } });
    assert(res.status === 200, `answered ${res.status}`);
    const items = json(res)?.items ?? [];
    assert(items.some((r) => r.email === pendingApplicant.email), `requests: ${res.body.slice(0, 300)}`);
    assert(!items.some((r) => r.email === visitor.email), "the approved visitor is still pending");
  });
});

eachViewport("Group and admin screenshots", ({ tag, width: w, options, step }) => {
  const contexts = [];
  const problems = [];
  const pages = {};
  const pageIn = async (how) => {
    const { context, page } = await openPage(options, { ...how, problems });
    contexts.push(context);
    return page;
  };
  before(async () => {
    pages.guest = await pageIn({});
    pages.member = visitor.sid ? await pageIn({ as: visitor }) : null;
    pages.owner = await pageIn({ as: DEMO.owner });
  });
  after(async () => {
    for (const context of contexts) await context.close();
  });
  const admin = () => `${tenant}/admin/groups/${FOUNDERS.slug}`;
  for (const lang of LANGS) {
    step.shot(() => pages.guest, { url: () => `${tenant}/g/makers?lang=${lang}`, file: `group-makers-signed-out-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "group.join") });
    step.shot(() => pages.guest, { url: () => `${tenant}/g/${FOUNDERS.slug}/join?lang=${lang}`, file: `group-join-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "join.signup_title") });
    step(`screenshot group-founders-member-${lang}-${tag}.png`, async () => {
      assert(pages.member, "no member session: the join scenario failed");
      await shot(pages.member, { url: `${tenant}/g/${FOUNDERS.slug}?lang=${lang}`, file: `group-founders-member-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "group.you_member") });
    }, { fatal: false });
    step.shot(() => pages.owner, { url: () => `${tenant}/admin?lang=${lang}`, file: `admin-groups-${lang}-${tag}.png`, lang, width: w });
    step.shot(() => pages.owner, { url: () => `${admin()}?lang=${lang}`, file: `admin-group-settings-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "admin.settings.save") });
    step.shot(() => pages.owner, { url: () => `${admin()}/branding?lang=${lang}`, file: `admin-group-branding-${lang}-${tag}.png`, lang, width: w, expectText: t(lang, "branding.save") });
    step.shot(() => pages.owner, { url: () => `${admin()}/members?lang=${lang}`, file: `admin-group-members-${lang}-${tag}.png`, lang, width: w, expectText: visitor.name });
    step.shot(() => pages.owner, {
      url: () => `${admin()}/requests?lang=${lang}`,
      file: `admin-group-requests-${lang}-${tag}.png`,
      lang,
      width: w,
      expectText: pendingApplicant.name,
      ready: (page) => page.locator(".queue-live[data-state=live]").waitFor({ state: "visible" }),
    });
  }
  step.noProblems(`no JavaScript errors or failed requests on the group and admin pages (${tag})`, problems);
});
