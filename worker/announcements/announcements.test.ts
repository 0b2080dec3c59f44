import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { tenantDb, type TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { groups, memberships, outbox, users } from "../db/schema";
import { ApiError } from "../http/errors";
import { billingSettingsOf } from "../invoices/settings";
import { planInput, createPlan } from "../plans/service";
import { startMembership } from "../memberships/service";
import { env, makeTenant } from "../test/helpers";
import { announcementInput, announcementsFor, createAnnouncement, deleteAnnouncement, getAnnouncement, listAnnouncements, updateAnnouncement } from "./service";

const NOW = Date.UTC(2027, 1, 10, 9);
const TODAY = "2027-02-10";
const mailContext = { brand: { color: "#4f46e5", logoUrl: null }, community: "Atelier", url: "https://atelier.example/", defaultLanguage: "fr" as const };

async function setup() {
  const tenant = await makeTenant();
  const t = tenantDb(env, tenant);
  const person = async (language: string | null, status: "active" | "suspended" = "active") => {
    const id = newId();
    await t.db.insert(users).values({ id, tenantId: t.tenantId, email: `${id}@example.com`, name: id, language, tenantRole: "member", status, createdAt: NOW });
    return id;
  };
  return { t, person };
}

const mailsOf = async (t: TenantDb) => t.db.select({ to: outbox.to, subject: outbox.subject }).from(outbox).where(eq(outbox.tenantId, t.tenantId));

describe("announcements", () => {
  it("to everyone: stored, and emailed once to each active member in their language (closest catalog, else the community's)", async () => {
    const { t, person } = await setup();
    const [fr, en, nl, de, none] = (await Promise.all(["fr-CA", "en", "nl-BE", "de", null].map((language) => person(language)))) as [string, string, string, string, string];
    await person("en", "suspended");
    const before = (await mailsOf(t)).length;
    const a = await createAnnouncement(t, announcementInput.parse({ title: "Fermeture", body: "Fermé lundi.\n\nÀ mardi !", email: true }), "admin", TODAY, NOW, mailContext);
    expect(a).toMatchObject({ title: "Fermeture", email: true, plans: [], groups: [], until: null });
    const mails = (await mailsOf(t)).slice(before);
    const subjectOf = (id: string) => mails.filter((m) => m.to === `${id}@example.com`).map((m) => m.subject);
    // The five, and the community's owner (an active member too); not the suspended account.
    expect(mails).toHaveLength(6);
    expect(subjectOf(fr)).toEqual(["Atelier\u202f: Fermeture"]);
    expect(subjectOf(en)).toEqual(["Atelier: Fermeture"]);
    expect(subjectOf(nl)).toEqual(["Atelier: Fermeture"]);
    expect(subjectOf(de)).toEqual(["Atelier\u202f: Fermeture"]);
    expect(subjectOf(none)).toEqual(["Atelier\u202f: Fermeture"]);
  });

  it("targeted at a group and a plan: only their members see it (and get it), until it expires", async () => {
    const { t, person } = await setup();
    const [owner, inGroup, onPlan, pending, outsider] = (await Promise.all(Array.from({ length: 5 }, () => person("en")))) as [string, string, string, string, string];
    const groupId = newId();
    await t.db.insert(groups).values({ id: groupId, tenantId: t.tenantId, slug: "makers", name: "Makers", description: "", joinPolicy: "open", questions: [], links: [], ownerId: owner, createdAt: NOW });
    await t.db.insert(memberships).values({ tenantId: t.tenantId, groupId, userId: inGroup, role: "member", createdAt: NOW });
    const billing = await billingSettingsOf(t);
    const plan = await createPlan(t, billing, planInput.parse({ name: "Resident", price: { amount: 100, currency: "EUR" }, intervalMonths: 1 }), NOW);
    const vetted = await createPlan(t, billing, planInput.parse({ name: "Vetted", approvalRequired: true, price: { amount: 100, currency: "EUR" }, intervalMonths: 1 }), NOW);
    await startMembership(t, billing, { today: TODAY, now: NOW }, { userId: onPlan, planId: plan.id }, "member");
    await startMembership(t, billing, { today: TODAY, now: NOW }, { userId: pending, planId: vetted.id }, "member");
    const before = (await mailsOf(t)).length;
    const until = new Date(NOW + 86_400_000).toISOString();
    const a = await createAnnouncement(t, announcementInput.parse({ title: "Residents", body: "Hi", email: true, groups: ["makers"], plans: [plan.id, vetted.id], until }), "admin", TODAY, NOW, mailContext);
    expect(a).toMatchObject({ groups: ["makers"], plans: [plan.id, vetted.id], until });
    expect((await mailsOf(t)).slice(before).map((m) => m.to).sort()).toEqual([`${inGroup}@example.com`, `${onPlan}@example.com`].sort());
    const sees = async (id: string, now = NOW) => (await announcementsFor(t, id, TODAY, now)).map((x) => x.id);
    expect(await sees(inGroup)).toEqual([a.id]);
    expect(await sees(onPlan)).toEqual([a.id]);
    expect(await sees(pending)).toEqual([]);
    expect(await sees(outsider)).toEqual([]);
    expect(await sees(inGroup, NOW + 86_400_000)).toEqual([]);
  });

  it("refuse unknown targets (422, nothing stored); edit and delete", async () => {
    const { t } = await setup();
    const err = await createAnnouncement(t, announcementInput.parse({ title: "x", body: "y", groups: ["nope"] }), "admin", TODAY, NOW, mailContext).catch((e: ApiError) => e);
    expect(err).toMatchObject({ status: 422, fields: { groups: expect.any(String) } });
    expect(await listAnnouncements(t, 50)).toEqual([]);
    const a = await createAnnouncement(t, announcementInput.parse({ title: "Old", body: "y" }), "admin", TODAY, NOW, mailContext);
    expect((await updateAnnouncement(t, a.id, { title: "New" }, NOW)).title).toBe("New");
    await deleteAnnouncement(t, a.id);
    expect(await listAnnouncements(t, 50)).toEqual([]);
    await expect(deleteAnnouncement(t, a.id)).rejects.toMatchObject({ status: 404 });
  });

  it("reads one announcement of this community as admins see it (404 for another community's or an unknown id)", async () => {
    const { t } = await setup();
    const other = (await setup()).t;
    const a = await createAnnouncement(t, announcementInput.parse({ title: "One", body: "y" }), "admin", TODAY, NOW, mailContext);
    expect(await getAnnouncement(t, a.id)).toEqual(a);
    await expect(getAnnouncement(other, a.id)).rejects.toMatchObject({ status: 404 });
    await expect(getAnnouncement(t, "nope")).rejects.toMatchObject({ status: 404 });
  });
});
