import { and, eq } from "drizzle-orm";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { users, type Booking, type Tenant } from "../db/schema";
import { bookingMail, mailLang, type MailBrand, type MailMessage } from "../mail/templates";
import { formatSlot } from "../../web/ui/format";
import { bookingEntry } from "./feed";
import { icsDocument } from "./ics";

// The booking confirmation and cancellation emails (API.md "Resources and bookings"): written to
// the outbox in the same D1 batch as the booking or its cancellation, in the member's language,
// with the `.ics` attached (METHOD:REQUEST, or METHOD:CANCEL with STATUS:CANCELLED and the same
// UIDs). A series is one email: one VEVENT per occurrence.

/** The statements a booking's batch adds for its email, given the rows it writes (`Booking` rows of one member and one resource). */
export type BookingNotice = (rows: Booking[], resource: { name: string; category: string }) => Promise<D1PreparedStatement[]>;

type MailTenant = Pick<Tenant, "name" | "timezone" | "defaultLanguage">;

/** The outbox insert of `mail`, written only when `condition` (SQL over ?1 = tenant id, ?9 = its argument) holds. */
function outboxInsert(t: TenantDb, mail: MailMessage, now: number, condition: string, arg: string | null): D1PreparedStatement {
  return t.d1
    .prepare(
      'insert into outbox (id, tenant_id, "to", subject, text, html, attachments, status, attempts, next_attempt_at, created_at) ' +
        `select ?2, ?1, ?3, ?4, ?5, ?6, ?7, 'pending', 0, ?8, ?8 where ${condition}`,
    )
    .bind(t.tenantId, newId(), mail.to, mail.subject, mail.text, mail.html, mail.attachments?.length ? JSON.stringify(mail.attachments) : null, now, arg);
}

type Recipient = { email: string; language: string | null };

/**
 * Both emails for one request: the member's address and language are read once, when first
 * needed — not at all for `signedIn`, the account making the request (read fresh with its session
 * on every write), which is who books and cancels most of the time.
 */
export function bookingNotices(t: TenantDb, tenant: MailTenant, base: string, brand: MailBrand, now = Date.now(), signedIn?: Recipient & { id: string }): { confirmed: BookingNotice; canceled: BookingNotice } {
  const read = new Map<string, Promise<Recipient | undefined>>();
  if (signedIn) read.set(signedIn.id, Promise.resolve({ email: signedIn.email, language: signedIn.language }));
  const member = (userId: string) => {
    let row = read.get(userId);
    if (!row) {
      row = t.db
        .select({ email: users.email, language: users.language })
        .from(users)
        .where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId)))
        .limit(1)
        .then((r) => r[0]);
      read.set(userId, row);
    }
    return row;
  };
  const build = async (kind: "confirmed" | "canceled", rows: Booking[], resource: { name: string; category: string }) => {
    const first = rows[0];
    const m = first ? await member(first.userId) : undefined;
    if (!first || !m) return null;
    const lang = mailLang(m.language, tenant.defaultLanguage);
    const sorted = [...rows].sort((a, b) => a.fromMs - b.fromMs);
    const ics = icsDocument(
      sorted.map((r) => bookingEntry(r, resource, { base, status: kind === "confirmed" ? "CONFIRMED" : "CANCELLED" })),
      { name: tenant.name, timezone: tenant.timezone, method: kind === "confirmed" ? "REQUEST" : "CANCEL" },
    );
    const slots = sorted.map((r) => formatSlot(lang, new Date(r.fromMs).toISOString(), new Date(r.toMs).toISOString(), tenant.timezone).text);
    const url = kind === "confirmed" && rows.length === 1 ? `${base}/bookings/${encodeURIComponent(first.id)}` : `${base}/bookings`;
    return { first, mail: bookingMail(lang, kind, { brand, to: m.email, community: tenant.name, resource: resource.name, slots, url, ics }) };
  };
  return {
    // Lands only with the booking (a refused conditional insert leaves no row to find).
    confirmed: async (rows, resource) => {
      const built = await build("confirmed", rows, resource);
      return built ? [outboxInsert(t, built.mail, now, "exists (select 1 from bookings where tenant_id = ?1 and id = ?9)", built.first.id)] : [];
    },
    // Placed right after the delete of the first booking: sent only by the request that deleted it.
    canceled: async (rows, resource) => {
      const built = await build("canceled", rows, resource);
      return built ? [outboxInsert(t, built.mail, now, "changes() = 1 and ?9 is null", null)] : [];
    },
  };
}
