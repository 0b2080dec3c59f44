import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import writeExcelFile from "write-excel-file/universal";
import { canonicalTag, closestLang, fromAcceptLanguage } from "../../web/i18n";
import { fr } from "../../web/i18n/fr";
import { directoryDb } from "../db/client";
import { invitations } from "../db/schema";
import { call, csvFile, importFile, joinGroup, makeGroup, makeTenant, signUpMember, type TestTenant } from "../test/helpers";
import { outboxTo } from "../test/mail";

type Err = { error: { code: string; fields?: Record<string, string> } };

const SUBJECT = { nl: /Je bent uitgenodigd/, fr: /Vous êtes invité·e/, en: /You are invited/ };

describe("language tags (BCP 47)", () => {
  it("reads tags in the closest catalog, keeps them in canonical casing and refuses garbage", () => {
    expect(canonicalTag("EN")).toBe("en");
    expect(canonicalTag("nl-be")).toBe("nl-BE");
    expect(canonicalTag("zh-hant-tw")).toBe("zh-Hant-TW");
    expect(canonicalTag("fr_CA")).toBe("fr-CA");
    for (const junk of ["", "english please", "e", "123", "nl--BE", "<script>", "x".repeat(100)]) expect(canonicalTag(junk), junk).toBeNull();
    expect(closestLang("nl-BE")).toBe("nl");
    expect(closestLang("fr-CA")).toBe("fr");
    expect(closestLang("EN")).toBe("en");
    expect(closestLang("de", "nl-BE")).toBe("nl");
    expect(closestLang("zh-Hant-TW", null)).toBe("fr");
  });

  it("picks the best Accept-Language range the product speaks, by quality", () => {
    expect(fromAcceptLanguage("nl-BE,nl;q=0.9,en;q=0.8")).toBe("nl");
    expect(fromAcceptLanguage("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7")).toBe("fr");
    expect(fromAcceptLanguage("en;q=0.1, fr-CA")).toBe("fr");
    expect(fromAcceptLanguage("fr;q=0, nl;q=0.2")).toBe("nl");
    expect(fromAcceptLanguage("*")).toBeNull();
    expect(fromAcceptLanguage("de, ja")).toBeNull();
    expect(fromAcceptLanguage(";;;,,,q=,fr;q=abc,@@")).toBeNull();
  });

  for (const kind of ["csv", "xlsx"] as const) {
    it(`imports a .${kind} whose language column holds nl-BE, fr-CA and EN, and mails each invitee in their language`, async () => {
      const tenant = await makeTenant();
      const people = [
        ["nl@example.org", "nl-BE"],
        ["fr@example.org", "fr-CA"],
        ["en@example.org", "EN"],
        ["zh@example.org", "zh-Hant-TW"],
      ] as const;
      const file =
        kind === "csv"
          ? new File([`email,language\r\n${people.map((p) => p.join(",")).join("\r\n")}\r\n`], "people.csv", { type: "text/csv" })
          : new File([await writeExcelFile([[{ value: "email" }, { value: "language" }], ...people.map(([e, l]) => [{ value: e }, { value: l }])]).toBlob()], "people.xlsx");
      const res = await importFile(tenant, file);
      expect(res.status, await res.clone().text()).toBe(200);
      const stored = await directoryDb(env).select({ email: invitations.email, language: invitations.language }).from(invitations).where(eq(invitations.tenantId, tenant.id));
      expect(Object.fromEntries(stored.map((i) => [i.email, i.language]))).toEqual({ "nl@example.org": "nl-BE", "fr@example.org": "fr-CA", "en@example.org": "en", "zh@example.org": "zh-Hant-TW" });
      const mails = Object.fromEntries((await outboxTo(tenant.id, ...people.map((p) => p[0]))).map((m) => [m.to, m]));
      expect(mails["nl@example.org"]!.subject).toMatch(SUBJECT.nl);
      expect(mails["fr@example.org"]!.subject).toMatch(SUBJECT.fr);
      expect(mails["en@example.org"]!.subject).toMatch(SUBJECT.en);
      // A language the product does not speak reads in the community's default (French here).
      expect(mails["zh@example.org"]!.subject).toMatch(SUBJECT.fr);
      expect(mails["nl@example.org"]!.text).toMatch(/uitnodiging/i);
    });
  }

  it("refuses a language cell that is not a tag, naming the row, and imports nothing", async () => {
    const tenant = await makeTenant();
    const res = await importFile(tenant, csvFile("email,language\r\na@example.org,nl-BE\r\nb@example.org,not a tag\r\n"));
    expect(res.status).toBe(422);
    const body = (await res.json()) as { rows: { row: number; errors: string[] }[] };
    expect(body.rows).toEqual([expect.objectContaining({ row: 3, errors: [expect.stringContaining('"not a tag"')] })]);
    // Beside the English, the catalog key a page reads it with.
    expect((body.rows[0] as unknown as { messages: unknown[] }).messages).toEqual([{ key: "import.row.unknown_language", vars: { value: "not a tag" } }]);
  });

  it("accepts tags on invitations, sign-up, profiles and the tenant's default; 422 for garbage", async () => {
    const tenant = await makeTenant();
    const invite = (language: string, to: string) => call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: [to], language } });
    expect((await invite("nl-BE", "i1@example.org")).status).toBe(200);
    const [mail] = await outboxTo(tenant.id, "i1@example.org");
    expect(mail!.subject).toMatch(SUBJECT.nl);
    const bad = await invite("nl BE!", "i2@example.org");
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as Err).error.fields).toEqual({ language: "Enter a language code such as fr, en or nl-BE." });

    const signup = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "s@example.org", password: "a long enough password", name: "Sam", language: "fr-CA" } });
    expect(signup.status).toBe(201);
    expect(((await signup.json()) as { user: { language: string } }).user.language).toBe("fr-CA");
    expect((await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "s2@example.org", password: "a long enough password", name: "Sam", language: "12345" } })).status).toBe(422);

    const member = await signUpMember(tenant, "m@example.org");
    const patched = await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { language: "EN" } });
    expect(patched.status).toBe(200);
    expect(((await (await call(tenant.host, "GET", "/api/v1/me", { cookie: member.cookie })).json()) as { language: string }).language).toBe("en");
    expect((await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { language: "???" } })).status).toBe(422);

    const setDefault = (defaultLanguage: string) => call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { defaultLanguage } });
    expect((await setDefault("nl-BE")).status).toBe(200);
    expect(((await (await call(tenant.host, "GET", "/api/v1/tenant")).json()) as { defaultLanguage: string }).defaultLanguage).toBe("nl-BE");
    // A default must be a language the pages can speak.
    expect((await setDefault("de")).status).toBe(422);
    expect((await setDefault("not a tag")).status).toBe(422);
  });
});

describe("the language of a page on a tenant host", () => {
  const htmlLang = async (res: Response) => /<html[^>]*\blang="([a-z]+)"/.exec(await res.text())?.[1];

  it("follows Accept-Language when nobody is signed in, else the tenant's default; junk never breaks it", async () => {
    const tenant = await makeTenant();
    expect(await htmlLang(await call(tenant.host, "GET", "/login", { headers: { "accept-language": "nl-BE,nl;q=0.9,en;q=0.8" } }))).toBe("nl");
    expect(await htmlLang(await call(tenant.host, "GET", "/login", { headers: { "accept-language": "de-DE,de;q=0.9,en;q=0.8" } }))).toBe("en");
    expect(await htmlLang(await call(tenant.host, "GET", "/login", { headers: { "accept-language": "de, ja" } }))).toBe("fr");
    expect(await htmlLang(await call(tenant.host, "GET", "/login"))).toBe("fr");
    for (const junk of ["*", ";;;", "q=1", "xx-;q=9", "\u00e9\u00e9", "a".repeat(5000), "en;q=abc", "nl;q=0"]) {
      const res = await call(tenant.host, "GET", "/login", { headers: { "accept-language": junk } });
      expect(res.status, junk).toBe(200);
      expect(await htmlLang(res), junk).toBe("fr");
    }
  });

  it("prefers the signed-in person's language, even a regional tag, over the browser's", async () => {
    const tenant = await makeTenant();
    const member = await signUpMember(tenant, "nl@example.org");
    await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: member.cookie, json: { language: "nl-BE" } });
    expect(await htmlLang(await call(tenant.host, "GET", "/", { cookie: member.cookie, headers: { "accept-language": "en" } }))).toBe("nl");
    // The profile form keeps the member's own tag selected (saving it does not replace it).
    const me = await (await call(tenant.host, "GET", "/me", { cookie: member.cookie })).text();
    expect(me).toMatch(/<option[^>]*value="nl-BE"[^>]*selected|<option[^>]*selected[^>]*value="nl-BE"/);
  });
});

describe("/invite/{token} in the invitation's language", () => {
  const form = (data: Record<string, string>, tenant: TestTenant) => ({
    body: new URLSearchParams(data).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${tenant.host}`, "accept-language": "en" },
  });
  async function invitedIn(tenant: TestTenant, to: string, language: string) {
    await call(tenant.host, "POST", "/api/v1/invitations", { cookie: tenant.owner.cookie, json: { emails: [to], language } });
    const [mail] = await outboxTo(tenant.id, to);
    return { token: /\/invite\/([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!, mail: mail! };
  }
  const text = async (res: Response) => (await res.text()).replace(/\u00a0|\u202f/g, " ");

  it("shows the page, its validation errors and the used-link explanation in the invitee's language, whatever the browser asks", async () => {
    const tenant = await makeTenant();
    const { token, mail } = await invitedIn(tenant, "nl@example.org", "nl-BE");
    expect(mail.subject).toMatch(SUBJECT.nl);
    const page = await call(tenant.host, "GET", `/invite/${token}`, { headers: { "accept-language": "en-US,en;q=0.9" } });
    expect(page.status).toBe(200);
    const body = await text(page);
    expect(body).toMatch(/<html[^>]*lang="nl"/);
    expect(body).toContain("Je bent uitgenodigd");
    // A language the visitor chose themselves (the footer's links) wins.
    expect(await text(await call(tenant.host, "GET", `/invite/${token}?lang=en`))).toMatch(/<html[^>]*lang="en"/);
    expect(await text(await call(tenant.host, "GET", `/invite/${token}`, { cookie: "lang=fr" }))).toMatch(/<html[^>]*lang="fr"/);

    const short = await call(tenant.host, "POST", `/invite/${token}`, form({ name: "Noor", password: "short" }, tenant));
    expect(short.status).toBe(422);
    expect(await text(short)).toContain("Gebruik minstens 10 tekens.");

    const ok = await call(tenant.host, "POST", `/invite/${token}`, form({ name: "Noor", password: "long enough pass" }, tenant));
    expect(ok.status).toBe(303);
    const used = await call(tenant.host, "GET", `/invite/${token}`, { headers: { "accept-language": "en" } });
    expect(used.status).toBe(404);
    const usedBody = await text(used);
    expect(usedBody).toContain("Deze uitnodiging is al aanvaard");
    expect(usedBody).toContain(`/login?email=nl%40example.org&amp;lang=nl`);
  });

  it("explains a withdrawn invitation in French to a French invitee", async () => {
    const tenant = await makeTenant();
    const { token } = await invitedIn(tenant, "fr@example.org", "fr-CA");
    const [inv] = await directoryDb(env).select().from(invitations).where(and(eq(invitations.tenantId, tenant.id), eq(invitations.email, "fr@example.org")));
    expect((await call(tenant.host, "DELETE", `/api/v1/invitations/${inv!.id}`, { cookie: tenant.owner.cookie })).status).toBeLessThan(300);
    const res = await call(tenant.host, "GET", `/invite/${token}`, { headers: { "accept-language": "nl" } });
    expect(res.status).toBe(404);
    expect(await text(res)).toContain("Cette invitation a été retirée");
  });
});

describe("refusals a page's script shows", () => {
  it("answer English in the envelope and the reader's language in error.display", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "bad", password: "short", name: "" }, headers: { "accept-language": "nl-BE" } });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; fields: Record<string, string>; display: { message: string; fields: Record<string, string> } } };
    expect(body.error.fields.password).toBe("Use at least 10 characters.");
    expect(body.error.display.fields.password).toBe("Gebruik minstens 10 tekens.");
    expect(body.error.display.fields.email).not.toMatch(/valid email/i);
    expect(body.error.message).toBe("Some fields are invalid.");
    const gone = (await (await call(tenant.host, "GET", "/api/v1/groups/nowhere", { cookie: tenant.owner.cookie })).json()) as { error: { display: { message: string } } };
    expect(gone.error.display.message).toBe(fr["error.not_found"]);
    // The group's links (once "an http(s) URL" on French pages).
    await makeGroup(tenant, { name: "Makers", slug: "makers" });
    const links = await call(tenant.host, "PATCH", "/api/v1/groups/makers", { cookie: tenant.owner.cookie, json: { links: [{ title: "Site", url: "ftp://example.org" }] } });
    expect(links.status).toBe(422);
    const linksBody = (await links.json()) as { error: { fields: Record<string, string>; display: { fields: Record<string, string> } } };
    expect(linksBody.error.fields["links.0.url"]).toBe("Enter a web address starting with http:// or https://.");
    expect(linksBody.error.display.fields["links.0.url"]).toBe(fr["field.url"]);
  });
});

describe("seeded content follows the viewer's language", () => {
  it("names the default levels in each viewer's language, on pages and in the API", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Makers", slug: "makers", joinPolicy: "open" });
    const nl = await signUpMember(tenant, "nl@example.org", "Noor");
    const en = await signUpMember(tenant, "en@example.org", "Emma");
    for (const [m, language] of [[nl, "nl-BE"], [en, "en-GB"]] as const) {
      await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: m.cookie, json: { language } });
      await joinGroup(tenant, "makers", m.cookie);
    }
    const board = async (cookie: string) => (await call(tenant.host, "GET", "/g/makers/leaderboard", { cookie })).text();
    const nlPage = await board(nl.cookie);
    expect(nlPage).toContain("Nieuwkomer");
    expect(nlPage).toContain("Steunpilaar");
    expect(nlPage).not.toContain("Nouveau venu");
    expect(nlPage).not.toContain("gamification.level_default");
    const enPage = await board(en.cookie);
    expect(enPage).toContain("Newcomer");
    expect(enPage).not.toContain("Nieuwkomer");
    // The owner (French by the community's default) reads French.
    expect(await board(tenant.owner.cookie)).toContain("Nouveau venu");
    const api = (await (await call(tenant.host, "GET", "/api/v1/groups/makers/gamification", { cookie: nl.cookie })).json()) as { levels: { name: string }[] };
    expect(api.levels.map((l) => l.name)).toEqual(["Nieuwkomer", "Vaste gast", "Bijdrager", "Steunpilaar"]);
  });
});

describe("chat sockets read seeded level names in their viewer's language", () => {
  it("sends one broadcast in Dutch to a Dutch socket and in English to an English one", async () => {
    const tenant = await makeTenant();
    await makeGroup(tenant, { name: "Talk", slug: "talk", joinPolicy: "open" });
    const people: { ws: WebSocket; names: string[] }[] = [];
    for (const [email, language] of [["nl@example.org", "nl-BE"], ["en@example.org", "en"]] as const) {
      const m = await signUpMember(tenant, email, email);
      await call(tenant.host, "PATCH", "/api/v1/me/profile", { cookie: m.cookie, json: { language } });
      await call(tenant.host, "POST", "/api/v1/groups/talk/join", { cookie: m.cookie, json: { answers: {} } });
      const res = await call(tenant.host, "GET", "/api/v1/groups/talk/chat", { cookie: m.cookie, headers: { upgrade: "websocket" } });
      expect(res.status).toBe(101);
      const ws = res.webSocket!;
      const names: string[] = [];
      ws.accept();
      ws.addEventListener("message", (e) => {
        if (typeof e.data !== "string" || e.data === "pong") return;
        const event = JSON.parse(e.data) as { type: string; message?: { level?: { name: string } | null } };
        if (event.type === "message" && event.message?.level) names.push(event.message.level.name);
      });
      people.push({ ws, names });
    }
    await new Promise((r) => setTimeout(r, 200));
    people[0]!.ws.send(JSON.stringify({ type: "message", text: "Hallo" }));
    await vi.waitFor(() => expect(people.every((p) => p.names.length > 0)).toBe(true));
    expect(people[0]!.names[0]).toBe("Nieuwkomer");
    expect(people[1]!.names[0]).toBe("Newcomer");
    for (const p of people) p.ws.close();
  });
});
