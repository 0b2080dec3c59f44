import { Hono } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant } from "../http/context";
import { formAction, readForm, requirePageUser, withDone } from "../http/forms";
import { secretsKeyOf } from "../invoices/sealed";
import { mePage } from "../profiles/html";
import { replaceFeedUrl } from "./service";

/** Where the "replace the address" form may send the member back to (its `back` field); `/me` otherwise. */
const BACK = new Set(["/me", "/bookings"]);

/** The feed control's form (web/pages/calendar/feed-control.ts): a new URL, then 303 back with `?done=calendar`. */
export const calendarPages = new Hono<AppEnv>().post("/me/calendar-token", async (c) => {
  const tenant = requireTenant(c);
  const user = requirePageUser(c, "/me");
  if (user instanceof Response) return user;
  const back = (await readForm(c)).str("back");
  return formAction(c, {
    run: () => replaceFeedUrl(tenantDb(c.env, tenant), secretsKeyOf(c.env), requestOrigin(c), user.id),
    render: (f) => mePage(c, { formError: f.formError }, f.status),
    done: () => withDone(`${BACK.has(back) ? back : "/me"}#calendar-feed`, "calendar"),
  });
});
