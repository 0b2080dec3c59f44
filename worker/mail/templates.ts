import { closestLang, t, type Lang, type MessageKey } from "../../web/i18n";

export type MailMessage = { to: string; subject: string; text: string; html: string };

/** The catalog an email is written in: the recipient's tag, else the tenant's default (`closestLang`, as pages). */
export function mailLang(...candidates: (string | null | undefined)[]): Lang {
  return closestLang(...candidates);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

type Block = { kind: "p"; text: string } | { kind: "action"; label: string; url: string } | { kind: "small"; text: string };

/** One layout for every email: plain text for every client, simple inline-styled HTML for the rest. */
function compose(lang: Lang, to: string, subject: string, community: string, blocks: Block[]): MailMessage {
  const footer = t(lang, "mail.footer", { community });
  const text = [
    ...blocks.map((b) => (b.kind === "action" ? `${b.label}: ${b.url}` : b.text)),
    "--",
    footer,
  ].join("\n\n");
  const body = blocks
    .map((b) => {
      if (b.kind === "action") {
        return `<p style="margin:24px 0"><a href="${escapeHtml(b.url)}" style="background:#4f46e5;color:#fff;padding:12px 20px;border-radius:8px;text-decoration:none;display:inline-block">${escapeHtml(b.label)}</a></p><p style="font-size:13px;color:#555;word-break:break-all">${escapeHtml(b.url)}</p>`;
      }
      const style = b.kind === "small" ? "font-size:13px;color:#555" : "font-size:15px";
      return `<p style="${style}">${escapeHtml(b.text)}</p>`;
    })
    .join("");
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2937;background:#f6f7fb;padding:24px"><div style="max-width:560px;margin:auto;background:#fff;border-radius:12px;padding:32px"><h1 style="font-size:20px;margin-top:0">${escapeHtml(community)}</h1>${body}<hr style="border:none;border-top:1px solid #e5e7eb;margin:24px 0"><p style="font-size:12px;color:#6b7280">${escapeHtml(footer)}</p></div></body></html>`;
  return { to, subject, text, html };
}

export function passwordResetMail(lang: Lang, p: { to: string; community: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.reset.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.reset.intro", { community: p.community }) },
    { kind: "action", label: t(lang, "mail.reset.action"), url: p.url },
    { kind: "small", text: t(lang, "mail.reset.ignore") },
  ]);
}

export function welcomeMail(lang: Lang, p: { to: string; name: string; community: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.welcome.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.welcome.intro", { name: p.name, community: p.community }) },
    { kind: "action", label: t(lang, "mail.welcome.action"), url: p.url },
  ]);
}

export function approvalNeededMail(lang: Lang, p: { to: string; name: string; email: string; community: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.approval.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.approval.intro", { name: p.name, email: p.email, community: p.community }) },
    { kind: "action", label: t(lang, "mail.approval.action"), url: p.url },
  ]);
}

export function accountApprovedMail(lang: Lang, p: { to: string; name: string; community: string; url: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.account_approved.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.account_approved.intro", { name: p.name, community: p.community }) },
    { kind: "action", label: t(lang, "mail.account_approved.action"), url: p.url },
  ]);
}

export function accountDeclinedMail(lang: Lang, p: { to: string; name: string; community: string }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.account_declined.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, "mail.account_declined.intro", { name: p.name, community: p.community }) },
  ]);
}

export function invitationMail(
  lang: Lang,
  p: { to: string; community: string; inviter: string | null; message: string | null; groups: string[]; url: string; expiresAt: number; timezone: string; reminder: boolean },
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
  return compose(lang, p.to, subject, p.community, blocks);
}

/** A group admin invites someone who already has an account: sign in, then accept or decline. */
export function groupInvitationMail(
  lang: Lang,
  p: { to: string; name: string; community: string; inviter: string | null; message: string | null; groups: string[]; url: string; expiresAt: number; timezone: string },
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
  return compose(lang, p.to, t(lang, "mail.group_invite.subject", { groups, community: p.community }), p.community, blocks);
}

export function accountCreatedMail(lang: Lang, p: { to: string; name: string; community: string; url: string; hasPassword: boolean; login: string }): MailMessage {
  const blocks: Block[] = [
    { kind: "p", text: t(lang, "mail.account.intro", { name: p.name, community: p.community }) },
    { kind: "p", text: t(lang, p.hasPassword ? "mail.account.has_password" : "mail.account.choose_password", { email: p.to }) },
    { kind: "action", label: t(lang, "mail.account.action"), url: p.url },
    { kind: "small", text: t(lang, "mail.account.expires", { login: p.login }) },
  ];
  return compose(lang, p.to, t(lang, "mail.account.subject", { community: p.community }), p.community, blocks);
}

/** `requested`: the person asked for it (15 minutes); otherwise an admin sent it (an hour). */
export function loginLinkMail(lang: Lang, p: { to: string; name: string; community: string; url: string; requested?: boolean }): MailMessage {
  return compose(lang, p.to, t(lang, "mail.login_link.subject", { community: p.community }), p.community, [
    { kind: "p", text: t(lang, p.requested ? "mail.login_link.intro_requested" : "mail.login_link.intro", { name: p.name, community: p.community }) },
    { kind: "action", label: t(lang, "mail.login_link.action"), url: p.url },
    { kind: "small", text: t(lang, p.requested ? "mail.login_link.ignore_requested" : "mail.login_link.ignore") },
  ]);
}

export type { MessageKey };

export function mentionMail(
  lang: Lang,
  p: { to: string; who: string; group: string; community: string; title: string; excerpt: string; url: string },
): MailMessage {
  return compose(lang, p.to, t(lang, "mail.mention.subject", { who: p.who, group: p.group }), p.community, [
    { kind: "p", text: t(lang, "mail.mention.intro", { who: p.who, group: p.group, title: p.title }) },
    { kind: "small", text: p.excerpt },
    { kind: "action", label: t(lang, "mail.mention.action"), url: p.url },
  ]);
}
