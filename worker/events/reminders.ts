import type { Bindings } from "../env";
import { newId } from "../db/ids";
import { eventMail, mailLang, tenantBrand } from "../mail/templates";
import { wallTimeMs } from "../bookings/hours";
import { addDays, dayInTimeZone } from "../memberships/periods";
import { platformUrl } from "../tenancy/hosts";
import { eventWhen } from "./service";

// The reminder of the day before (API.md "Events", issue 17): every member going to an event
// that starts tomorrow in its community's timezone gets one email, once. The scheduled job runs
// every minute; a registration is marked `reminded_at` by a conditional update in the same batch
// as its email, so a retried or concurrent run never sends it twice. Moving an event re-arms it.

/** The registrations due a reminder: events starting in [?1, ?2) in communities of timezone ?3 (exported for its query-plan test). */
export const REMINDERS_SQL = `select r.id as reg_id, e.tenant_id, e.id as event_id, e.title, e.starts_ms, e.ends_ms, e.location, u.email, u.language,
           t.name as tenant_name, t.subdomain, t.default_language, t.primary_color, t.logo_key
         from events e
         join tenants t on t.id = e.tenant_id
         join event_registrations r on r.event_id = e.id
         join users u on u.id = r.user_id
         where e.starts_ms >= ?1 and e.starts_ms < ?2 and t.timezone = ?3 and (?4 is null or e.tenant_id = ?4)
           and e.canceled_at is null and r.status = 'going' and r.reminded_at is null
           and coalesce(json_extract(t.features, '$.events'), 1) <> 0
         order by e.starts_ms, r.position
         limit ?5`;

export type EventReminderReport = { sent: number; more: boolean };

type Due = {
  reg_id: string;
  tenant_id: string;
  event_id: string;
  title: string;
  starts_ms: number;
  ends_ms: number;
  location: string | null;
  email: string;
  language: string | null;
  tenant_name: string;
  subdomain: string;
  default_language: string;
  primary_color: string;
  logo_key: string | null;
};

/**
 * Sends the reminders due at `now` (every community, or one: `scope.tenantId`): for each
 * timezone in use, the events starting on the next day there (through the index on
 * `starts_ms`), not canceled, in communities whose events are switched on.
 */
export async function runEventReminders(env: Pick<Bindings, "DB" | "ROOT_DOMAIN">, now: number, scope: { tenantId?: string } = {}, opts: { max?: number } = {}): Promise<EventReminderReport> {
  const max = opts.max ?? 1000;
  const zones = (await env.DB.prepare("select distinct timezone from tenants where (?1 is null or id = ?1)").bind(scope.tenantId ?? null).all<{ timezone: string }>()).results;
  let sent = 0;
  let more = false;
  for (const { timezone } of zones) {
    let from: number;
    let to: number;
    try {
      const tomorrow = addDays(dayInTimeZone(now, timezone), 1);
      from = wallTimeMs(tomorrow, 0, timezone);
      to = wallTimeMs(addDays(tomorrow, 1), 0, timezone);
    } catch {
      continue; // an unknown zone (never stored by the API)
    }
    const rows = (
      await env.DB.prepare(REMINDERS_SQL)
        .bind(from, to, timezone, scope.tenantId ?? null, max - sent + 1)
        .all<Due>()
    ).results;
    if (rows.length > max - sent) {
      more = true;
      rows.length = max - sent;
    }
    for (let i = 0; i < rows.length; i += 50) {
      const statements: D1PreparedStatement[] = [];
      for (const r of rows.slice(i, i + 50)) {
        const lang = mailLang(r.language, r.default_language);
        const mail = eventMail(lang, {
          brand: tenantBrand(env, { subdomain: r.subdomain, primaryColor: r.primary_color, logoKey: r.logo_key }),
          to: r.email,
          community: r.tenant_name,
          kind: "reminder",
          title: r.title,
          when: eventWhen(lang, r.starts_ms, r.ends_ms, timezone),
          location: r.location,
          url: platformUrl(env, r.subdomain, `/events/${r.event_id}`),
        });
        statements.push(
          env.DB.prepare("update event_registrations set reminded_at = ?2 where id = ?1 and reminded_at is null and status = 'going'").bind(r.reg_id, now),
          env.DB.prepare(
            "insert into outbox (id, tenant_id, \"to\", subject, text, html, status, attempts, next_attempt_at, created_at) select ?1, ?2, ?3, ?4, ?5, ?6, 'pending', 0, ?7, ?7 where changes() = 1",
          ).bind(newId(), r.tenant_id, mail.to, mail.subject, mail.text, mail.html, now),
        );
      }
      const results = await env.DB.batch(statements);
      for (let k = 1; k < results.length; k += 2) sent += results[k]?.meta.changes ?? 0;
    }
    if (more) break;
  }
  return { sent, more };
}
