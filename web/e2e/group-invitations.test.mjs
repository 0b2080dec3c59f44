// Group invitations in the browser.
//   - the demo member (no community role) creates a group and invites an address that already has
//     an account: the API answers `invited`, and nobody is a member yet;
//   - that person sees the invitation on the home page and on /me/invitations, answers with the
//     page's plain form (Accept) and lands in the group, a member (/api/v1/me);
//   - screenshots of the home section and /me/invitations (fr, en; 1280 and 360) and of the
//     community settings with "who may create groups" (fr, en; 1280 and 360).
import assert from "node:assert/strict";
import { before, describe } from "node:test";
import { DEMO, LANGS, VIEWPORTS, apiLogin, eachViewport, newContext, newPage, postJson, ready, steps, t, tenant, uniqueSuffix, usePage, viewportOptions } from "./harness.mjs";

const suffix = uniqueSuffix();
const slug = `club-${suffix}`;
const invitee = { name: `Ines Invitee ${suffix}`, email: `e2e-invitee-${suffix}@demo.example`, password: `e2e-invitee-${suffix}-Xy!` };
let inviteeSid = null;

describe("Group invitations: a group admin invites an existing account, who accepts in the app", () => {
  const step = steps();
  before(ready);
  step("a member creates a group and invites an address that has an account: invited, not added", async () => {
    const signup = await postJson("/api/v1/auth/signup", { email: invitee.email, password: invitee.password, name: invitee.name });
    assert(signup.status === 201, `signup answered ${signup.status}: ${signup.body.slice(0, 200)}`);
    inviteeSid = await apiLogin(invitee.email, invitee.password);
    const memberSid = await apiLogin(DEMO.member.email, DEMO.member.password);
    const created = await postJson("/api/v1/groups", { name: `Club ${suffix}`, slug, joinPolicy: "invite" }, memberSid);
    assert(created.status === 201, `creating the group answered ${created.status}: ${created.body.slice(0, 200)}`);
    const res = await postJson("/api/v1/invitations", { emails: [invitee.email], groups: [slug], message: "Come and join us!" }, memberSid);
    assert(res.status === 200, `invite answered ${res.status}: ${res.body.slice(0, 200)}`);
    const body = JSON.parse(res.body);
    assert(JSON.stringify(body) === JSON.stringify({ invited: [invitee.email], addedToGroups: [], skipped: [] }), `answer ${res.body}`);
  });

  for (const vp of VIEWPORTS) {
    const { tag, viewport } = vp;
    describe(`the invitation on the home page and /me/invitations at ${viewport.width}x${viewport.height}`, () => {
      const page = usePage(viewportOptions(vp), () => ({ sid: inviteeSid }));
      for (const lang of LANGS) {
        step.shot(page, { url: () => `${tenant}/?lang=${lang}`, file: `home-invitations-${lang}-${tag}.png`, lang, width: viewport.width, expectText: t(lang, "my_invitations.home_title") });
        step.shot(page, { url: () => `${tenant}/me/invitations?lang=${lang}`, file: `me-invitations-${lang}-${tag}.png`, lang, width: viewport.width, expectText: t(lang, "my_invitations.accept") });
      }
    });
  }

  step("the invited person accepts with the page's form (no JavaScript) and lands in the group, a member", async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false }, inviteeSid);
    try {
      const page = await newPage(context);
      await page.goto(`${tenant}/me/invitations?lang=en`);
      await Promise.all([
        page.waitForURL((url) => url.pathname === `/g/${slug}`, { waitUntil: "load" }),
        page.getByRole("button", { name: t("en", "my_invitations.accept_label", { groups: `Club ${suffix}` }), exact: true }).click(),
      ]);
      const me = await page.evaluate(async () => (await fetch("/api/v1/me")).json()).catch(() => null);
      if (me) assert(me.groups.some((g) => g.slug === slug), `not a member: ${JSON.stringify(me.groups)}`);
    } finally {
      await context.close();
    }
  });
});

describe("Community settings: who may create groups (fr, en; 1280 and 360)", () => {
  let ownerSid = null;
  before(async () => {
    ready();
    ownerSid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
  });
  eachViewport("/admin/settings", ({ tag, width, options, step }) => {
    const page = usePage(options, () => ({ sid: ownerSid }));
    for (const lang of LANGS) {
      step.shot(page, { url: () => `${tenant}/admin/settings?lang=${lang}`, file: `admin-settings-${lang}-${tag}.png`, lang, width, expectText: t(lang, "admin.tenant.group_creation") });
    }
  });
});
