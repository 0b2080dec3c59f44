import { and, asc, eq, inArray, lte, ne, sql } from "drizzle-orm";
import { z } from "zod";
import type { TenantDb } from "../db/client";
import { directoryDb } from "../db/client";
import { newId, newToken } from "../db/ids";
import { domainClaims, type DomainClaim } from "../db/schema";
import { isDevelopment, type Bindings } from "../env";
import { ApiError, conflict, notFound } from "../http/errors";
import { invalidateTenantHosts, normaliseHost } from "./hosts";
import { msg } from "../../web/i18n";

/** One DNS record the hostname's owner publishes. */
export type DnsRecord = { type: "TXT" | "CNAME"; name: string; value: string };

/** What the provider says about a hostname: serving needs both statuses `active`. */
export type ProviderState = { providerId: string | null; hostnameStatus: string; sslStatus: string; records: DnsRecord[] };

/** An unverified claim ends after this long. */
export const CLAIM_TTL_MS = 7 * 24 * 3600_000;
/** Claims the scheduled job checks at the provider in one run. */
export const POLL_BATCH = 25;

/** Where custom hostnames are registered and checked. Production: Cloudflare for SaaS. */
export interface CustomHostnameProvider {
  /** Registers the hostname (or reuses `existingId`, the registration another claim made) and returns its state. */
  register(hostname: string, existingId: string | null): Promise<ProviderState>;
  status(claim: DomainClaim): Promise<ProviderState>;
  /** Whether the claim's own TXT record (`proofName` = `proofValue`) is published. */
  ownerProven(claim: DomainClaim): Promise<boolean>;
  remove(providerId: string): Promise<void>;
}

type CfValidationRecord = { status?: string; txt_name?: string; txt_value?: string; http_url?: string; http_body?: string };
type CfResult = {
  id: string;
  hostname?: string;
  status: string;
  ownership_verification?: { type: string; name: string; value: string };
  ssl?: { status?: string; method?: string; validation_records?: CfValidationRecord[] };
};
type CfEnvelope<T> = { success?: boolean; result?: T; errors?: { code: number; message: string }[] };

const DOH_URL = "https://cloudflare-dns.com/dns-query";

/** The TXT strings of a DNS-over-HTTPS JSON answer (`"a" "b"` chunks joined). */
export function txtValues(answer: { Answer?: { type?: number; data?: string }[] } | null): string[] {
  return (answer?.Answer ?? [])
    .filter((a) => a.type === undefined || a.type === 16)
    .map((a) => (a.data ?? "").replace(/"\s*"/g, "").replace(/^"|"$/g, ""));
}

export class CloudflareForSaas implements CustomHostnameProvider {
  constructor(
    private readonly zoneId: string,
    private readonly apiToken: string,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
    /** The CNAME target tenants point their hostname at (the SaaS fallback origin). */
    private readonly cnameTarget: string | null = null,
  ) {}

  private async call<T = CfResult>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetcher(`https://api.cloudflare.com/client/v4/zones/${this.zoneId}/custom_hostnames${path}`, {
      method,
      headers: { authorization: `Bearer ${this.apiToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const data = (await res.json().catch(() => null)) as CfEnvelope<T> | null;
    if (!res.ok || !data?.success || data.result === undefined) {
      const message = data?.errors?.map((e) => e.message).join("; ") || `Cloudflare answered ${res.status}`;
      const err = new ApiError(502, "provider_error", `The domain provider refused the request: ${message}`);
      if (res.status === 409 || /already exists|duplicate/i.test(message)) err.extra = { duplicate: true };
      else if (res.status === 404) err.extra = { missing: true };
      throw err;
    }
    return data.result;
  }

  /** Every record the hostname and its certificate need, from Cloudflare's answer. */
  private state(hostname: string, r: CfResult): ProviderState {
    const records: DnsRecord[] = [];
    if (this.cnameTarget) records.push({ type: "CNAME", name: hostname, value: this.cnameTarget });
    const ov = r.ownership_verification;
    if (ov?.name && ov.value) records.push({ type: "TXT", name: ov.name, value: ov.value });
    // HTTP validation needs nothing more than the CNAME above: Cloudflare serves the token itself.
    for (const v of r.ssl?.validation_records ?? []) {
      if (v.txt_name && v.txt_value) records.push({ type: "TXT", name: v.txt_name, value: v.txt_value });
    }
    return { providerId: r.id, hostnameStatus: r.status, sslStatus: r.ssl?.status ?? "initializing", records };
  }

  async register(hostname: string, existingId: string | null): Promise<ProviderState> {
    if (existingId) return this.state(hostname, await this.call("GET", `/${existingId}`));
    try {
      return this.state(hostname, await this.call("POST", "", { hostname, ssl: { method: "txt", type: "dv" } }));
    } catch (err) {
      // Another claim (of any tenant) registered it already: one registration serves them all.
      if (!(err instanceof ApiError) || !err.extra?.duplicate) throw err;
      const found = await this.call<CfResult[]>("GET", `?hostname=${encodeURIComponent(hostname)}`);
      const match = found.find((r) => r.hostname === hostname) ?? found[0];
      if (!match) throw err;
      return this.state(hostname, match);
    }
  }

  async status(claim: DomainClaim): Promise<ProviderState> {
    if (!claim.providerId) return this.register(claim.hostname, null);
    try {
      return this.state(claim.hostname, await this.call("GET", `/${claim.providerId}`));
    } catch (err) {
      // Deleted at Cloudflare (by hand, or with the last other claim): register it again.
      if (err instanceof ApiError && err.extra?.missing) return this.register(claim.hostname, null);
      throw err;
    }
  }

  async ownerProven(claim: DomainClaim): Promise<boolean> {
    const res = await this.fetcher(`${DOH_URL}?name=${encodeURIComponent(claim.proofName)}&type=TXT`, { headers: { accept: "application/dns-json" } });
    if (!res.ok) return false;
    const answer = (await res.json().catch(() => null)) as { Answer?: { type?: number; data?: string }[] } | null;
    return txtValues(answer).includes(claim.proofValue);
  }

  async remove(providerId: string): Promise<void> {
    await this.call("DELETE", `/${providerId}`).catch(() => undefined);
  }
}

/**
 * Development: records are shown but nothing checks them; `npm run dev:verify-domain -- <hostname>`
 * marks the oldest pending claim of that hostname active in the local database.
 */
export class ManualVerification implements CustomHostnameProvider {
  constructor(private readonly cnameTarget: string) {}
  async register(hostname: string): Promise<ProviderState> {
    return { providerId: null, hostnameStatus: "pending", sslStatus: "pending_validation", records: [{ type: "CNAME", name: hostname, value: this.cnameTarget }] };
  }
  async status(claim: DomainClaim): Promise<ProviderState> {
    return { providerId: claim.providerId, hostnameStatus: claim.hostnameStatus, sslStatus: claim.sslStatus, records: claim.records };
  }
  async ownerProven(): Promise<boolean> {
    return false;
  }
  async remove(): Promise<void> {}
}

/** Where tenants point their hostname: `CUSTOM_DOMAIN_TARGET`, else `customers.ROOT_DOMAIN` (the README's fallback origin). */
export function cnameTarget(env: Pick<Bindings, "CUSTOM_DOMAIN_TARGET" | "ROOT_DOMAIN">): string {
  return env.CUSTOM_DOMAIN_TARGET || `customers.${normaliseHost(env.ROOT_DOMAIN).replace(/:\d+$/, "")}`;
}

let override: CustomHostnameProvider | null = null;
export function setHostnameProviderForTests(p: CustomHostnameProvider | null): void {
  override = p;
}

export function hostnameProvider(env: Bindings): CustomHostnameProvider {
  if (override) return override;
  if (env.CF_ZONE_ID && env.CF_API_TOKEN) return new CloudflareForSaas(env.CF_ZONE_ID, env.CF_API_TOKEN, undefined, cnameTarget(env));
  if (isDevelopment(env)) return new ManualVerification(cnameTarget(env));
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

/** The record that proves a claim: only the hostname's owner can publish it. */
function proofRecord(c: DomainClaim): DnsRecord {
  return { type: "TXT", name: c.proofName, value: c.proofValue };
}

/** Every DNS record to publish: this claim's proof first, then what the hostname and its certificate need. */
export function claimRecords(c: DomainClaim): DnsRecord[] {
  const out: DnsRecord[] = [proofRecord(c)];
  for (const r of c.records) {
    if (!out.some((o) => o.type === r.type && o.name === r.name && o.value === r.value)) out.push(r as DnsRecord);
  }
  return out;
}

const isoOrNull = (ms: number | null) => (ms ? new Date(ms).toISOString() : null);

/** What a tenant (or group) admin needs to set up and follow a hostname. */
export function publicDomain(d: DomainClaim, env?: Pick<Bindings, "CUSTOM_DOMAIN_TARGET">) {
  return {
    hostname: d.hostname,
    status: d.status,
    groupId: d.groupId,
    verification: claimRecords(d),
    hostnameStatus: d.hostnameStatus,
    certificate: { status: d.sslStatus },
    cname: env?.CUSTOM_DOMAIN_TARGET ? { name: d.hostname, target: env.CUSTOM_DOMAIN_TARGET } : null,
    createdAt: new Date(d.createdAt).toISOString(),
    expiresAt: d.status === "pending" ? new Date(d.createdAt + CLAIM_TTL_MS).toISOString() : null,
    checkedAt: isoOrNull(d.checkedAt),
    verifiedAt: isoOrNull(d.verifiedAt),
    activatedAt: isoOrNull(d.activatedAt),
  };
}
export type DomainView = ReturnType<typeof publicDomain>;

/** A tenant's claims; with `groupId`, only that group's. */
export async function listDomains(t: TenantDb, groupId?: string): Promise<DomainClaim[]> {
  const where = groupId === undefined ? eq(domainClaims.tenantId, t.tenantId) : and(eq(domainClaims.tenantId, t.tenantId), eq(domainClaims.groupId, groupId));
  return t.db.select().from(domainClaims).where(where).orderBy(asc(domainClaims.createdAt), asc(domainClaims.hostname));
}

const taken = () => conflict("domain_taken", "Another community already uses this hostname.");
const LIVE = ["pending", "verified", "active"] as const;
const HOLDING = ["verified", "active"] as const;

function isUniqueViolation(err: unknown): boolean {
  return /UNIQUE constraint failed/i.test(String(err instanceof Error ? `${err.message} ${String(err.cause ?? "")}` : err));
}

/** The claim that holds a hostname (proven by its owner), whoever it belongs to. */
async function holderOf(env: Bindings, hostname: string): Promise<DomainClaim | undefined> {
  return directoryDb(env).query.domainClaims.findFirst({ where: and(eq(domainClaims.hostname, hostname), inArray(domainClaims.status, [...HOLDING])) });
}

/**
 * Claims a hostname for the tenant (or one of its groups). An unproven claim blocks nobody:
 * 409 `domain_taken` only when another claim already holds it.
 */
export async function addDomain(env: Bindings, t: TenantDb, rawHostname: string, groupId: string | null, now = Date.now()): Promise<DomainClaim> {
  const hostname = normaliseHost(rawHostname);
  const root = normaliseHost(env.ROOT_DOMAIN).replace(/:\d+$/, "");
  if (hostname === root || hostname.endsWith("." + root)) {
    throw new ApiError(422, "validation_failed", "Some fields are invalid.", { hostname: msg("field.own_domain") });
  }
  const holder = await holderOf(env, hostname);
  if (holder && (holder.tenantId !== t.tenantId || holder.groupId !== groupId)) throw taken();
  if (holder) return holder;
  const own = await t.db.query.domainClaims.findFirst({ where: and(eq(domainClaims.tenantId, t.tenantId), eq(domainClaims.hostname, hostname)) });
  if (own && own.status === "pending" && own.createdAt > now - CLAIM_TTL_MS) {
    if (own.groupId !== groupId) throw conflict("domain_taken", "This hostname is already claimed elsewhere in this community.");
    return own;
  }
  // One provider registration per hostname, shared by every claim on it.
  const shared = await directoryDb(env).query.domainClaims.findFirst({
    where: and(eq(domainClaims.hostname, hostname), inArray(domainClaims.status, [...LIVE]), sql`${domainClaims.providerId} is not null`),
  });
  const state = await hostnameProvider(env).register(hostname, shared?.providerId ?? null);
  const fresh = {
    groupId,
    status: "pending" as const,
    proofName: `_communities-verify.${hostname}`,
    proofValue: `communities-verify=${newToken()}`,
    providerId: state.providerId,
    hostnameStatus: state.hostnameStatus,
    sslStatus: state.sslStatus,
    records: state.records,
    createdAt: now,
    checkedAt: now,
    verifiedAt: null,
    activatedAt: null,
    endedAt: null,
  };
  if (own) {
    // An ended or expired claim starts over, with a new proof.
    const [row] = await t.db
      .update(domainClaims)
      .set(fresh)
      .where(and(eq(domainClaims.id, own.id), inArray(domainClaims.status, ["ended", "expired", "pending"])))
      .returning();
    return row ?? own;
  }
  const row: DomainClaim = { id: newId(), hostname, tenantId: t.tenantId, ...fresh };
  try {
    await t.db.insert(domainClaims).values(row);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // A concurrent claim of the same tenant won the insert: answer that one.
    const again = await t.db.query.domainClaims.findFirst({ where: and(eq(domainClaims.tenantId, t.tenantId), eq(domainClaims.hostname, hostname)) });
    if (!again) throw err;
    if (again.groupId !== groupId) throw conflict("domain_taken", "This hostname is already claimed elsewhere in this community.");
    return again;
  }
  return row;
}

async function endClaim(t: { db: TenantDb["db"] }, id: string, status: "ended" | "expired", now: number): Promise<void> {
  await t.db.update(domainClaims).set({ status, endedAt: now }).where(and(eq(domainClaims.id, id), eq(domainClaims.status, "pending")));
}

/**
 * Checks a claim now: its owner proof first (the first claim proven holds the hostname and
 * ends every other pending claim on it), then the provider's hostname and certificate
 * status; the claim serves (`active`) only when both are active. Returns the claim as
 * stored afterwards, and `lost` when another claim holds the hostname.
 */
export async function refreshClaim(env: Bindings, claim: DomainClaim, now = Date.now()): Promise<{ claim: DomainClaim; lost: boolean }> {
  const db = directoryDb(env);
  const reload = async () => (await db.query.domainClaims.findFirst({ where: eq(domainClaims.id, claim.id) })) ?? claim;
  if (claim.status === "ended") return { claim, lost: true };
  if (claim.status === "expired") return { claim, lost: false };
  if (claim.status === "pending") {
    if (claim.createdAt <= now - CLAIM_TTL_MS) {
      await endClaim({ db }, claim.id, "expired", now);
      return { claim: await reload(), lost: false };
    }
    const holder = await holderOf(env, claim.hostname);
    if (holder && holder.id !== claim.id) {
      await endClaim({ db }, claim.id, "ended", now);
      return { claim: await reload(), lost: true };
    }
  }
  const provider = hostnameProvider(env);
  if (claim.status === "pending" && (await provider.ownerProven(claim))) {
    try {
      const [won] = await db
        .update(domainClaims)
        .set({ status: "verified", verifiedAt: now })
        .where(and(eq(domainClaims.id, claim.id), eq(domainClaims.status, "pending")))
        .returning();
      if (won) {
        await db
          .update(domainClaims)
          .set({ status: "ended", endedAt: now })
          .where(and(eq(domainClaims.hostname, claim.hostname), ne(domainClaims.id, claim.id), eq(domainClaims.status, "pending")));
      }
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // Proven at the same moment as another claim, which got there first.
      await endClaim({ db }, claim.id, "ended", now);
      return { claim: await reload(), lost: true };
    }
    claim = await reload();
  }
  let state: ProviderState;
  try {
    state = await provider.status(claim);
  } catch (err) {
    if (err instanceof ApiError && err.status >= 500) {
      await db.update(domainClaims).set({ checkedAt: now }).where(eq(domainClaims.id, claim.id));
    }
    throw err;
  }
  const serving = state.hostnameStatus === "active" && state.sslStatus === "active";
  const status = claim.status === "verified" && serving ? "active" : claim.status === "active" && !serving ? "verified" : claim.status;
  const [updated] = await db
    .update(domainClaims)
    .set({
      providerId: state.providerId ?? claim.providerId,
      hostnameStatus: state.hostnameStatus,
      sslStatus: state.sslStatus,
      records: state.records,
      checkedAt: now,
      status,
      ...(status === "active" && claim.status !== "active" ? { activatedAt: now } : {}),
    })
    .where(and(eq(domainClaims.id, claim.id), eq(domainClaims.status, claim.status)))
    .returning();
  if (status !== claim.status) invalidateTenantHosts(claim.tenantId);
  return { claim: updated ?? (await reload()), lost: false };
}

async function ownClaim(t: TenantDb, hostname: string, groupId?: string): Promise<DomainClaim> {
  const host = normaliseHost(hostname);
  const where = and(
    eq(domainClaims.tenantId, t.tenantId),
    eq(domainClaims.hostname, host),
    ...(groupId === undefined ? [] : [eq(domainClaims.groupId, groupId)]),
  );
  const claim = await t.db.query.domainClaims.findFirst({ where });
  if (!claim) throw notFound();
  return claim;
}

/** `POST …/domains/{hostname}/verify`: 409 `domain_taken` when another claim won the hostname. */
export async function checkDomain(env: Bindings, t: TenantDb, hostname: string, now = Date.now(), groupId?: string): Promise<DomainClaim> {
  const { claim, lost } = await refreshClaim(env, await ownClaim(t, hostname, groupId), now);
  if (lost) throw taken();
  return claim;
}

/** Forgets the provider's registration once no live claim of any tenant uses the hostname. */
async function releaseRegistration(env: Bindings, hostname: string, providerId: string | null): Promise<void> {
  if (!providerId) return;
  const other = await directoryDb(env).query.domainClaims.findFirst({ where: and(eq(domainClaims.hostname, hostname), inArray(domainClaims.status, [...LIVE])) });
  if (!other) await hostnameProvider(env).remove(providerId);
}

export async function removeDomain(env: Bindings, t: TenantDb, hostname: string, groupId?: string): Promise<void> {
  const claim = await ownClaim(t, hostname, groupId);
  await t.db.delete(domainClaims).where(and(eq(domainClaims.tenantId, t.tenantId), eq(domainClaims.id, claim.id)));
  await releaseRegistration(env, claim.hostname, claim.providerId);
  invalidateTenantHosts(t.tenantId);
}

export type DomainJobReport = { expired: number; checked: number; activated: number };

/**
 * The scheduled domain jobs, a function of `now` and the stored state: pending claims older
 * than 7 days expire (a second run at the same `now` finds none), then a bounded batch of
 * pending and verified claims, least recently checked first, is checked at the provider.
 */
export async function runDomainJobs(env: Bindings, now = Date.now(), opts: { tenantId?: string; batch?: number } = {}): Promise<DomainJobReport> {
  const db = directoryDb(env);
  const scope = opts.tenantId ? [eq(domainClaims.tenantId, opts.tenantId)] : [];
  const expired = await db
    .update(domainClaims)
    .set({ status: "expired", endedAt: now })
    .where(and(eq(domainClaims.status, "pending"), lte(domainClaims.createdAt, now - CLAIM_TTL_MS), ...scope))
    .returning({ hostname: domainClaims.hostname, providerId: domainClaims.providerId });
  let provider: CustomHostnameProvider | null = null;
  try {
    provider = hostnameProvider(env);
  } catch {
    return { expired: expired.length, checked: 0, activated: 0 };
  }
  for (const e of expired) await releaseRegistration(env, e.hostname, e.providerId).catch(() => undefined);
  if (provider instanceof ManualVerification) return { expired: expired.length, checked: 0, activated: 0 };
  const due = await db
    .select()
    .from(domainClaims)
    .where(and(inArray(domainClaims.status, ["pending", "verified"]), ...scope))
    .orderBy(sql`${domainClaims.checkedAt} is not null`, asc(domainClaims.checkedAt))
    .limit(opts.batch ?? POLL_BATCH);
  let checked = 0;
  let activated = 0;
  for (const claim of due) {
    try {
      const { claim: after } = await refreshClaim(env, claim, now);
      checked++;
      if (after.status === "active") activated++;
    } catch {
      // The provider is down or refused: the claim is checked again on a later run.
    }
  }
  return { expired: expired.length, checked, activated };
}
