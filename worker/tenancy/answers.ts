import { z } from "zod";

/** The answers of the tenancy routes (`worker/tenancy/routes.ts`). */

export const createdTenantAnswer = z.object({
  tenant: z.object({ id: z.string(), name: z.string(), subdomain: z.string(), url: z.string() }),
});

/** A hostname claim (`publicDomain`). */
export const domainAnswer = z.object({
  hostname: z.string(),
  status: z.enum(["pending", "verified", "active", "ended", "expired"]),
  groupId: z.string().nullable(),
  verification: z.array(z.object({ type: z.string(), name: z.string(), value: z.string() })),
  hostnameStatus: z.string().nullable(),
  certificate: z.object({ status: z.string().nullable() }),
  cname: z.object({ name: z.string(), target: z.string() }).nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  checkedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  activatedAt: z.string().nullable(),
});

export const domainListAnswer = z.object({ items: z.array(domainAnswer), nextCursor: z.null() });

const statusAnswer = z.object({
  state: z.enum(["open", "temporarily_closed", "restricted"]),
  message: z.string(),
  from: z.string().nullable(),
  until: z.string().nullable(),
});

/** `GET /api/v1/tenant`: the settings; `domains` for owners and admins only. */
export const tenantAnswer = z.object({
  id: z.string(),
  name: z.string(),
  subdomain: z.string(),
  signupPolicy: z.enum(["open", "approval", "invite_only"]),
  defaultLanguage: z.string(),
  timezone: z.string(),
  branding: z.object({
    primaryColor: z.string(),
    accentColor: z.string().nullable(),
    logoUrl: z.string().nullable(),
    faviconUrl: z.string().nullable(),
  }),
  features: z.record(z.string(), z.boolean()),
  groupCreation: z.enum(["everyone", "admins"]),
  welcomeMessage: z.string().nullable(),
  cancellationMessage: z.string().nullable(),
  status: statusAnswer.nullable(),
  domains: z.array(domainAnswer).optional(),
});
