import type { Context } from "hono";
import type { TenantDb } from "../db/client";
import type { Tenant } from "../db/schema";
import type { AppEnv } from "../env";
import { requestOrigin } from "../http/context";
import { brandOf } from "../mail/templates";
import { bookingNotices } from "./mail";

/**
 * The booking confirmation and cancellation emails (with their `.ics`) on this request's host and
 * brand, for `createBooking`/`createSeries` (`.confirmed`) and `cancelBooking` (`{notice: .canceled}`).
 * Every route or page that books or cancels passes them, then calls `deliverSoon(c)`.
 */
export function bookingNoticesOf(c: Context<AppEnv>, t: TenantDb, tenant: Tenant) {
  const base = requestOrigin(c);
  const user = c.get("user");
  return bookingNotices(t, tenant, base, brandOf(tenant, base), Date.now(), user ?? undefined);
}
