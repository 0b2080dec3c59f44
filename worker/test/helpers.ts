import { env, exports } from "cloudflare:workers";
import { newId } from "../db/ids";

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
    headers: { "cf-connecting-ip": `10.${crypto.getRandomValues(new Uint8Array(3)).join(".")}` },
  });
  if (res.status !== 201) throw new Error(`tenant creation failed: ${res.status} ${await res.text()}`);
  const tenant = ((await res.json()) as { tenant: { id: string } }).tenant;
  const host = `${subdomain}.${ROOT}`;
  const login = await call(host, "POST", "/api/v1/auth/login", { json: { email: owner.email, password: owner.password } });
  if (login.status !== 200) throw new Error(`owner login failed: ${login.status}`);
  return { id: tenant.id, subdomain, host, owner: { ...owner, cookie: sessionCookie(login) } };
}

/** Signs a new member up through the API and returns their cookie. */
export async function signUpMember(tenant: TestTenant, email: string, name = "Max Member", password = "a long enough password") {
  const res = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email, password, name } });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { user: { id: string } };
  return { id: body.user.id, email, password, cookie: sessionCookie(res) };
}

export { env };
