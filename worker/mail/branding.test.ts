import { runInvitationLifecycle } from "../invitations/service";
import { describe, expect, it } from "vitest";
import { call, env, makeTenant, setSignupPolicy, signUpMember, type TestTenant } from "../test/helpers";
import { inbox } from "../test/mail";
import * as templates from "./templates";
import { eventWhen } from "../events/service";
import type { MailBrand, MailMessage } from "./templates";

const BRAND: MailBrand = { color: "#0f7a5c", logoUrl: "https://zebre.communities.test/media/tenants/x/logo.png" };

/**
 * Every exported template, built with a French text that exercises the typography. A
 * template added without a row here fails the first test, so none can ship unbranded.
 */
const future = Date.UTC(2030, 0, 15);
const cases: Record<string, (lang: "fr" | "en") => MailMessage> = {
  passwordResetMail: (l) => templates.passwordResetMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", url: "https://z.example/reset?token=t" }),
  welcomeMail: (l) => templates.welcomeMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre", url: "https://z.example/" }),
  approvalNeededMail: (l) => templates.approvalNeededMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", email: "ana@x.example", community: "Zèbre", url: "https://z.example/admin/members" }),
  accountApprovedMail: (l) => templates.accountApprovedMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre", url: "https://z.example/login" }),
  accountDeclinedMail: (l) => templates.accountDeclinedMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre" }),
  webhookDisabledMail: (l) => templates.webhookDisabledMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", webhookUrl: "https://hooks.example.com/in", url: "https://z.example/admin/integrations" }),
  invitationMail: (l) =>
    templates.invitationMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", inviter: "Olivia", message: "Bienvenue !", groups: ["Atelier"], url: "https://z.example/invite/t", expiresAt: future, timezone: "Europe/Paris", reminder: false }),
  groupInvitationMail: (l) =>
    templates.groupInvitationMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre", inviter: "Olivia", message: "Viens donc ?", groups: ["Atelier"], url: "https://z.example/me/invitations", expiresAt: future, timezone: "Europe/Paris" }),
  accountCreatedMail: (l) => templates.accountCreatedMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre", url: "https://z.example/reset?token=t", hasPassword: false, login: "https://z.example/login" }),
  loginLinkMail: (l) => templates.loginLinkMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", community: "Zèbre", url: "https://z.example/login/link?token=t", requested: true }),
  mentionMail: (l) => templates.mentionMail(l, { brand: BRAND, to: "a@x.example", who: "Olivia", group: "Atelier", community: "Zèbre", title: "Réunion", excerpt: "Tu viens ?", url: "https://z.example/g/atelier" }),
  joinRequestsMail: (l) => templates.joinRequestsMail(l, { brand: BRAND, to: "a@x.example", group: "Atelier", community: "Zèbre", names: ["Élodie"], total: 1, url: "https://z.example/r" }),
  reportsMail: (l) => templates.reportsMail(l, { brand: BRAND, to: "a@x.example", group: "Atelier", community: "Zèbre", reports: [{ reason: "Spam", excerpt: "Achetez !" }], total: 1, url: "https://z.example/m" }),
  announcementMail: (l) => templates.announcementMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", title: "Fermeture", body: "Fermé lundi.\n\nÀ mardi !", url: "https://z.example/" }),
  bookingMail: (l) => templates.bookingMail(l, "confirmed", { brand: BRAND, to: "a@x.example", community: "Zèbre", resource: "Salle ?", slots: ["lundi 7 décembre 2026, 09:00 – 10:00"], url: "https://z.example/bookings", ics: "BEGIN:VCALENDAR" }),
  invoiceIssuedMail: (l) => templates.invoiceIssuedMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", number: "INV2026-0001", total: "12,34 €", dueOn: "2026-07-15", url: "https://z.example/membership" }),
  eventMail: (l) => templates.eventMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", kind: "promoted", title: "Atelier vélo", when: eventWhen("fr", Date.UTC(2026, 11, 12, 18), Date.UTC(2026, 11, 12, 20), "Europe/Paris"), location: "Cour", url: "https://z.example/events/e1" }),
  invoiceReminderMail: (l) => templates.invoiceReminderMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", number: "INV2026-0001", balance: "12,34 €", dueOn: "15 juillet 2026", step: 20, url: "https://z.example/membership/invoices/x" }),
  joinApprovedMail: (l) => templates.joinApprovedMail(l, { brand: BRAND, to: "a@x.example", name: "Ana", group: "Atelier", community: "Zèbre", url: "https://z.example/g/atelier" }),
  // help-api
  helpIssueOpenedMail: (l) => templates.helpIssueOpenedMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", title: "Wi-Fi en panne", author: "Ana", excerpt: "Depuis ce matin ?", url: "https://z.example/help/issues/x" }),
  helpCommentMail: (l) => templates.helpCommentMail(l, { brand: BRAND, to: "a@x.example", community: "Zèbre", title: "Wi-Fi en panne", author: "Olivia", excerpt: "Redémarré !", url: "https://z.example/help/issues/x" }),
};

/** Narrow no-break spaces before « : ; ! ? » and inside guillemets, nothing wider (URLs aside). */
function expectFrenchTypography(s: string) {
  // A URL, and a time's colon ("09:00", as Intl writes French times), are not punctuation.
  const prose = s.replace(/https?:\/\/\S+/g, "URL").replace(/(\d):(\d)/g, "$1h$2");
  expect(prose).not.toMatch(/[ \u00a0][:;!?»]/);
  expect(prose).not.toMatch(/«[ \u00a0]/);
  for (const m of prose.matchAll(/[:;!?»]/g)) expect(prose[m.index! - 1], `before ${m[0]} in ${JSON.stringify(prose.slice(Math.max(0, m.index! - 20), m.index! + 2))}`).toBe("\u202f");
}

function expectBranded(mail: { html: string }, brand: { color: string; logoUrl: string }) {
  expect(mail.html).toContain(`color:${brand.color}`);
  expect(mail.html).toContain(`<img src="${brand.logoUrl}"`);
  expect(mail.html).not.toContain("#4f46e5");
}

describe("every email wears the community's colour and logo", () => {
  it("the table covers every exported template", () => {
    const exported = Object.entries(templates)
      .filter(([name, v]) => typeof v === "function" && /Mail$/.test(name) && name !== "mailLang")
      .map(([name]) => name)
      .sort();
    expect(exported).toEqual(Object.keys(cases).sort());
  });

  for (const [name, build] of Object.entries(cases)) {
    it(`${name}: colour, logo and French typography`, () => {
      const fr = build("fr");
      expectBranded(fr, { color: BRAND.color, logoUrl: BRAND.logoUrl! });
      expectBranded(build("en"), { color: BRAND.color, logoUrl: BRAND.logoUrl! });
      expect(fr.html).toContain('lang="fr"');
      expectFrenchTypography(fr.subject);
      expectFrenchTypography(fr.text);
      // The HTML's own prose: tags and inline styles removed.
      expectFrenchTypography(fr.html.replace(/<[^>]*>/g, " ").replace(/&[a-z]+;|&#\d+;/g, "x"));
      if (fr.text.includes("«")) expect(fr.text).toMatch(/«\u202f[^»]*\u202f»/);
    });
  }

  it("tenantBrand puts the logo on the community's own host", () => {
    expect(templates.tenantBrand(env, { subdomain: "zebre", primaryColor: "#0f7a5c", logoKey: "tenants/z/logo.png" })).toEqual({
      color: "#0f7a5c",
      logoUrl: `http://zebre.${env.ROOT_DOMAIN}/media/tenants/z/logo.png`.replace(/^http:/, env.ROOT_DOMAIN.startsWith("localhost") ? "http:" : "https:"),
    });
  });
});

async function brand(tenant: TestTenant) {
  const logoKey = `tenants/${tenant.id}/logo/brand.png`;
  await env.DB.prepare("update tenants set logo_key = ? where id = ?").bind(logoKey, tenant.id).run();
  // Through the API, so the tenant cache forgets the old row.
  const res = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { branding: { primaryColor: "#0f7a5c" } } });
  expect(res.status).toBe(200);
  return { color: "#0f7a5c", logoUrl: `http://${tenant.host}/media/${logoKey}`, logoPath: `/media/${logoKey}` };
}

/** The logo's URL is absolute and on the community's host (http in tests, https in production). */
function expectHostLogo(mail: { html: string }, b: { color: string; logoPath: string }, host: string) {
  expect(mail.html).toContain(`color:${b.color}`);
  expect(mail.html).not.toContain("#4f46e5");
  expect(mail.html).toMatch(new RegExp(`<img src="https?://${host.replace(/\./g, "\\.")}${b.logoPath.replace(/\./g, "\\.")}"`));
}

describe("every email the product sends, through its real caller, is branded", () => {
  it("sign-in links, password reset, approval needed, declined and approved", async () => {
    const tenant = await makeTenant();
    const b = await brand(tenant);
    const member = await signUpMember(tenant, "mem@brand.example", "Mia Member");
    expect((await call(tenant.host, "POST", "/api/v1/auth/login-link", { json: { email: member.email } })).status).toBeLessThan(300);
    expect((await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: member.email } })).status).toBeLessThan(300);
    const mails = await inbox(tenant.host, member.email, 50);
    expect(mails.length).toBeGreaterThanOrEqual(3); // welcome, sign-in link, reset
    for (const m of mails) expectHostLogo(m, b, tenant.host);

    await setSignupPolicy(tenant, "approval");
    const ids: string[] = [];
    for (const e of ["no@brand.example", "yes@brand.example"]) {
      const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: e, password: "a long enough password", name: "Pat Pending", language: "fr" } });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { user: { id: string } }).user.id);
    }
    expect((await call(tenant.host, "POST", `/api/v1/members/${ids[0]}/decline`, { cookie: tenant.owner.cookie })).status).toBe(200);
    expect((await call(tenant.host, "POST", `/api/v1/members/${ids[1]}/approve`, { cookie: tenant.owner.cookie })).status).toBe(200);
    const toOwner = await inbox(tenant.host, tenant.owner.email, 50);
    const approvals = toOwner.filter((m) => m.html.includes("/admin/members"));
    expect(approvals.length).toBe(2);
    for (const m of approvals) expectHostLogo(m, b, tenant.host);
    for (const e of ["no@brand.example", "yes@brand.example"]) {
      const [decided] = await inbox(tenant.host, e, 50);
      expectHostLogo(decided!, b, tenant.host);
      expectFrenchTypography(decided!.text);
    }
  });

  it("invitations and their cron reminders, in French", async () => {
    const tenant = await makeTenant();
    const b = await brand(tenant);
    const res = await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: ["inv@brand.example"], language: "fr", message: "Viens !" } });
    expect(res.status).toBe(200);
    const [invite] = await inbox(tenant.host, "inv@brand.example", 50);
    expectHostLogo(invite!, b, tenant.host);
    expectFrenchTypography(invite!.text);
    expect(invite!.text).toContain("«\u202fViens\u202f!\u202f»");
    expect((await runInvitationLifecycle(env, Date.now() + 4 * 86_400_000, { tenantId: tenant.id })).reminded).toBe(1);
    // The reminder waits in the outbox until its (future) time: read it there.
    const rows = await env.DB.prepare(`select html, text from outbox where tenant_id = ? and "to" = ?`).bind(tenant.id, "inv@brand.example").all<{ html: string; text: string }>();
    expect(rows.results.length).toBe(2);
    for (const m of rows.results) {
      expectHostLogo(m, b, tenant.host);
      expectFrenchTypography(m.text);
    }
  });
});
