import { unixLines } from "../http/text";
import { z } from "zod";
import { msg } from "../../web/i18n";
import type { Tenant, TenantStatus } from "../db/schema";

// The member portal's part of the community settings (contract, "Switches, status and
// messages"): the welcome and cancellation messages (Markdown) and the status banner.
// `PATCH /api/v1/tenant` takes them beside the other settings; `null` clears one.

const markdown = z.string().max(20_000, msg("field.too_long", { max: 20_000 })).transform(unixLines);
const isoTime = z.iso.datetime({ offset: true, error: "field.time" }).transform((s) => Date.parse(s));

export const statusInput = z
  .strictObject({
    state: z.enum(["open", "temporarily_closed", "restricted"], { error: "field.option" }),
    message: z.string().trim().max(2000, msg("field.too_long", { max: 2000 })).default(""),
    from: isoTime.nullish(),
    until: isoTime.nullish(),
  })
  .superRefine((s, ctx) => {
    if (s.from != null && s.until != null && s.until <= s.from) ctx.addIssue({ code: "custom", path: ["until"], message: "field.until_after_from" });
  });

/** The fields `PATCH /api/v1/tenant` adds for the portal. */
export const portalSettingsPatch = {
  welcomeMessage: markdown.nullish(),
  cancellationMessage: markdown.nullish(),
  status: statusInput.nullish(),
};

export type PortalSettingsPatch = {
  welcomeMessage?: string | null;
  cancellationMessage?: string | null;
  status?: z.output<typeof statusInput> | null;
};

/** The columns a patch changes (absent fields stay; `null` and an empty message clear). */
export function portalColumns(patch: PortalSettingsPatch): Partial<Pick<Tenant, "welcomeMessage" | "cancellationMessage" | "status">> {
  const text = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === "" ? null : v);
  const out: Partial<Pick<Tenant, "welcomeMessage" | "cancellationMessage" | "status">> = {};
  if (patch.welcomeMessage !== undefined) out.welcomeMessage = text(patch.welcomeMessage) ?? null;
  if (patch.cancellationMessage !== undefined) out.cancellationMessage = text(patch.cancellationMessage) ?? null;
  if (patch.status !== undefined) out.status = patch.status === null ? null : { state: patch.status.state, message: patch.status.message, from: patch.status.from ?? null, until: patch.status.until ?? null };
  return out;
}

export type StatusView = { state: TenantStatus["state"]; message: string; from: string | null; until: string | null };

export function statusView(status: TenantStatus | null): StatusView | null {
  if (!status) return null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return { state: status.state, message: status.message, from: iso(status.from), until: iso(status.until) };
}

/** The banner members see at `now`: within `[from, until)`, and for `open` only with a message. */
export function currentStatus(status: TenantStatus | null, now: number): StatusView | null {
  return statusShownAt(status, now) ? statusView(status) : null;
}

/** Whether members see the banner at `now` (what `currentStatus` decides, without building its view). */
export function statusShownAt(status: TenantStatus | null, now: number): boolean {
  if (!status) return false;
  if (status.from !== null && now < status.from) return false;
  if (status.until !== null && now >= status.until) return false;
  return !(status.state === "open" && status.message.trim() === "");
}

/** The portal's read of the settings, as `GET /api/v1/tenant` answers them. */
export function portalSettingsView(tenant: Pick<Tenant, "welcomeMessage" | "cancellationMessage" | "status">) {
  return { welcomeMessage: tenant.welcomeMessage, cancellationMessage: tenant.cancellationMessage, status: statusView(tenant.status) };
}
