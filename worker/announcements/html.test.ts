import { and, eq, like } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { en } from "../../web/i18n/en";
import { fr } from "../../web/i18n/fr";
import { nl } from "../../web/i18n/nl";
import { directoryDb } from "../db/client";
import { outbox } from "../db/schema";
import { call, env, form, getPage, joinGroup, makeGroup, makeTenant, postForm, signUpMember, type TestTenant } from "../test/helpers";

// /admin/portal/announcements: publish (optionally emailed, once, in each member's
// language), target plans and groups with checkboxes, edit, delete, all without JavaScript.

type Announcement = { id: string; title: string; body: string; email: boolean; plans: string[]; groups: string[]; until: string | null };

const list = async (tenant: TestTenant) => ((await (await call(tenant.host, "GET", "/api/v1/announcements", { cookie: tenant.owner.cookie })).json()) as { items: Announcement[] }).items;
const seenBy = async (tenant: TestTenant, cookie: string) => ((await (await call(tenant.host, "GET", "/api/v1/me/dashboard", { cookie })).json()) as { announcements: { title: string }[] }).announcements.map((a) => a.title);
const mailsAbout = (tenant: TestTenant, title: string) =>
  directoryDb(env).select({ to: outbox.to, subject: outbox.subject, text: outbox.text }).from(outbox).where(and(eq(outbox.tenantId, tenant.id), like(outbox.subject, `%${title}%`)));
/** A form body with repeated names (several ticked boxes), as a browser posts it. */
const postFields = (tenant: TestTenant, path: string, fields: [string, string][], cookie = tenant.owner.cookie) => call(tenant.host, "POST", path, form(fields, cookie));

async function plan(tenant: TestTenant, name: string) {
  const res = await call(tenant.host, "POST", "/api/v1/plans", { cookie: tenant.owner.cookie, json: { name, price: { amount: 4999, currency: "EUR" }, intervalMonths: 1 } });
  return ((await res.json()) as { plan: { id: string } }).plan.id;
}

describe("/admin/portal/announcements: who may open it", () => {
  it("owners and admins only: a visitor is sent to log in, a member and an owner viewing as a member get 403 on every page and form", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ann-member@example.com");
    await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Kept", body: "Body" });
    const [kept] = await list(tenant);
    const visitor = await getPage(tenant, "/admin/portal/announcements");
    expect(visitor.status).toBe(303);
    expect(visitor.headers.get("location")).toBe("/login?next=%2Fadmin%2Fportal%2Fannouncements");
    for (const cookie of [member.cookie, `${tenant.owner.cookie}; view_as=member`]) {
      expect((await getPage(tenant, "/admin/portal/announcements", cookie)).status).toBe(403);
      expect((await getPage(tenant, `/admin/portal/announcements/${kept!.id}`, cookie)).status).toBe(403);
      expect((await postForm(tenant, "/admin/portal/announcements", cookie, { title: "No", body: "No" })).status).toBe(403);
      expect((await postForm(tenant, `/admin/portal/announcements/${kept!.id}`, cookie, { title: "No", body: "No" })).status).toBe(403);
      expect((await postForm(tenant, `/admin/portal/announcements/${kept!.id}/delete`, cookie, {})).status).toBe(403);
    }
    expect((await list(tenant)).map((a) => a.title)).toEqual(["Kept"]);
  });
});

describe("/admin/portal/announcements", () => {
  it("publishes to everyone and emails it once to each active member, each in their language; the list says so", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann-en@example.com", "Ann", { language: "en" });
    const noor = await signUpMember(tenant, "ann-nl@example.com", "Noor", { language: "nl" });
    const res = await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Closed Monday", body: "The space is **closed** on Monday.", until: "", email: "on" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/portal/announcements?done=emailed");

    const mails = await mailsAbout(tenant, "Closed Monday");
    expect(mails.map((m) => m.to).sort()).toEqual([ann.email, noor.email, tenant.owner.email].sort());
    const textOf = (to: string) => mails.find((m) => m.to === to)!.text;
    expect(textOf(ann.email)).toContain(en["mail.announcement.action"]);
    expect(textOf(noor.email)).toContain(nl["mail.announcement.action"]);
    expect(textOf(tenant.owner.email)).toContain(fr["mail.announcement.action"]);

    const page = await (await getPage(tenant, "/admin/portal/announcements?lang=en&done=emailed", tenant.owner.cookie)).text();
    expect(page).toContain(en["announcements.done.emailed"]);
    expect(page).toContain("Closed Monday</a>");
    expect(page).toContain(`<span class="badge badge-quiet">${en["announcements.everyone"]}</span>`);
    expect(page).toContain(`<span class="badge badge-success">${en["announcements.emailed"]}</span>`);
    expect(await seenBy(tenant, ann.cookie)).toEqual(["Closed Monday"]);

    // Editing it never emails it again (and cannot ask to).
    const [a] = await list(tenant);
    expect((await postForm(tenant, `/admin/portal/announcements/${a!.id}`, tenant.owner.cookie, { title: "Closed Monday!", body: "Updated", email: "on" })).status).toBe(303);
    expect(await mailsAbout(tenant, "Closed Monday")).toHaveLength(3);
    const plain = await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Not mailed", body: "Quiet" });
    expect(plain.headers.get("location")).toBe("/admin/portal/announcements?done=created");
    expect(await mailsAbout(tenant, "Not mailed")).toHaveLength(0);
    expect((await list(tenant)).map((x) => [x.title, x.email])).toEqual([["Not mailed", false], ["Closed Monday!", true]]);
  });

  it("targets the ticked plans and groups (members of one of them see it, others not), shown by name in the list", async () => {
    const tenant = await makeTenant();
    const resident = await plan(tenant, "Resident");
    const flex = await plan(tenant, "Flex");
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    await makeGroup(tenant, { slug: "runners", name: "Runners", joinPolicy: "open" });
    const onPlan = await signUpMember(tenant, "ann-plan@example.com", "Pat");
    const inGroup = await signUpMember(tenant, "ann-group@example.com", "Gus");
    const outsider = await signUpMember(tenant, "ann-out@example.com", "Otto");
    await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: onPlan.cookie, json: { planId: resident, billing: { name: "Pat", address: "1 rue X" } } });
    await joinGroup(tenant, "makers", inGroup.cookie);
    await joinGroup(tenant, "runners", outsider.cookie);

    const form = await (await getPage(tenant, "/admin/portal/announcements?lang=en", tenant.owner.cookie)).text();
    expect(form).toContain(`name="plans" value="${resident}"`);
    expect(form).toContain(`name="plans" value="${flex}"`);
    expect(form).toContain('name="groups" value="makers"');

    const res = await postFields(tenant, "/admin/portal/announcements", [["title", "Residents and makers"], ["body", "Hi"], ["plans", resident], ["groups", "makers"], ["until", ""]]);
    expect(res.status).toBe(303);
    const [a] = await list(tenant);
    expect(a).toMatchObject({ plans: [resident], groups: ["makers"], email: false });
    expect(await seenBy(tenant, onPlan.cookie)).toEqual(["Residents and makers"]);
    expect(await seenBy(tenant, inGroup.cookie)).toEqual(["Residents and makers"]);
    expect(await seenBy(tenant, outsider.cookie)).toEqual([]);
    const page = await (await getPage(tenant, "/admin/portal/announcements?lang=en", tenant.owner.cookie)).text();
    expect(page).toContain('<li class="badge badge-info">Resident</li>');
    expect(page).toContain('<li class="badge badge-quiet">Makers</li>');
  });

  it("edits title, text, targets and last day (in the community's timezone), the form filled with what is stored", async () => {
    const tenant = await makeTenant();
    await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { timezone: "America/New_York" } });
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const member = await signUpMember(tenant, "ann-edit@example.com");
    await postFields(tenant, "/admin/portal/announcements", [["title", "Draft"], ["body", "First"], ["groups", "makers"], ["until", "2030-01-10"]]);
    const [a] = await list(tenant);
    // The last day is included: it shows until 11 January starts in New York.
    expect(a).toMatchObject({ groups: ["makers"], until: "2030-01-11T05:00:00.000Z" });

    const edit = await (await getPage(tenant, `/admin/portal/announcements/${a!.id}?lang=en`, tenant.owner.cookie)).text();
    expect(edit).toContain(`name="title" type="text" value="Draft"`);
    expect(edit).toContain("First</textarea>");
    expect(edit).toContain(`name="until" type="date" value="2030-01-10"`);
    expect(edit).toMatch(/name="groups" value="makers" checked/);
    expect(edit).not.toContain('name="email"');
    expect(edit).toContain(en["announcements.email_not_sent"]);
    expect(await seenBy(tenant, member.cookie)).toEqual([]);

    const saved = await postFields(tenant, `/admin/portal/announcements/${a!.id}`, [["title", "Final"], ["body", "Second"], ["until", "2030-07-01"]]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/admin/portal/announcements?done=saved");
    expect((await list(tenant))[0]).toMatchObject({ title: "Final", body: "Second", groups: [], plans: [], until: "2030-07-02T04:00:00.000Z", email: false });
    // No target left: everyone sees it.
    expect(await seenBy(tenant, member.cookie)).toEqual(["Final"]);
    const listed = await (await getPage(tenant, "/admin/portal/announcements?lang=en&done=saved", tenant.owner.cookie)).text();
    expect(listed).toContain(en["announcements.done.saved"]);
    expect(listed).toContain("July 1, 2030");
  });

  it("shows each refusal beside its field (422) and keeps what was typed and ticked; an unknown announcement is 404", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { slug: "makers", name: "Makers", joinPolicy: "open" });
    const empty = await postFields(tenant, "/admin/portal/announcements?lang=en", [["title", ""], ["body", "Kept body"], ["groups", "makers"], ["until", "next week"], ["email", "on"]]);
    expect(empty.status).toBe(422);
    const page = await empty.text();
    expect(page).toContain('id="field-until-error"');
    expect(page).toContain("Kept body</textarea>");
    expect(page).toMatch(/name="groups" value="makers" checked/);
    expect(page).toMatch(/name="email" value="on" checked/);
    const noTitle = await postFields(tenant, "/admin/portal/announcements?lang=en", [["title", " "], ["body", "x"]]);
    expect(noTitle.status).toBe(422);
    expect(await noTitle.text()).toContain(`<p class="field-error" id="field-title-error">`);
    const unknownGroup = await postFields(tenant, "/admin/portal/announcements?lang=en", [["title", "T"], ["body", "x"], ["groups", "ghosts"]]);
    expect(unknownGroup.status).toBe(422);
    expect(await unknownGroup.text()).toContain('<p class="field-error" id="field-groups-error">There is no group ghosts.</p>');
    expect(await list(tenant)).toEqual([]);

    await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Real", body: "x" });
    const [a] = await list(tenant);
    const badEdit = await postFields(tenant, `/admin/portal/announcements/${a!.id}?lang=en`, [["title", ""], ["body", "Changed"]]);
    expect(badEdit.status).toBe(422);
    expect(await badEdit.text()).toContain('id="field-title-error"');
    expect((await list(tenant))[0]).toMatchObject({ title: "Real", body: "x" });
    expect((await getPage(tenant, "/admin/portal/announcements/nope", tenant.owner.cookie)).status).toBe(404);
    expect((await postForm(tenant, "/admin/portal/announcements/nope/delete", tenant.owner.cookie, {})).status).toBe(404);
  });

  it("deletes with a POST form", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "ann-delete@example.com");
    await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Gone soon", body: "x" });
    const [a] = await list(tenant);
    const page = await (await getPage(tenant, "/admin/portal/announcements?lang=en", tenant.owner.cookie)).text();
    expect(page).toContain(`action="/admin/portal/announcements/${a!.id}/delete"`);
    const res = await postForm(tenant, `/admin/portal/announcements/${a!.id}/delete`, tenant.owner.cookie, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/portal/announcements?done=deleted");
    expect(await list(tenant)).toEqual([]);
    expect(await seenBy(tenant, member.cookie)).toEqual([]);
    const after = await (await getPage(tenant, "/admin/portal/announcements?lang=en&done=deleted", tenant.owner.cookie)).text();
    expect(after).toContain(en["announcements.done.deleted"]);
    expect(after).toContain(en["announcements.empty"]);
  });

  it("renders in fr, en and nl with no catalog key left", async () => {
    const tenant = await makeTenant();
    await postForm(tenant, "/admin/portal/announcements", tenant.owner.cookie, { title: "Hello", body: "x" });
    const [a] = await list(tenant);
    for (const lang of ["fr", "en", "nl"]) {
      for (const path of ["/admin/portal/announcements", `/admin/portal/announcements/${a!.id}`]) {
        const res = await getPage(tenant, `${path}?lang=${lang}`, tenant.owner.cookie);
        expect(res.status).toBe(200);
        expect(await res.text()).not.toMatch(/announcements\.(col|field|done|targets|edit|new)/);
      }
    }
  });
});
