import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { directoryDb } from "../db/client";
import { newToken } from "../db/ids";
import { domains, type Domain } from "../db/schema";
import { isDevelopment, type Bindings } from "../env";
import { ApiError, conflict, notFound } from "../http/errors";
import { invalidateTenantHosts, normaliseHost } from "./hosts";
import { msg } from "../../web/i18n";

export type Verification = { type: "TXT"; name: string; value: string };

/** Where custom hostnames are registered and checked. Production: Cloudflare for SaaS. */
export interface CustomHostnameProvider {
  register(hostname: string): Promise<{ providerId: string | null; verification: Verification }>;
  /** "active" once ownership is proven and the hostname can serve traffic. */
  status(domain: Domain): Promise<"active" | "pending">;
  remove(domain: Domain): Promise<void>;
}

type CfResult = { id: string; status: string; ownership_verification?: { type: string; name: string; value: string } };

export class CloudflareForSaas implements CustomHostnameProvider {
  constructor(
    private readonly zoneId: string,
    private readonly apiToken: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<CfResult> {
    const res = await this.fetcher(`https://api.cloudflare.com/client/v4/zones/${this.zoneId}/custom_hostnames${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const data = (await res.json().catch(() => null)) as { success?: boolean; result?: CfResult; errors?: { code: number; message: string }[] } | null;
    if (!res.ok || !data?.success || !data.result) {
      const message = data?.errors?.map((e) => e.message).join("; ") || `Cloudflare answered ${res.status}`;
      if (res.status === 409 || /already exists/i.test(message)) throw conflict("domain_taken", "This hostname is already attached elsewhere.");
      throw new ApiError(502, "provider_error", `The domain provider refused the request: ${message}`);
    }
    return data.result;
  }

  async register(hostname: string) {
    const result = await this.call("POST", "", { hostname, ssl: { method: "txt", type: "dv" } });
    const ov = result.ownership_verification;
    if (!ov) throw new ApiError(502, "provider_error", "The domain provider gave no verification record.");
    return { providerId: result.id, verification: { type: "TXT" as const, name: ov.name, value: ov.value } };
  }

  async status(domain: Domain) {
    if (!domain.providerId) return "pending" as const;
    const result = await this.call("GET", `/${domain.providerId}`);
    return result.status === "active" ? ("active" as const) : ("pending" as const);
  }

  async remove(domain: Domain) {
    if (domain.providerId) await this.call("DELETE", `/${domain.providerId}`).catch(() => undefined);
  }
}

/**
 * Development: a TXT record is shown but nothing checks it; `npm run dev:verify-domain -- <hostname>`
 * marks the domain verified in the local database.
 */
export class ManualVerification implements CustomHostnameProvider {
  async register(hostname: string) {
    return { providerId: null, verification: { type: "TXT" as const, name: `_communities-verify.${hostname}`, value: newToken() } };
  }
  async status(domain: Domain) {
    return domain.status;
  }
  async remove() {}
}

let override: CustomHostnameProvider | null = null;
export function setHostnameProviderForTests(p: CustomHostnameProvider | null): void {
  override = p;
}

export function hostnameProvider(env: Bindings): CustomHostnameProvider {
  if (override) return override;
  if (env.CF_ZONE_ID && env.CF_API_TOKEN) return new CloudflareForSaas(env.CF_ZONE_ID, env.CF_API_TOKEN);
  if (isDevelopment(env)) return new ManualVerification();
  throw new ApiError(503, "domains_unconfigured", "Custom domains are not configured on this platform (CF_ZONE_ID, CF_API_TOKEN).");
}

export const hostnameSchema = z
  .string({ error: "hostname is required" })
  .trim()
  .toLowerCase()
  .transform((h) => h.replace(/\.$/, ""))
  .pipe(
    z
      .string()
      .max(253, "too long")
      .regex(/^(?=.{1,253}$)(?:(?!-)[a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$/, "field.hostname"),
  );

/** What a tenant admin needs to set up: the TXT record, and the CNAME target when the platform names one. */
export function publicDomain(d: Domain, env?: Pick<Bindings, "CUSTOM_DOMAIN_TARGET">) {
  return {
    hostname: d.hostname,
    status: d.status,
    groupId: d.groupId,
    verification: { type: "TXT" as const, name: d.verificationName, value: d.verificationValue },
    cname: env?.CUSTOM_DOMAIN_TARGET ? { name: d.hostname, target: env.CUSTOM_DOMAIN_TARGET } : null,
    createdAt: new Date(d.createdAt).toISOString(),
    verifiedAt: d.verifiedAt ? new Date(d.verifiedAt).toISOString() : null,
  };
}

export async function listDomains(t: TenantDb): Promise<Domain[]> {
  return t.db.select().from(domains).where(eq(domains.tenantId, t.tenantId));
}

export async function addDomain(env: Bindings, t: TenantDb, rawHostname: string, groupId: string | null, now = Date.now()): Promise<Domain> {
  const hostname = normaliseHost(rawHostname);
  const root = normaliseHost(env.ROOT_DOMAIN).replace(/:\d+$/, "");
  if (hostname === root || hostname.endsWith("." + root)) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", { hostname: msg("field.own_domain") });
  }
  const existing = await directoryDb(env).query.domains.findFirst({ where: eq(domains.hostname, hostname) });
  if (existing && existing.tenantId !== t.tenantId) throw conflict("domain_taken", "Another community already uses this hostname.");
  if (existing) return existing;
  const { providerId, verification } = await hostnameProvider(env).register(hostname);
  const row: Domain = {
    hostname,
    tenantId: t.tenantId,
    groupId,
    status: "pending",
    verificationName: verification.name,
    verificationValue: verification.value,
    providerId,
    createdAt: now,
    verifiedAt: null,
  };
  try {
    await t.db.insert(domains).values(row);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed")) throw conflict("domain_taken", "Another community already uses this hostname.");
    throw err;
  }
  return row;
}

/** Asks the provider whether the hostname is proven; a verified domain starts serving the tenant at once. */
export async function checkDomain(env: Bindings, t: TenantDb, hostname: string, now = Date.now()): Promise<Domain> {
  const domain = await t.db.query.domains.findFirst({ where: and(eq(domains.tenantId, t.tenantId), eq(domains.hostname, normaliseHost(hostname))) });
  if (!domain) throw notFound();
  if (domain.status === "active") return domain;
  const status = await hostnameProvider(env).status(domain);
  if (status !== "active") return domain;
  const [updated] = await t.db
    .update(domains)
    .set({ status: "active", verifiedAt: now })
    .where(and(eq(domains.tenantId, t.tenantId), eq(domains.hostname, domain.hostname)))
    .returning();
  invalidateTenantHosts(t.tenantId);
  return updated ?? domain;
}

export async function removeDomain(env: Bindings, t: TenantDb, hostname: string): Promise<void> {
  const domain = await t.db.query.domains.findFirst({ where: and(eq(domains.tenantId, t.tenantId), eq(domains.hostname, normaliseHost(hostname))) });
  if (!domain) throw notFound();
  await hostnameProvider(env).remove(domain);
  await t.db.delete(domains).where(and(eq(domains.tenantId, t.tenantId), eq(domains.hostname, domain.hostname)));
  invalidateTenantHosts(t.tenantId);
}
