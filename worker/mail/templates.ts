import type { Bindings } from "../env";
import { platformUrl } from "../tenancy/hosts";
import { closestLang, isLang, t, tCount, type Lang, type MessageKey, type MessageVars } from "../../web/i18n";

import type { MailAttachment } from "../db/schema";

export type { MailAttachment };
/** An email; `attachments` (contents in base64) travel with its outbox row to every transport. */
export type MailMessage = { to: string; subject: string; text: string; html: string; attachments?: MailAttachment[] };

/** The catalog an email is written in: the recipient's tag, else the tenant's default (`closestLang`, as pages). */
export function mailLang(...candidates: (string | null | undefined)[]): Lang {
  return closestLang(...candidates);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

type Block = { kind: "p"; text: string } | { kind: "action"; label: string; url: string } | { kind: "small"; text: string } | { kind: "list"; items: string[] };

/**
 * The community's look in its emails: its colour on the buttons and its logo (an absolute
 * URL on the community's host) above. Every template requires one, so no email can leave
 * unbranded; build it with `brandOf` (a request's origin) or `tenantBrand` (no request: cron, queues).
 */
export type MailBrand = { color: string; logoUrl: string | null };

const HEX = /^#[0-9a-f]{6}$/i;

/** A community's brand for its emails; `base` is its origin (the logo needs an absolute URL). */
export function brandOf(tenant: { primaryColor: string; logoKey: string | null }, base: string): MailBrand {
  return { color: tenant.primaryColor, logoUrl: tenant.logoKey ? `${base.replace(/\/+$/, "")}/media/${tenant.logoKey}` : null };
}

/** The brand when no request is at hand (cron, queued notices): the logo on the community's own host. */
export function tenantBrand(env: Pick<Bindings, "ROOT_DOMAIN">, tenant: { subdomain: string; primaryColor: string; logoKey: string | null }): MailBrand {
  return brandOf(tenant, platformUrl(env, tenant.subdomain));
}

/** A label and its value: French puts a narrow no-break space before the colon. */
function labelled(lang: Lang, label: string, value: string): string {
  return lang === "fr" ? `${label}\u202f: ${value}` : `${label}: ${value}`;
}

/** French typography: a narrow no-break space before « : ; ? ! » and inside guillemets (never inside a URL). */
export function frenchSpacing(s: string): string {
  return s.replace(/[ \u00a0]+([:;?!»])/g, "\u202f$1").replace(/«[ \u00a0]+/g, "«\u202f");
}

/** One layout for every email: plain text for every client, simple inline-styled HTML for the rest. */
function compose(lang: Lang, to: string, rawSubject: string, community: string, rawBlocks: Block[], brand: MailBrand): MailMessage {
  const fix = lang === "fr" ? frenchSpacing : (s: string) => s;
  const subject = fix(rawSubject);
  const blocks: Block[] = rawBlocks.map((b) => (b.kind === "list" ? { ...b, items: b.items.map(fix) } : b.kind === "action" ? { ...b, label: fix(b.label) } : { ...b, text: fix(b.text) }));
  const footer = fix(t(lang, "mail.footer", { community }));
  const color = brand.color && HEX.test(brand.color) ? brand.color : "#4f46e5";
  const text = [
    ...blocks.map((b) => (b.kind === "action" ? labelled(lang, b.label, b.url) : b.kind === "list" ? b.items.map((i) => `- ${i}`).join("\n") : b.text)),
    "--",
    footer,
  ].join("\n\n");
  const body = blocks
    .map((b) => {
      if (b.kind === "list") return `<ul style="font-size:15px;padding-left:20px">${b.items.map((i) => `<li style="margin:4px 0">${escapeHtml(i)}</li>`).join("")}</ul>`;
      if (b.kind === "action") {
        return `<p style="margin:24px 0"><a href="${escapeHtml(b.url)}" style="background:${color};color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;display:inline-block">${escapeHtml(b.label)}</a></p><p style="font-size:13px;color:#555;word-break:break-all">${escapeHtml(b.url)}</p>`;
      }
      const style = b.kind === "small" ? "font-size:13px;color:#555" : "font-size:15px";
      return `<p style="${style}">${escapeHtml(b.text)}</p>`;
    })
    .join("");
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;background:#f6f7fb;padding:24px"><div style="max-width:560px;margin:auto;background:#fff;border-radius:12px;padding:32px">${brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" style="max-height:48px;max-width:200px;display:block;margin-bottom:12px">` : ""}<h1 style="font-size:20px;margin-top:0;color:${color}">${escapeHtml(community)}</h1>${body}<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0"><p style="font-size:12px;color:#6b7280">${escapeHtml(footer)}</p></div></body></html>`;
  return { to, subject, text, html };
}

export function passwordResetMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.reset.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.reset.intro", { community: p.community }) },
    { kind: "action", label: t(lang, "mail.reset.action"), url: p.url },
    { kind: "small", text: t(lang, "mail.reset.ignore") },
  ], p.brand);
}

/** A mail that says one thing and offers one link: the catalog's `mail.<kind>.subject`, `.intro` and `.action`. */
function oneActionMail(lang: Lang, kind: "welcome" | "approval" | "account_approved", p: { brand: MailBrand; to: string; community: string; url: string }, intro: MessageVars): MailMessage {
  return compose(lang, p.to, t(lang, `mail.${kind}.subject`, { community: p.community }), p.community, [
    { kind: "p", text: t(lang, `mail.${kind}.intro`, { ...intro, community: p.community }) },
    { kind: "action", label: t(lang, `mail.${kind}.action`), url: p.url },
  ], p.brand);
}

export function welcomeMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; community: string; url: string }): MailMessage {
  return oneActionMail(lang, "welcome", p, { name: p.name });
}

export function approvalNeededMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; email: string; community: string; url: string }): MailMessage {
  return oneActionMail(lang, "approval", p, { name: p.name, email: p.email });
}

export function accountApprovedMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; community: string; url: string }): MailMessage {
  return oneActionMail(lang, "account_approved", p, { name: p.name });
}

export function accountDeclinedMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; community: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.account_declined.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.account_declined.intro", { name: p.name, community: p.community }) },
  ], p.brand);
}

export function invitationMail(
  lang: Lang,
  p: { brand: MailBrand; to: string; community: string; inviter: string | null; message: string | null; groups: string[]; url: string; expiresAt: number; timezone: string; reminder: boolean },
): MailMessage {
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: p.timezone }).format(new Date(p.expiresAt));
  const intro = p.inviter
    ? t(lang, "mail.invite.intro_by", { inviter: p.inviter, community: p.community })
    : t(lang, "mail.invite.intro", { community: p.community });
  const blocks: Block[] = [{ kind: "p", text: p.reminder ? t(lang, "mail.invite.reminder_intro", { community: p.community }) : intro }];
  if (p.message) blocks.push({ kind: "p", text: `« ${p.message} »` });
  if (p.groups.length) blocks.push({ kind: "p", text: t(lang, "mail.invite.groups", { groups: p.groups.join(", ") }) });
  blocks.push({ kind: "action", label: t(lang, "mail.invite.action"), url: p.url });
  blocks.push({ kind: "small", text: t(lang, "mail.invite.expires", { date }) });
  const subject = p.reminder ? t(lang, "mail.invite.reminder_subject", { community: p.community }) : t(lang, "mail.invite.subject", { community: p.community });
  return compose(lang, p.to, subject, p.community, blocks, p.brand);
}

/** A group admin invites someone who already has an account: sign in, then accept or decline. */
export function groupInvitationMail(
  lang: Lang,
  p: { brand: MailBrand; to: string; name: string; community: string; inviter: string | null; message: string | null; groups: string[]; url: string; expiresAt: number; timezone: string },
): MailMessage {
  const date = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: p.timezone }).format(new Date(p.expiresAt));
  const groups = p.groups.join(", ");
  const blocks: Block[] = [
    { kind: "p", text: p.inviter ? t(lang, "mail.group_invite.intro_by", { name: p.name, inviter: p.inviter, groups, community: p.community }) : t(lang, "mail.group_invite.intro", { name: p.name, groups, community: p.community }) },
  ];
  if (p.message) blocks.push({ kind: "p", text: `« ${p.message} »` });
  blocks.push({ kind: "p", text: t(lang, "mail.group_invite.choose") });
  blocks.push({ kind: "action", label: t(lang, "mail.group_invite.action"), url: p.url });
  blocks.push({ kind: "small", text: t(lang, "mail.group_invite.expires", { date }) });
  return compose(lang, p.to, t(lang, "mail.group_invite.subject", { groups, community: p.community }), p.community, blocks, p.brand);
}

export function accountCreatedMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; community: string; url: string; hasPassword: boolean; login: string }): MailMessage {
  const blocks: Block[] = [
    { kind: "p", text: t(lang, "mail.account.intro", { name: p.name, community: p.community }) },
    { kind: "p", text: t(lang, p.hasPassword ? "mail.account.has_password" : "mail.account.choose_password", { email: p.to }) },
    { kind: "action", label: t(lang, "mail.account.action"), url: p.url },
    { kind: "small", text: t(lang, "mail.account.expires", { login: p.login }) },
  ];
  return compose(lang, p.to, t(lang, "mail.account.subject", { community: p.community }), p.community, blocks, p.brand);
}

/** `requested`: the person asked for it (15 minutes); otherwise an admin sent it (an hour). */
export function loginLinkMail(lang: Lang, p: { brand: MailBrand; to: string; name: string; community: string; url: string; requested?: boolean }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.login_link.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, p.requested ? "mail.login_link.intro_requested" : "mail.login_link.intro", { name: p.name, community: p.community }) },
    { kind: "action", label: t(lang, "mail.login_link.action"), url: p.url },
    { kind: "small", text: t(lang, p.requested ? "mail.login_link.ignore_requested" : "mail.login_link.ignore") },
  ], p.brand);
}

export type { MessageKey };

export function mentionMail(
  lang: Lang,
  p: { brand: MailBrand; to: string; who: string; group: string; community: string; title: string; excerpt: string; url: string },
): MailMessage {
  return compose(lang, p.to, t(lang, "mail.mention.subject", { who: p.who, group: p.group }), p.community, [
    { kind: "p", text: t(lang, "mail.mention.intro", { who: p.who, group: p.group, title: p.title }) },
    { kind: "small", text: p.excerpt },
    { kind: "action", label: t(lang, "mail.mention.action"), url: p.url },
  ], p.brand);
}

/** Join requests that arrived in one batch, for one of the group's admins. */
export function joinRequestsMail(lang: Lang, p: { to: string; group: string; community: string; names: string[]; total: number; url: string; brand: MailBrand }): MailMessage {
  const shown = p.names.slice(0, 10);
  const blocks: Block[] = [{ kind: "p", text: tCount(lang, "mail.group_requests.intro", p.total, { group: p.group }) }, { kind: "list", items: shown }];
  if (p.total > shown.length) blocks.push({ kind: "small", text: tCount(lang, "mail.group_requests.more", p.total - shown.length) });
  blocks.push({ kind: "action", label: t(lang, "mail.group_requests.action"), url: p.url });
  return compose(lang, p.to, tCount(lang, "mail.group_requests.subject", p.total, { group: p.group }), p.community, blocks, p.brand);
}

/** Reports that arrived in one batch, for one of the group's moderators. */
export function reportsMail(lang: Lang, p: { to: string; group: string; community: string; reports: { reason: string; excerpt: string }[]; total: number; url: string; brand: MailBrand }): MailMessage {
  const shown = p.reports.slice(0, 10);
  const blocks: Block[] = [
    { kind: "p", text: tCount(lang, "mail.group_reports.intro", p.total, { group: p.group }) },
    { kind: "list", items: shown.map((r) => (r.excerpt ? labelled(lang, r.reason, lang === "fr" ? `« ${r.excerpt.slice(0, 120)} »` : `“${r.excerpt.slice(0, 120)}”`) : r.reason)) },
  ];
  if (p.total > shown.length) blocks.push({ kind: "small", text: tCount(lang, "mail.group_reports.more", p.total - shown.length) });
  blocks.push({ kind: "action", label: t(lang, "mail.group_reports.action"), url: p.url });
  return compose(lang, p.to, tCount(lang, "mail.group_reports.subject", p.total, { group: p.group }), p.community, blocks, p.brand);
}

/** An approved applicant: they are in. */
export function joinApprovedMail(lang: Lang, p: { to: string; name: string; group: string; community: string; url: string; brand: MailBrand }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.group_joined.subject", { group: p.group }), p.community, [
    { kind: "p", text: t(lang, "mail.group_joined.intro", { name: p.name, group: p.group }) },
    { kind: "action", label: t(lang, "mail.group_joined.action"), url: p.url },
  ], p.brand);
}

/** An announcement emailed to the members it targets: its title and its text, paragraph by paragraph. */
export function announcementMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; title: string; body: string; url: string }): MailMessage {
  const paragraphs = p.body.split(/\n\s*\n/).map((text) => ({ kind: "p" as const, text: text.trim() })).filter((b) => b.text);
  return compose(lang, p.to, t(lang, "mail.announcement.subject", { community: p.community, title: p.title }), p.community, [
    { kind: "p", text: p.title },
    ...paragraphs,
    { kind: "action", label: t(lang, "mail.announcement.action"), url: p.url },
  ], p.brand);
}

/**
 * A reminder for an unpaid invoice (branch inv-dunning), `step` days after its due day: the
 * number, what is left to pay, the due day as people write it, and a link to the invoice.
 */
export function invoiceReminderMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; number: string; balance: string; dueOn: string; step: number; url: string }): MailMessage {
  const blocks: Block[] = [{ kind: "p", text: t(lang, "mail.invoice_reminder.intro", { number: p.number, balance: p.balance, dueOn: p.dueOn }) }];
  if (p.step >= 20) blocks.push({ kind: "p", text: t(lang, "mail.invoice_reminder.last") });
  blocks.push({ kind: "action", label: t(lang, "mail.invoice_reminder.action"), url: p.url });
  blocks.push({ kind: "small", text: t(lang, "mail.invoice_reminder.ignore") });
  return compose(lang, p.to, t(lang, "mail.invoice_reminder.subject", { community: p.community, number: p.number }), p.community, blocks, p.brand);
}

/** An invoice was issued (branch inv-core): its number, total and due day, and a link to the member's invoices. */
export function invoiceIssuedMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; number: string; total: string; dueOn: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.invoice.subject", { community: p.community, number: p.number }), p.community, [
    { kind: "p", text: t(lang, "mail.invoice.intro", { number: p.number, total: p.total, dueOn: p.dueOn }) },
    { kind: "action", label: t(lang, "mail.invoice.action"), url: p.url },
  ], p.brand);
}

/** Help desk (branch help-api): a member opened an issue; sent to each admin, with the issue's opening lines. */
export function helpIssueOpenedMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; title: string; author: string; excerpt: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.help_issue.subject", { community: p.community, title: p.title }), p.community, [
    { kind: "p", text: t(lang, "mail.help_issue.intro", { author: p.author, title: p.title }) },
    ...(p.excerpt ? [{ kind: "p" as const, text: p.excerpt }] : []),
    { kind: "action", label: t(lang, "mail.help_issue.action"), url: p.url },
  ], p.brand);
}

/** Help desk (branch help-api): a new comment on an issue one wrote or commented on. */
export function helpCommentMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; title: string; author: string; excerpt: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.help_comment.subject", { community: p.community, title: p.title }), p.community, [
    { kind: "p", text: t(lang, "mail.help_comment.intro", { author: p.author, title: p.title }) },
    ...(p.excerpt ? [{ kind: "p" as const, text: p.excerpt }] : []),
    { kind: "action", label: t(lang, "mail.help_comment.action"), url: p.url },
    { kind: "small", text: t(lang, "mail.help_comment.why") },
  ], p.brand);
}
// ── ev-api ──
export type EventMailKind = "moved" | "canceled" | "promoted" | "reminder";

/**
 * An event's notice to one registrant (branch ev-api): it moved, it was canceled, they were
 * promoted from the waitlist, or it is tomorrow. `when` is written for people in the community's
 * timezone and the recipient's language; `url` is the event's page.
 */
export function eventMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; kind: EventMailKind; title: string; when: string; location: string | null; url: string }): MailMessage {
  const blocks: Block[] = [{ kind: "p", text: t(lang, `mail.event_${p.kind}.intro`, { title: p.title, when: p.when }) }];
  if (p.location) blocks.push({ kind: "p", text: labelled(lang, t(lang, "mail.event.location"), p.location) });
  blocks.push({ kind: "action", label: t(lang, "mail.event.action"), url: p.url });
  return compose(lang, p.to, t(lang, `mail.event_${p.kind}.subject`, { community: p.community, title: p.title }), p.community, blocks, p.brand);
}
// ── end ev-api ──

/**
 * A booking confirmed or canceled (branch bk-ical): the resource, each date with its times (one
 * line per occurrence of a series), a link to the bookings, and the `.ics` attached (METHOD:REQUEST
 * to add it to a calendar, METHOD:CANCEL to take it out).
 */
export function bookingMail(
  lang: Lang,
  kind: "confirmed" | "canceled",
  p: { brand: MailBrand; to: string; community: string; resource: string; slots: string[]; url: string; ics: string },
): MailMessage {
  const key = kind === "confirmed" ? "mail.booking_confirmed" : "mail.booking_canceled";
  const intro = p.slots.length > 1 ? t(lang, `${key}.intro_series`, { resource: p.resource, count: p.slots.length }) : t(lang, `${key}.intro`, { resource: p.resource });
  const mail = compose(lang, p.to, t(lang, `${key}.subject`, { community: p.community, resource: p.resource }), p.community, [
    { kind: "p", text: intro },
    { kind: "list", items: p.slots },
    { kind: "small", text: t(lang, `${key}.calendar`) },
    { kind: "action", label: t(lang, `${key}.action`), url: p.url },
  ], p.brand);
  const method = kind === "confirmed" ? "REQUEST" : "CANCEL";
  return { ...mail, attachments: [{ filename: "booking.ics", contentType: `text/calendar; charset=utf-8; method=${method}`, content: base64Utf8(p.ics) }] };
}

/** UTF-8 text as base64 (attachments travel in base64). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** To the community's owner: an endpoint failed for 5 days and was disabled (branch webhooks). */
export function webhookDisabledMail(lang: Lang, p: { brand: MailBrand; to: string; community: string; webhookUrl: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.webhook_disabled.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.webhook_disabled.intro", { url: p.webhookUrl }) },
    { kind: "p", text: t(lang, "mail.webhook_disabled.hint") },
    { kind: "action", label: t(lang, "mail.webhook_disabled.action"), url: p.url },
  ], p.brand);
}
