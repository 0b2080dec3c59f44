import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { directoryDb } from "../db/client";
import { newId } from "../db/ids";
import { memberships, tenants, users } from "../db/schema";

export const ROOT = "communities.test";

export type TestTenant = { id: string; subdomain: string; host: string; owner: { email: string; password: string; cookie: string } };

/** Sends a request to the Worker as a browser or an integrator would, with the Host header chosen. */
export async function call(
  host: string,
  method: string,
  path: string,
  opts: { json?: unknown; cookie?: string; headers?: Record<string, string>; body?: BodyInit; redirect?: "manual" } = {},
): Promise<Response> {
  const headers = new Headers(opts.headers);
  headers.set("host", host);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body = opts.body;
  if (opts.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(opts.json);
  }
  return exports.default.fetch(new Request(`http://${host}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), redirect: "manual" }));
}

export function sessionCookie(res: Response): string {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  if (!raw) throw new Error("no session cookie in the answer");
  return raw.split(";")[0]!;
}

let counter = 0;
/** A fresh tenant with its owner signed in, through the public API. */
export async function makeTenant(opts: { name?: string } = {}): Promise<TestTenant> {
  const subdomain = `t${Date.now().toString(36)}${(counter++).toString(36)}${newId(4)}`;
  const owner = { email: `owner@${subdomain}.example`, password: "correct horse battery" };
  const res = await call(ROOT, "POST", "/api/v1/tenants", {
    json: { name: opts.name ?? `Community ${subdomain}`, subdomain, owner: { ...owner, name: "Olivia Owner" } },
    headers: randomIp(),
  });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${await res.text()}`);
  const tenant = ((await res.json()) as { tenant: { id: string } }).tenant;
  const host = `${subdomain}.${ROOT}`;
  const login = await call(host, "POST", "/api/v1/auth/login", { json: { email: owner.email, password: owner.password } });
  if (login.status !== 200) throw new Error(`owner login failed: ${login.status}`);
  return { id: tenant.id, subdomain, host, owner: { ...owner, cookie: sessionCookie(login) } };
}

/** Signs a new member up through the API (in a language when one is given) and returns their cookie. */
export async function signUpMember(tenant: TestTenant, email: string, name = "Max Member", passwordOr: string | { password?: string; language?: string } = {}) {
  const { password = "a long enough password", language } = typeof passwordOr === "string" ? { password: passwordOr } : passwordOr;
  const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email, password, name, ...(language ? { language } : {}) } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, email, password, cookie: sessionCookie(res) };
}

/** A random client address, so that per-IP limits never meet between tests. */
export const randomIp = () => ({ "cf-connecting-ip": `10.${crypto.getRandomValues(new Uint8Array(3)).join(".")}` });

/** The `code` of an error envelope. */
export const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

/** A URL-encoded form body for `call`, as a browser posts it without JavaScript. */
export function form(data: Record<string, string> | [string, string][], cookie?: string, headers: Record<string, string> = {}) {
  return {
    body: new URLSearchParams(data).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    ...(cookie ? { cookie } : {}),
  };
}

/** GET a page, signed in when a cookie is given. */
export const getPage = (tenant: TestTenant, path: string, cookie?: string) => call(tenant.host, "GET", path, cookie ? { cookie } : {});

/** POST a form to a page as the signed-in `cookie`. */
export const postForm = (tenant: TestTenant, path: string, cookie: string, fields: Record<string, string>) => call(tenant.host, "POST", path, { cookie, ...form(fields) });

/** The API's log-in, without following it. */
export const logIn = (tenant: TestTenant, email: string, password: string, headers: Record<string, string> = {}) =>
  call(tenant.host, "POST", "/api/v1/auth/login", { json: { email, password }, headers });

/** Signs someone up on a community whose sign-up waits for approval; returns their id. */
export async function signUpPending(tenant: TestTenant, email: string, name: string, language?: string) {
  const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email, password: "a long enough password", name, ...(language ? { language } : {}) } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string }; status: string };
  if (body.status !== "pending_approval") throw new Error(`signup is ${body.status}, not pending_approval`);
  return body.user.id;
}

/** Sets the community's sign-up policy as its owner. */
export async function setSignupPolicy(tenant: TestTenant, signupPolicy: "open" | "approval" | "invite" | string) {
  const res = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { signupPolicy } });
  if (res.status !== 200) throw new Error(`signup policy not set: ${res.status} ${await res.text()}`);
}

/** Gives a member a community role, as the owner. */
export async function setTenantRole(tenant: TestTenant, userId: string, tenantRole: "admin" | "moderator" | "member") {
  const res = await call(tenant.host, "PATCH", `/api/v1/members/${userId}`, { cookie: tenant.owner.cookie, json: { tenantRole } });
  if (res.status !== 200) throw new Error(`tenant role not set: ${res.status} ${await res.text()}`);
}

export type TestGroup = { id: string; slug: string; name: string; joinPolicy: string; questions: { id: string; label: string; required: boolean }[] };
export type GroupBody = ({ slug: string; name?: string } | { slug?: string; name: string }) & { joinPolicy?: "open" | "approval" | "invite"; [field: string]: unknown };

/** Creates a group through the API (named "Group {slug}" unless a name is given), as the owner unless another cookie is given. */
export async function makeGroup(tenant: TestTenant, body: GroupBody, cookie = tenant.owner.cookie): Promise<TestGroup> {
  const res = await call(tenant.host, "POST", "/api/v1/groups", { cookie, json: { name: `Group ${body.slug}`, ...body } });
  if (res.status !== 201) throw new Error(`group creation failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { group: TestGroup }).group;
}

/** Asks to join a group; the answer is the test's to read (200 member, 202 waiting, …). */
export const requestJoin = (tenant: TestTenant, slug: string, cookie: string, answers: Record<string, string> = {}) =>
  call(tenant.host, "POST", `/api/v1/groups/${slug}/join`, { cookie, json: { answers } });

/** Joins a group that lets the person in at once (200). */
export async function joinGroup(tenant: TestTenant, slug: string, cookie: string, answers: Record<string, string> = {}) {
  const res = await requestJoin(tenant, slug, cookie, answers);
  if (res.status !== 200) throw new Error(`join ${slug} failed: ${res.status} ${await res.text()}`);
}

/** Signs a new member up and joins them to an open group. */
export async function groupMember(tenant: TestTenant, slug: string, email: string, name?: string) {
  const m = await signUpMember(tenant, email, name);
  await joinGroup(tenant, slug, m.cookie);
  return m;
}

/** Gives a group member a group role, as the owner unless another cookie is given. */
export async function setGroupRole(tenant: TestTenant, slug: string, userId: string, role: "owner" | "admin" | "moderator" | "member", cookie = tenant.owner.cookie) {
  const res = await call(tenant.host, "PATCH", `/api/v1/groups/${slug}/members/${userId}`, { cookie, json: { role } });
  if (res.status !== 200) throw new Error(`group role not set: ${res.status} ${await res.text()}`);
}

/** The membership rows of one person in one group, straight from D1. */
export async function membershipRows(tenantId: string, groupId: string, userId: string) {
  return directoryDb(env).select().from(memberships).where(and(eq(memberships.tenantId, tenantId), eq(memberships.groupId, groupId), eq(memberships.userId, userId)));
}

/** Defines a profile field as the owner (visible to members and editable unless the body says otherwise). */
export async function defineField(tenant: TestTenant, body: Record<string, unknown>) {
  const res = await call(tenant.host, "POST", "/api/v1/profile-fields", { cookie: tenant.owner.cookie, json: { visibility: "member", editable: true, ...body } });
  if (res.status !== 201) throw new Error(`field ${JSON.stringify(body)} not defined: ${res.status} ${await res.text()}`);
}

/** Uploads an invitation list to the import API, as the owner unless another cookie is given. */
export function importFile(tenant: TestTenant, file: File, opts: { fields?: Record<string, string>; query?: string; cookie?: string } = {}) {
  const body = new FormData();
  body.set("file", file);
  for (const [k, v] of Object.entries(opts.fields ?? {})) body.set(k, v);
  return call(tenant.host, "POST", `/api/v1/invitations/import${opts.query ?? ""}`, { cookie: opts.cookie ?? tenant.owner.cookie, body });
}

/** A CSV file as a browser uploads it. */
export const csvFile = (text: string, name = "people.csv") => new File([text], name, { type: "text/csv" });

export { env };

/** The community's and a member's rows as the request path reads them, for tests that call a service directly. */
export async function tenantAndUserRows(tenantId: string, userId: string) {
  const [tenant] = await directoryDb(env).select().from(tenants).where(eq(tenants.id, tenantId));
  const [user] = await directoryDb(env).select().from(users).where(eq(users.id, userId));
  return { tenant: tenant!, user: user! };
}
