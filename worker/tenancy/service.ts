import { eq } from "drizzle-orm";
import { z } from "zod";
import { hashPassword } from "../auth/passwords";
import { directoryDb, tenantDb } from "../db/client";
import { newId } from "../db/ids";
import { tenants, users, type Tenant } from "../db/schema";
import type { Bindings } from "../env";
import { ApiError, conflict } from "../http/errors";
import { release, reserveOrThrow, limitVar, type Limit } from "../http/limits";
import { catalogFor, closestLang, msg } from "../../web/i18n";
import { email, language, password, spokenLanguage } from "../http/validate";
import { enqueueMail } from "../mail/outbox";
import { tenantBrand, welcomeMail } from "../mail/templates";
import { portalColumns, portalSettingsPatch } from "./portal-settings";
import { invalidateTenantHosts, platformUrl } from "./hosts";
import { fold } from "../http/search";
import { parseWith } from "../http/validate";
import { mintHandoff } from "./handoff";
import { checkAsset, storeImage, type Sniffed } from "../groups/images";

/** Names a tenant may never take: they are (or will be) the platform's own hosts. */
export const RESERVED_SUBDOMAINS = new Set([
  "www", "api", "admin", "app", "mail", "smtp", "imap", "pop", "webmail", "email", "ftp", "ns1", "ns2",
  "static", "assets", "cdn", "media", "status", "docs", "help", "support", "blog", "root", "dashboard",
  "auth", "login", "signup", "billing", "dev", "staging", "test", "demo-admin", "platform", "system",
  "internal", "security", "abuse", "postmaster", "hostmaster", "webmaster", "localhost",
]);

export const subdomainSchema = z
  .string({ error: "subdomain is required" })
  .trim()
  .toLowerCase()
  .min(3, "at least 3 characters")
  .max(63, "at most 63 characters")
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "error.subdomain_invalid")
  .refine((s) => !s.includes("--"), "error.subdomain_invalid")
  .refine((s) => !RESERVED_SUBDOMAINS.has(s), "error.subdomain_reserved");

/** Communities one client may create per hour: `TENANT_CREATION_PER_HOUR` (default 10). */
export const TENANT_CREATION_PER_HOUR = 10;

function creationLimit(env: Bindings, clientIp: string): Limit {
  return { key: `tenant-create:${clientIp}`, max: limitVar(env.TENANT_CREATION_PER_HOUR, TENANT_CREATION_PER_HOUR), windowMs: 3600_000 };
}

/**
 * Creates a community on behalf of a client, within the client's hourly limit (429 with
 * Retry-After beyond). The slot is reserved before any work, so concurrent requests
 * cannot overrun it; a creation that fails gives its slot back.
 */
export async function createTenantLimited(env: Bindings, clientIp: string, input: CreateTenantInput, now = Date.now()): Promise<Tenant> {
  const limit = creationLimit(env, clientIp);
  await reserveOrThrow(env.DB, [limit], "Too many communities created from here. Try again later.", { now });
  try {
    return await createTenant(env, input, now);
  } catch (err) {
    await release(env.DB, [limit], { now });
    throw err;
  }
}

/**
 * A community made from the root host's `/new` form (`raw`, checked against
 * `createTenantSchema`), within the client's limit, with the one-time token that hands the
 * new owner over to it, signed in.
 */
export async function startCommunity(env: Bindings, clientIp: string, raw: unknown): Promise<{ tenant: Tenant; token: string }> {
  const tenant = await createTenantLimited(env, clientIp, parseWith(createTenantSchema, raw));
  return { tenant, token: await mintHandoff(env, tenant) };
}

export const createTenantSchema = z.object({
  name: z.string({ error: "name is required" }).trim().min(2, "at least 2 characters").max(80, "at most 80 characters"),
  subdomain: subdomainSchema,
  language: language.optional(),
  owner: z
    .object({
      email,
      password,
      name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "at most 100 characters"),
    })
    .refine((o) => o.password.trim().toLowerCase() !== o.email, { message: "field.password_is_email", path: ["password"] }),
});

export type CreateTenantInput = z.output<typeof createTenantSchema>;

export async function createTenant(env: Bindings, input: CreateTenantInput, now = Date.now()): Promise<Tenant> {
  const directory = directoryDb(env);
  const existing = await directory.query.tenants.findFirst({ where: eq(tenants.subdomain, input.subdomain) });
  if (existing) throw conflict("subdomain_taken", "This subdomain is already taken.");

  const tenant: Tenant = {
    id: newId(),
    name: input.name,
    subdomain: input.subdomain,
    signupPolicy: "open",
    defaultLanguage: input.language && catalogFor(input.language) ? input.language : "fr",
    timezone: "Europe/Paris",
    primaryColor: "#4f46e5",
    accentColor: null,
    logoKey: null,
    faviconKey: null,
    features: {},
    groupCreation: "everyone",
    welcomeMessage: null,
    cancellationMessage: null,
    status: null,
    createdAt: now,
  };
  const t = tenantDb(env, tenant);
  const ownerId = newId();
  const lang = input.language ?? "fr";
  try {
    await directory.batch([
      directory.insert(tenants).values(tenant),
      t.db.insert(users).values({
        id: ownerId,
        tenantId: tenant.id,
        email: input.owner.email,
        name: input.owner.name,
        searchText: fold(input.owner.name),
        passwordHash: await hashPassword(input.owner.password),
        language: lang,
        tenantRole: "owner",
        status: "active",
        createdAt: now,
      }),
      enqueueMail(t, welcomeMail(closestLang(lang), { to: input.owner.email, name: input.owner.name, community: tenant.name, url: platformUrl(env, tenant.subdomain, "/login"), brand: tenantBrand(env, tenant) }), now),
    ]);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed: tenants.subdomain")) {
      throw conflict("subdomain_taken", "This subdomain is already taken.");
    }
    throw err;
  }
  invalidateTenantHosts();
  return tenant;
}

export function publicTenant(env: Bindings, tenant: Tenant) {
  return { id: tenant.id, name: tenant.name, subdomain: tenant.subdomain, url: platformUrl(env, tenant.subdomain) };
}

export const tenantPatchSchema = z
  .object({
    name: z.string().trim().min(2).max(80),
    signupPolicy: z.enum(["open", "approval", "invite_only"]),
    defaultLanguage: spokenLanguage,
    timezone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "field.timezone"),
    branding: z
      .object({
        primaryColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, "field.colour").transform((s) => s.toLowerCase()),
        accentColor: z.string().regex(/^#[0-9a-fA-F]{6}$/, "field.colour").transform((s) => s.toLowerCase()).nullable(),
      })
      .partial()
      .strict(),
    features: z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,39}$/), z.boolean()).refine((f) => Object.keys(f).length <= 50, msg("field.too_many", { max: 50 })),
    groupCreation: z.enum(["everyone", "admins"]),
    ...portalSettingsPatch,
  })
  .partial()
  .strict();

export async function updateTenant(env: Bindings, tenant: Tenant, patch: z.output<typeof tenantPatchSchema>): Promise<Tenant> {
  const next: Partial<Tenant> = {};
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.signupPolicy !== undefined) next.signupPolicy = patch.signupPolicy;
  if (patch.defaultLanguage !== undefined) next.defaultLanguage = patch.defaultLanguage;
  if (patch.timezone !== undefined) next.timezone = patch.timezone;
  if (patch.branding?.primaryColor !== undefined) next.primaryColor = patch.branding.primaryColor;
  if (patch.branding?.accentColor !== undefined) next.accentColor = patch.branding.accentColor;
  if (patch.features !== undefined) {
    // The older `features.adminOnlyGroups` is an alias of `groupCreation` (the one place it is kept), never stored.
    const { adminOnlyGroups, ...rest } = patch.features;
    if (adminOnlyGroups !== undefined && patch.groupCreation === undefined) next.groupCreation = adminOnlyGroups ? "admins" : "everyone";
    const { adminOnlyGroups: _old, ...kept } = tenant.features;
    next.features = { ...kept, ...rest };
  }
  if (patch.groupCreation !== undefined) next.groupCreation = patch.groupCreation;
  Object.assign(next, portalColumns(patch));
  if (Object.keys(next).length === 0) return tenant;
  const [updated] = await directoryDb(env).update(tenants).set(next).where(eq(tenants.id, tenant.id)).returning();
  invalidateTenantHosts(tenant.id);
  if (!updated) throw new ApiError(404, "not_found", "Not found.");
  return updated;
}

/** The community's own images (a group has its own, and a cover). */
export type TenantImageKind = "logo" | "favicon";

/**
 * Makes `bytes` the community's logo or favicon: checked from their content (413 too big,
 * 415 not an accepted image, 422 too many pixels), stored under a content-hash key, and
 * shown at once on every host of the community.
 */
export async function setTenantImage(env: Bindings, tenant: Tenant, kind: TenantImageKind, bytes: Uint8Array<ArrayBuffer>): Promise<{ key: string; image: Sniffed }> {
  const image = checkAsset(kind, bytes);
  const key = await storeImage(env.MEDIA, `tenants/${tenant.id}/tenant/${kind}`, bytes, image);
  await directoryDb(env)
    .update(tenants)
    .set(kind === "logo" ? { logoKey: key } : { faviconKey: key })
    .where(eq(tenants.id, tenant.id));
  invalidateTenantHosts(tenant.id);
  return { key, image };
}
