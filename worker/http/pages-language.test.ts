import { describe, expect, it } from "vitest";
import { en } from "../../web/i18n/en";
import { fr } from "../../web/i18n/fr";
import { nl } from "../../web/i18n/nl";
import { app } from "../app";
import { directoryDb } from "../db/client";
import { outbox } from "../db/schema";
import { and, eq } from "drizzle-orm";
import { call, env, makeTenant, ROOT, signUpMember, type TestTenant } from "../test/helpers";

/**
 * Every page, rendered in French and in Dutch, shows no English sentence of the
 * catalogs: not in its text, not in the labels people read (placeholder, title,
 * aria-label, alt), not in the strings its islands receive.
 */

type Lang = "fr" | "nl";
const CATALOGS: Record<Lang, Record<string, string>> = { fr, nl };

/** Shorter English strings ("OK", "E-mail", "Admin") also exist in French or Dutch. */
const MIN_LENGTH = 14;

/**
 * Deliberate exceptions: English text that may appear on a French or Dutch page.
 * - names the product or a standard writes in English (file formats, column names);
 * - none else: any other hit is a bug.
 */
const EXCEPTIONS: RegExp[] = [
  /^email,first_name/i, // the spreadsheet's column names, the same in every language
];

function fragments(value: string): string[] {
  return value
    .split(/\{\w+\}/)
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_LENGTH);
}

/** English fragments that never occur in the other catalog (so their presence means English leaked). */
function englishNeedles(lang: Lang): string[] {
  const other = Object.values(CATALOGS[lang]).join("\n");
  const needles = new Set<string>();
  for (const [key, value] of Object.entries(en)) {
    if (CATALOGS[lang][key] === value) continue;
    for (const f of fragments(value)) if (!other.includes(f) && !EXCEPTIONS.some((e) => e.test(f))) needles.add(f);
  }
  return [...needles];
}

function decode(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}

function strings(value: unknown, out: string[]): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
}

/** What a person can read on the page: text, the labels of controls, and the words handed to islands. */
function readable(html: string): string {
  const parts: string[] = [];
  for (const m of html.matchAll(/<script[^>]*type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)) {
    try {
      strings(JSON.parse(decode(m[1]!)), parts);
    } catch {
      parts.push(m[1]!);
    }
  }
  for (const m of html.matchAll(/\s(?:placeholder|title|aria-label|alt|value)="([^"]*)"/g)) parts.push(decode(m[1]!));
  const text = html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ");
  parts.push(decode(text));
  return parts.join("\n").replace(/\s+/g, " ");
}

/** A catalog key shown as such (a message that skipped the page layer) is a leak too. */
const RAW_KEY = /\b(?:field|error|import\.row|profile\.error|levels\.error|gamification\.level_default)\.[a-z0-9_]+\b/g;

function englishIn(lang: Lang, html: string): string[] {
  const text = readable(html);
  return [...englishNeedles(lang).filter((n) => text.includes(n)), ...(text.match(RAW_KEY) ?? []).map((k) => `raw key ${k}`)];
}

type World = { tenant: TestTenant; member: { cookie: string; id: string }; threadId: string; token: string; fieldKey: string };

async function world(): Promise<World> {
  const tenant = await makeTenant({ name: "Atelier" });
  const owner = tenant.owner.cookie;
  const json = (path: string, body: unknown, method = "POST", cookie = owner) => call(tenant.host, method, path, { cookie, json: body });
  await json("/api/v1/groups", { name: "Makers", slug: "makers", joinPolicy: "open", questions: [{ label: "Pourquoi ?", required: true }] });
  await json("/api/v1/groups", { name: "Cercle", slug: "cercle", joinPolicy: "approval" });
  await json("/api/v1/profile-fields", { key: "societe", label: "Société", type: "text", visibility: "member" });
  const member = await signUpMember(tenant, "membre@example.org", "Marie");
  const group = (await (await call(tenant.host, "GET", "/api/v1/groups/makers", { cookie: owner })).json()) as { questions: { id: string }[] };
  await json("/api/v1/groups/makers/join", { answers: { [group.questions[0]!.id]: "Pour apprendre" } }, "POST", member.cookie);
  await json("/api/v1/groups/cercle/join", { answers: {} }, "POST", member.cookie);
  const thread = (await (await json("/api/v1/groups/makers/threads", { title: "Bonjour à tous", body: "Premier message" }, "POST", member.cookie)).json()) as { id?: string; thread?: { id: string } };
  await json("/api/v1/invitations", { emails: ["invitee@example.org"], language: "fr" });
  const [mail] = await directoryDb(env).select().from(outbox).where(and(eq(outbox.tenantId, tenant.id), eq(outbox.to, "invitee@example.org")));
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail!.text)![1]!;
  return { tenant, member, threadId: thread.thread?.id ?? thread.id ?? "none", token, fieldKey: "societe" };
}

/** Every GET page route of the app, with its parameters filled from the world. */
function pagePaths(w: World): string[] {
  const skip = new Set(["/healthz", "/assets/:name{[A-Za-z0-9._-]+}", "/media/*", "/admin/invitations/import/:id/report.csv", "/login/link"]);
  const fill: Record<string, string> = { slug: "makers", id: w.threadId, token: w.token, key: w.fieldKey };
  const paths = new Set<string>();
  for (const r of app.routes) {
    if (r.method !== "GET" || r.path.startsWith("/api") || skip.has(r.path)) continue;
    let path = r.path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => fill[name] ?? name);
    if (r.path === "/admin/members/:id/profile") path = `/admin/members/${w.member.id}/profile`;
    paths.add(path);
  }
  return [...paths];
}

async function visit(host: string, path: string, lang: Lang, cookie?: string): Promise<{ status: number; html: string }> {
  const sep = path.includes("?") ? "&" : "?";
  const res = await call(host, "GET", `${path}${sep}lang=${lang}`, cookie ? { cookie } : {});
  return { status: res.status, html: res.headers.get("content-type")?.includes("text/html") ? await res.text() : "" };
}

describe("every page in French and Dutch", () => {
  it("shows no English catalog string to a visitor, a member or the owner", { timeout: 120_000 }, async () => {
    const w = await world();
    const leaks: string[] = [];
    let rendered = 0;
    for (const lang of ["fr", "nl"] as const) {
      for (const path of ["/", "/new"]) {
        const { status, html } = await visit(ROOT, path, lang);
        expect(status, `${ROOT}${path}`).toBeLessThan(500);
        if (html) rendered++;
        for (const hit of englishIn(lang, html)) leaks.push(`[${lang}] root ${path}: ${hit}`);
      }
      for (const [who, cookie] of [["visitor", undefined], ["member", w.member.cookie], ["owner", w.tenant.owner.cookie]] as const) {
        for (const path of pagePaths(w)) {
          const { status, html } = await visit(w.tenant.host, path, lang, cookie);
          expect(status, `${who} ${path}`).toBeLessThan(500);
          if (!html) continue;
          rendered++;
          for (const hit of englishIn(lang, html)) leaks.push(`[${lang}] ${who} ${path}: ${hit}`);
        }
      }
    }
    expect(rendered).toBeGreaterThan(60);
    // The detector itself works: the same pages in English are full of hits.
    expect(englishIn("fr", (await visit(w.tenant.host, "/admin/settings", "en" as Lang, w.tenant.owner.cookie)).html).length).toBeGreaterThan(5);
    expect(leaks).toEqual([]);
  });

  it("re-renders invalid forms with French messages only", { timeout: 120_000 }, async () => {
    const w = await world();
    const host = w.tenant.host;
    const post = async (path: string, fields: Record<string, string>, cookie?: string, onHost = host) => {
      const res = await call(onHost, "POST", path, {
        body: new URLSearchParams(fields).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", origin: `http://${onHost}` },
        ...(cookie ? { cookie } : {}),
      });
      return { status: res.status, html: await res.text() };
    };
    // Everyone reads French: the owner and the member by their account, a visitor by the cookie.
    await call(host, "GET", "/?lang=fr", { cookie: w.member.cookie });
    await call(host, "GET", "/?lang=fr", { cookie: w.tenant.owner.cookie });
    const visitor = "lang=fr";
    const owner = w.tenant.owner.cookie;
    const cases: [string, string, Record<string, string>, string | undefined, string?][] = [
      ["sign-up", "/signup", { email: "not-an-email", password: "short", name: "" }, visitor],
      ["log-in", "/login", { email: "nobody@example.org", password: "wrong password" }, visitor],
      ["new community", "/new", { name: "A", subdomain: "a--b", ownerName: "", ownerEmail: "bad", ownerPassword: "x" }, visitor, ROOT],
      ["join without the answer", "/g/makers/join", { mode: "signup", email: "new@example.org", password: "long enough pass", name: "Nina" }, visitor],
      ["invitation", `/invite/${w.token}`, { name: "", password: "short" }, visitor],
      ["thread", "/g/makers/threads", { title: "", body: "" }, w.member.cookie],
      ["profile", "/me", { name: "", language: "not a language" }, w.member.cookie],
      ["group creation", "/admin/groups", { name: "", slug: "Bad Slug!" }, owner],
      ["settings", "/admin/settings", { name: "A", signupPolicy: "sometimes", defaultLanguage: "de", primaryColor: "red" }, owner],
      ["invitations", "/admin/invitations", { emails: "", message: "x".repeat(2100), language: "??" }, owner],
      ["profile field", "/admin/profile-fields", { key: "Bad Key", label: "", type: "nonsense" }, owner],
      ["levels", "/admin/groups/makers/levels", { points_thread: "-1", points_reply: "x", points_reaction: "5000", level_name_0: "Un", level_min_0: "5" }, owner],
      ["member account", "/admin/members", { name: "", email: "bad", passwordMode: "set", password: "short" }, owner],
    ];
    const leaks: string[] = [];
    for (const [name, path, fields, cookie, onHost] of cases) {
      const { status, html } = await post(path, fields, cookie, onHost);
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
      for (const hit of englishIn("fr", html)) leaks.push(`${name}: ${hit}`);
      // Nothing of the API's English either (its validation wording is the English catalog's).
      expect(readable(html), name).not.toMatch(/Some fields are invalid|is required|at least \d+ characters|invalid email|must not be your email/);
    }
    // A spreadsheet with bad rows, sent without JavaScript: each row's problems in French.
    const upload = new FormData();
    upload.set("file", new File(["email,language,admin\r\nnot-an-email,nl-BE,maybe\r\nok@example.org,not a tag,\r\n"], "people.csv", { type: "text/csv" }));
    const imported = await call(host, "POST", "/admin/invitations/import", { cookie: owner, body: upload, headers: { origin: `http://${host}` } });
    expect(imported.status).toBe(422);
    const importPage = (await imported.text()).replace(/\u00a0/g, " ");
    expect(importPage).toContain("Cette adresse e-mail n’est pas valable.");
    expect(importPage).toContain("Code de langue inconnu « not a tag »");
    for (const hit of englishIn("fr", importPage)) leaks.push(`import: ${hit}`);
    expect(leaks).toEqual([]);
  });
});
