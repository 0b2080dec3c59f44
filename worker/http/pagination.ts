import type { Context } from "hono";
import { ApiError } from "./errors";
import { msg } from "../../web/i18n";

/** `?limit=` (default 50, max 200) and `?cursor=`, as the contract says for every list. */
export function pageParams(c: Context): { limit: number; cursor: string | null } {
  const raw = c.req.query("limit");
  let limit = 50;
  if (raw !== undefined) {
    limit = Number(raw);
    if (!Number.isInteger(limit) || limit < 1) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { limit: msg("field.limit") });
    limit = Math.min(limit, 200);
  }
  const cursor = c.req.query("cursor");
  return { limit, cursor: cursor ? cursor : null };
}
