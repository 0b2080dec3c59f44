import { describe, expect, it } from "vitest";
import { png } from "../test/images";
import { call, form, getPage, makeTenant, postForm, setTenantRole, signUpMember, type TestTenant } from "../test/helpers";
import { ok, openIssue, setFeatures, type Issue } from "../test/helpdesk";

// The members' help desk pages without JavaScript: /help (guides with search, issues with the
// open/closed filter), a guide and its forms, an issue with its answers, images, closing and
// reopening, and the forms that open one; the switches and who may see what.

async function page(tenant: TestTenant, path: string, cookie?: string) {
  const res = await getPage(tenant, path, cookie);
  return { status: res.status, html: await res.text(), location: res.headers.get("location") };
}

async function guide(tenant: TestTenant, title: string, body: string, cookie = tenant.owner.cookie) {
  return (await ok<{ guide: { id: string } }>(await call(tenant.host, "POST", "/api/v1/guides", { cookie, json: { title, body } }), 201)).guide;
}

/** A multipart post of the new issue form, as a browser sends it (files under `attachments`). */
function postIssue(tenant: TestTenant, cookie: string, fields: Record<string, string>, files: File[] = []) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  for (const f of files) body.append("attachments", f);
  if (files.length === 0) body.append("attachments", new File([], "", { type: "application/octet-stream" }));
  return call(tenant.host, "POST", "/help/issues/new", { cookie, body });
}

const issueOf = async (tenant: TestTenant, cookie: string, id: string) => (await ok<{ issue: Issue }>(await call(tenant.host, "GET", `/api/v1/issues/${id}`, { cookie }))).issue;
const listedIds = async (tenant: TestTenant, cookie: string) => (await ok<{ items: { id: string; title: string }[] }>(await call(tenant.host, "GET", "/api/v1/issues", { cookie }))).items;

async function viewAsMember(tenant: TestTenant): Promise<string> {
  const set = await call(tenant.host, "POST", "/admin/view-as", form({ as: "member" }, tenant.owner.cookie));
  return `${tenant.owner.cookie}; ${set.headers.getSetCookie().find((c) => c.startsWith("view_as="))!.split(";")[0]!}`;
}

describe("/help", () => {
  it("sends a visitor to log in; shows a member the guides (searched regardless of case and accents), their issues and the public ones, not another member's private one", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Member");
    const bob = await signUpMember(tenant, "bob@example.org", "Bob Member");
    await guide(tenant, "Réserver une salle", "Ouvrez **Réservations**.");
    await guide(tenant, "Imprimer", "L’imprimante est au premier étage.");
    await openIssue(tenant, ann.cookie, { title: "Ann’s public question", private: false });
    await openIssue(tenant, bob.cookie, { title: "Bob’s private question", private: true });
    await openIssue(tenant, bob.cookie, { title: "Bob’s public question", private: false });
    const visitor = await page(tenant, "/help");
    expect(visitor.status).toBe(303);
    expect(visitor.location).toBe("/login?next=%2Fhelp");
    const { status, html } = await page(tenant, "/help?lang=en", ann.cookie);
    expect(status).toBe(200);
    for (const text of ["Réserver une salle", "Imprimer", "Ann’s public question", "Bob’s public question", 'href="/help/issues/new"', 'class="nav-help"']) expect(html).toContain(text);
    expect(html).not.toContain("Bob’s private question");
    // Members write guides only when the switch allows.
    expect(html).not.toContain('href="/help/guides/new"');
    const searched = await page(tenant, "/help?q=RESERVER&lang=en", ann.cookie);
    expect(searched.html).toContain("Réserver une salle");
    expect(searched.html).not.toContain(">Imprimer<");
    expect((await page(tenant, "/help?q=nothing-like-this&lang=en", ann.cookie)).html).toContain("No guide matches “nothing-like-this”.");
    const fr = await page(tenant, "/help?lang=fr", ann.cookie);
    expect(fr.html).toContain("Poser une question");
    expect(fr.html).toContain("Demandes");
  });

  it("filters the issues open or closed; the owner sees every issue and the new guide link", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const bob = await signUpMember(tenant, "bob@example.org");
    const open = await openIssue(tenant, ann.cookie, { title: "Still open", private: false });
    const closed = await openIssue(tenant, ann.cookie, { title: "Already solved", private: false });
    await ok(await call(tenant.host, "POST", `/api/v1/issues/${closed.id}/close`, { cookie: ann.cookie }));
    await openIssue(tenant, bob.cookie, { title: "Bob private", private: true });
    const onlyClosed = await page(tenant, "/help?status=closed&lang=en", ann.cookie);
    expect(onlyClosed.html).toContain("Already solved");
    expect(onlyClosed.html).not.toContain("Still open");
    const onlyOpen = await page(tenant, "/help?status=open&lang=en", ann.cookie);
    expect(onlyOpen.html).toContain("Still open");
    expect(onlyOpen.html).not.toContain("Already solved");
    expect(onlyOpen.html).toContain(`href="/help/issues/${open.id}"`);
    const owner = await page(tenant, "/help?lang=en", tenant.owner.cookie);
    expect(owner.html).toContain("Bob private");
    expect(owner.html).toContain('href="/help/guides/new"');
  });

  it("features.helpdesk off: members get the switched-off page (403), the tab is gone and every post is 403; admins still see it, viewing as a member they do not", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const issue = await openIssue(tenant, ann.cookie, { private: false });
    const g = await guide(tenant, "Wi-Fi", "Le code est affiché à l’accueil.");
    await setFeatures(tenant, { helpdesk: false });
    const off = await page(tenant, "/help?lang=en", ann.cookie);
    expect(off.status).toBe(403);
    expect(off.html).toContain("does not offer a help desk");
    expect(off.html).not.toContain('class="nav-help"');
    for (const path of [`/help/guides/${g.id}`, `/help/issues/${issue.id}`, "/help/issues/new", "/help/guides/new"]) expect((await page(tenant, path, ann.cookie)).status).toBe(403);
    expect((await page(tenant, "/?lang=en", ann.cookie)).html).not.toContain('class="nav-help"');
    expect((await postIssue(tenant, ann.cookie, { title: "Hello", body: "There" })).status).toBe(403);
    expect((await postForm(tenant, `/help/issues/${issue.id}/comments`, ann.cookie, { body: "Anyone?" })).status).toBe(403);
    expect((await postForm(tenant, `/help/issues/${issue.id}/close`, ann.cookie, {})).status).toBe(403);
    expect((await issueOf(tenant, tenant.owner.cookie, issue.id)).comments).toHaveLength(0);
    const admin = await page(tenant, "/help?lang=en", tenant.owner.cookie);
    expect(admin.status).toBe(200);
    expect(admin.html).toContain("The help desk is switched off for members");
    expect(admin.html).toContain('class="nav-help"');
    const asMember = await page(tenant, "/help?lang=en", await viewAsMember(tenant));
    expect(asMember.status).toBe(403);
    expect(asMember.html).not.toContain('class="nav-help"');
    await setFeatures(tenant, { helpdesk: true });
    expect((await page(tenant, "/help", ann.cookie)).status).toBe(200);
  });

  it("features.helpdeskIssues off: the issues section and the new issue link disappear for members, reading their issue stays, answering and opening are 403", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const issue = await openIssue(tenant, ann.cookie, { title: "My printer question", private: true });
    await setFeatures(tenant, { helpdeskIssues: false });
    const desk = await page(tenant, "/help?lang=en", ann.cookie);
    expect(desk.status).toBe(200);
    expect(desk.html).not.toContain("help-issues");
    expect(desk.html).not.toContain("My printer question");
    expect(desk.html).not.toContain('href="/help/issues/new"');
    const read = await page(tenant, `/help/issues/${issue.id}?lang=en`, ann.cookie);
    expect(read.status).toBe(200);
    expect(read.html).toContain("My printer question");
    expect(read.html).not.toContain(`action="/help/issues/${issue.id}/comments"`);
    expect(read.html).not.toContain(`action="/help/issues/${issue.id}/attachments"`);
    expect((await page(tenant, "/help/issues/new", ann.cookie)).status).toBe(403);
    expect((await postIssue(tenant, ann.cookie, { title: "Hello", body: "There" })).status).toBe(403);
    expect((await postForm(tenant, `/help/issues/${issue.id}/comments`, ann.cookie, { body: "Anyone?" })).status).toBe(403);
    const admin = await page(tenant, "/help?lang=en", tenant.owner.cookie);
    expect(admin.html).toContain("My printer question");
    expect(admin.html).toContain("Members cannot open issues or comment right now");
  });
});

describe("guides", () => {
  it("an admin writes a guide (rendered Markdown, scripts shown as text), edits it and deletes it; a refused title is said beside the field", async () => {
    const tenant = await makeTenant();
    const empty = await postForm(tenant, "/help/guides/new?lang=en", tenant.owner.cookie, { title: "", body: "Some text" });
    expect(empty.status).toBe(422);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toMatch(/id="field-title-error">[^<]+</);
    expect(emptyHtml).toContain("Some text");
    const made = await postForm(tenant, "/help/guides/new", tenant.owner.cookie, { title: "Accès au bâtiment", body: "Le **badge** ouvre la porte.\n\n<script>alert(1)</script>" });
    expect(made.status).toBe(303);
    const location = made.headers.get("location")!;
    expect(location).toMatch(/^\/help\/guides\/[^/?]+\?done=guide_created$/);
    const id = location.split("/")[3]!.split("?")[0]!;
    const shown = await page(tenant, `${location}&lang=en`, tenant.owner.cookie);
    expect(shown.html).toContain("<strong>badge</strong>");
    expect(shown.html).not.toContain("<script>alert(1)</script>");
    expect(shown.html).toContain("Guide published.");
    expect(shown.html).toContain(`href="/help/guides/${id}/edit"`);
    const edit = await page(tenant, `/help/guides/${id}/edit?lang=en`, tenant.owner.cookie);
    expect(edit.html).toContain("Accès au bâtiment");
    const saved = await postForm(tenant, `/help/guides/${id}`, tenant.owner.cookie, { title: "Accès", body: "Nouveau texte." });
    expect(saved.headers.get("location")).toBe(`/help/guides/${id}?done=guide_saved`);
    const tooLong = await postForm(tenant, `/help/guides/${id}?lang=en`, tenant.owner.cookie, { title: "x".repeat(201), body: "Nouveau texte." });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toMatch(/id="field-title-error">[^<]+</);
    expect((await page(tenant, `/help/guides/${id}?lang=en`, tenant.owner.cookie)).html).toContain("Nouveau texte.");
    const gone = await postForm(tenant, `/help/guides/${id}/delete`, tenant.owner.cookie, { from: "admin" });
    expect(gone.headers.get("location")).toBe("/admin/help?done=guide_deleted");
    expect((await page(tenant, `/help/guides/${id}`, tenant.owner.cookie)).status).toBe(404);
  });

  it("members write guides only with features.memberGuides, then edit their own only", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Author");
    const bob = await signUpMember(tenant, "bob@example.org");
    expect((await page(tenant, "/help/guides/new", ann.cookie)).status).toBe(403);
    expect((await postForm(tenant, "/help/guides/new", ann.cookie, { title: "Mine", body: "Text" })).status).toBe(403);
    await setFeatures(tenant, { memberGuides: true });
    expect((await page(tenant, "/help?lang=en", ann.cookie)).html).toContain('href="/help/guides/new"');
    const made = await postForm(tenant, "/help/guides/new", ann.cookie, { title: "Le café", body: "La machine est au fond." });
    expect(made.status).toBe(303);
    const id = made.headers.get("location")!.split("/")[3]!.split("?")[0]!;
    const own = await page(tenant, `/help/guides/${id}?lang=en`, ann.cookie);
    expect(own.html).toContain("By Ann Author");
    expect(own.html).toContain(`action="/help/guides/${id}/delete"`);
    const other = await page(tenant, `/help/guides/${id}?lang=en`, bob.cookie);
    expect(other.status).toBe(200);
    expect(other.html).not.toContain(`/help/guides/${id}/edit`);
    expect(other.html).not.toContain(`action="/help/guides/${id}/delete"`);
    expect((await page(tenant, `/help/guides/${id}/edit`, bob.cookie)).status).toBe(403);
    expect((await postForm(tenant, `/help/guides/${id}`, bob.cookie, { title: "Hijack", body: "x" })).status).toBe(403);
    expect((await postForm(tenant, `/help/guides/${id}/delete`, bob.cookie, {})).status).toBe(403);
    // The owner may change any guide.
    expect((await postForm(tenant, `/help/guides/${id}`, tenant.owner.cookie, { title: "Le café (mis à jour)", body: "Au fond à gauche." })).status).toBe(303);
    // A moderator acts as a member.
    await setTenantRole(tenant, bob.id, "moderator");
    expect((await postForm(tenant, `/help/guides/${id}/delete`, bob.cookie, {})).status).toBe(403);
    expect((await postForm(tenant, `/help/guides/${id}/delete`, ann.cookie, {})).headers.get("location")).toBe("/help?done=guide_deleted");
  });
});

describe("issues", () => {
  it("the new issue form: private by default from the switch, images uploaded with it (multipart), a refused image beside its field and no issue left behind", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    expect((await page(tenant, "/help/issues/new?lang=en", ann.cookie)).html).not.toMatch(/name="private"[^>]*checked/);
    await setFeatures(tenant, { helpdeskIssuesPrivate: true });
    const form = await page(tenant, "/help/issues/new?lang=en", ann.cookie);
    expect(form.html).toMatch(/name="private"[^>]*checked/);
    expect(form.html).toContain('enctype="multipart/form-data"');
    const refused = await postIssue(tenant, ann.cookie, { title: "Broken chair", body: "See the photo.", private: "on" }, [new File(["not an image"], "notes.txt", { type: "text/plain" })]);
    expect(refused.status).toBe(415);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toMatch(/id="field-attachments-error">[^<]+</);
    expect(refusedHtml).toContain("Broken chair");
    expect(await listedIds(tenant, ann.cookie)).toHaveLength(0);
    const noTitle = await postIssue(tenant, ann.cookie, { title: " ", body: "See the photo." });
    expect(noTitle.status).toBe(422);
    expect(await noTitle.text()).toMatch(/id="field-title-error">[^<]+</);
    const made = await postIssue(tenant, ann.cookie, { title: "Broken chair", body: "See the **photo**.", private: "on" }, [new File([png(4, 3)], "chair.png", { type: "image/png" }), new File([png(2, 2)], "leg.png", { type: "image/png" })]);
    expect(made.status).toBe(303);
    const location = made.headers.get("location")!;
    expect(location).toMatch(/^\/help\/issues\/[^/?]+\?done=issue_created$/);
    const id = location.split("/")[3]!.split("?")[0]!;
    const issue = await issueOf(tenant, ann.cookie, id);
    expect(issue).toMatchObject({ title: "Broken chair", private: true });
    expect(issue.attachments).toHaveLength(2);
    const shown = await page(tenant, `${location}&lang=en`, ann.cookie);
    expect(shown.html).toContain("Your question is sent.");
    expect(shown.html).toContain("<strong>photo</strong>");
    expect(shown.html).toContain(`src="${issue.attachments[0]!.url}"`);
    expect(shown.html).toContain("Private");
    // Unchecked: public, whatever the default.
    const pub = await postIssue(tenant, ann.cookie, { title: "Public one", body: "Text" });
    expect(pub.status).toBe(303);
    expect((await issueOf(tenant, ann.cookie, pub.headers.get("location")!.split("/")[3]!.split("?")[0]!)).private).toBe(false);
  });

  it("more images than an issue holds are refused beside the images field, and no issue is opened", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const images = Array.from({ length: 11 }, (_, i) => new File([png(i + 1, 2)], `p${i}.png`, { type: "image/png" }));
    const refused = await postIssue(tenant, ann.cookie, { title: "Many photos", body: "Look." }, images);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toMatch(/id="field-attachments-error">10 images au plus par demande\.</);
    expect(await listedIds(tenant, ann.cookie)).toHaveLength(0);
  });

  it("a private issue is 404 to another member on every page and form; a public one they may read and answer, not close", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const bob = await signUpMember(tenant, "bob@example.org");
    const secret = await openIssue(tenant, ann.cookie, { title: "My invoice is wrong", private: true });
    for (const path of [`/help/issues/${secret.id}`]) expect((await page(tenant, path, bob.cookie)).status).toBe(404);
    for (const action of ["comments", "close", "reopen"]) expect((await postForm(tenant, `/help/issues/${secret.id}/${action}`, bob.cookie, { body: "Peek" })).status).toBe(404);
    const upload = new FormData();
    upload.append("file", new File([png()], "x.png", { type: "image/png" }));
    expect((await call(tenant.host, "POST", `/help/issues/${secret.id}/attachments`, { cookie: bob.cookie, body: upload })).status).toBe(404);
    expect((await page(tenant, `/help/issues/${secret.id}`, ann.cookie)).status).toBe(200);
    expect((await page(tenant, `/help/issues/${secret.id}`, tenant.owner.cookie)).status).toBe(200);
    const pub = await openIssue(tenant, ann.cookie, { title: "Where is the coffee?", private: false });
    const seen = await page(tenant, `/help/issues/${pub.id}?lang=en`, bob.cookie);
    expect(seen.status).toBe(200);
    expect(seen.html).toContain(`action="/help/issues/${pub.id}/comments"`);
    expect(seen.html).not.toContain(`action="/help/issues/${pub.id}/close"`);
    expect((await postForm(tenant, `/help/issues/${pub.id}/close`, bob.cookie, {})).status).toBe(403);
    expect((await postForm(tenant, `/help/issues/${pub.id}/comments`, bob.cookie, { body: "In the kitchen." })).status).toBe(303);
  });

  it("answers: posted (303 to the answer form), an empty one said beside the field; closing hides the form and refuses answers, reopening brings it back", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org", "Ann Member");
    const issue = await openIssue(tenant, ann.cookie, { title: "Heating", private: true });
    const empty = await postForm(tenant, `/help/issues/${issue.id}/comments?lang=en`, tenant.owner.cookie, { body: "  " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toMatch(/id="field-body-error">[^<]+</);
    const answered = await postForm(tenant, `/help/issues/${issue.id}/comments`, tenant.owner.cookie, { body: "We are on it: **tomorrow**." });
    expect(answered.status).toBe(303);
    expect(answered.headers.get("location")).toBe(`/help/issues/${issue.id}?done=comment#answer`);
    const read = await page(tenant, `/help/issues/${issue.id}?lang=en`, ann.cookie);
    expect(read.html).toContain("<strong>tomorrow</strong>");
    expect(read.html).toContain("Team");
    const closed = await postForm(tenant, `/help/issues/${issue.id}/close`, ann.cookie, {});
    expect(closed.headers.get("location")).toBe(`/help/issues/${issue.id}?done=closed`);
    const after = await page(tenant, `/help/issues/${issue.id}?lang=en`, ann.cookie);
    expect(after.html).toContain("This issue is closed. Reopen it to answer.");
    expect(after.html).not.toContain(`action="/help/issues/${issue.id}/comments"`);
    expect(after.html).toContain(`action="/help/issues/${issue.id}/reopen"`);
    const late = await postForm(tenant, `/help/issues/${issue.id}/comments?lang=en`, ann.cookie, { body: "One more thing" });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain("This issue is closed: reopen it to answer.");
    expect((await postForm(tenant, `/help/issues/${issue.id}/reopen`, tenant.owner.cookie, {})).headers.get("location")).toBe(`/help/issues/${issue.id}?done=reopened`);
    expect((await page(tenant, `/help/issues/${issue.id}`, ann.cookie)).html).toContain(`action="/help/issues/${issue.id}/comments"`);
  });

  it("adds an image from the issue page; a file that is not an image is said beside the field", async () => {
    const tenant = await makeTenant();
    const ann = await signUpMember(tenant, "ann@example.org");
    const issue = await openIssue(tenant, ann.cookie, { private: true });
    const bad = new FormData();
    bad.append("file", new File(["hello"], "x.txt", { type: "text/plain" }));
    const refused = await call(tenant.host, "POST", `/help/issues/${issue.id}/attachments?lang=en`, { cookie: ann.cookie, body: bad });
    expect(refused.status).toBe(415);
    expect(await refused.text()).toMatch(/id="field-file-error">This image cannot be used/);
    const good = new FormData();
    good.append("file", new File([png(5, 5)], "x.png", { type: "image/png" }));
    const added = await call(tenant.host, "POST", `/help/issues/${issue.id}/attachments`, { cookie: ann.cookie, body: good });
    expect(added.status).toBe(303);
    expect(added.headers.get("location")).toBe(`/help/issues/${issue.id}?done=attached`);
    const [attachment] = (await issueOf(tenant, ann.cookie, issue.id)).attachments;
    expect((await page(tenant, `/help/issues/${issue.id}`, ann.cookie)).html).toContain(`src="${attachment!.url}"`);
  });
});
