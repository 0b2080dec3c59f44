import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, ButtonLink } from "../../ui/components";
import { PersonItem } from "../../ui/avatar";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import type { MuteView, ReportView, TargetType } from "./types";
import { Avatar, GroupLogo, groupPath } from "../groups/shared";
import type { GroupView } from "../groups/types";
import { PersonListSection } from "../../ui/person-list";

export type ModerationStatus = "open" | "dismissed" | "actioned" | "all";

export type ModerationPageProps = {
  ctx: PageContext;
  group: GroupView;
  status: ModerationStatus;
  reports: ReportView[];
  nextCursor: string | null;
  mutes: MuteView[];
  notice?: string;
};

const STATUSES: readonly ModerationStatus[] = ["open", "dismissed", "actioned", "all"];

/** How long a mute lasts, in minutes, as the form offers it. */
export const MUTE_MINUTES = [60, 1440, 10080, 43200] as const;

const MUTE_KEYS: Record<(typeof MUTE_MINUTES)[number], MessageKey> = {
  60: "moderation.mute.for_hour",
  1440: "moderation.mute.for_day",
  10080: "moderation.mute.for_week",
  43200: "moderation.mute.for_month",
};

const TARGET_KEYS: Record<TargetType, MessageKey> = {
  thread: "moderation.target.thread",
  reply: "moderation.target.reply",
  message: "moderation.target.message",
};

const LINK_KEYS: Record<TargetType, MessageKey> = {
  thread: "moderation.open.thread",
  reply: "moderation.open.reply",
  message: "moderation.open.message",
};

const EMPTY_KEYS: Record<ModerationStatus, MessageKey> = {
  open: "moderation.empty.open",
  dismissed: "moderation.empty.dismissed",
  actioned: "moderation.empty.actioned",
  all: "moderation.empty.all",
};

/**
 * The head of a page under a group (moderation, leaderboard): a way back to the group,
 * its logo and name, and the page's own title.
 */
export function GroupSubpageHead({
  ctx,
  group,
  title,
  intro,
  children,
}: {
  ctx: PageContext;
  group: GroupView;
  title: string;
  intro?: string;
  children?: ComponentChildren;
}): VNode {
  return html`<header class="subpage-head">
    <p class="subpage-back"><a href=${groupPath(group.slug)}>${t(ctx.lang, "moderation.back_to_group", { group: group.name })}</a></p>
    <div class="subpage-title-row">
      ${GroupLogo({ group, className: "subpage-logo" })}
      <div class="subpage-title-text">
        <h1 class="page-title subpage-title">${title}</h1>
        ${intro && html`<p class="subpage-intro">${intro}</p>`}
      </div>
      ${children}
    </div>
  </header>`;
}

/** Where the reported content lives, or null when there is nothing left to open. */
function targetHref(slug: string, report: ReportView): string | null {
  const base = groupPath(slug);
  if (report.target.deleted) return null;
  switch (report.targetType) {
    case "thread":
      return `${base}/t/${encodeURIComponent(report.targetId)}`;
    case "reply":
      return report.threadId
        ? `${base}/t/${encodeURIComponent(report.threadId)}#reply-${encodeURIComponent(report.targetId)}`
        : null;
    case "message":
      return `${base}/chat`;
  }
}

function statusHref(slug: string, status: ModerationStatus, cursor?: string): string {
  const params = new URLSearchParams({ status });
  if (cursor) params.set("cursor", cursor);
  return `${groupPath(slug)}/moderation?${params.toString()}`;
}

function StatusTabs({ lang, group, status }: { lang: Lang; group: GroupView; status: ModerationStatus }): VNode {
  return html`<nav class="tabs-nav subpage-tabs" aria-label=${t(lang, "moderation.filter_label")}>
    <ul class="tabs">
      ${STATUSES.map(
        (s) => html`<li>
          <a class="tab" href=${statusHref(group.slug, s)} aria-current=${s === status ? "page" : undefined}>
            ${t(lang, `moderation.status.${s}`)}
          </a>
        </li>`,
      )}
    </ul>
  </nav>`;
}

function MuteForm({ lang, group, report }: { lang: Lang; group: GroupView; report: ReportView }): VNode {
  const author = report.target.author;
  const id = `mute-${report.id}`;
  return html`<details class="mute-disclosure">
    <summary class="btn btn-ghost btn-sm mute-summary">
      ${t(lang, "moderation.mute.open", { name: author.name })}
    </summary>
    <form class="mute-form" method="post" action=${`${groupPath(group.slug)}/mutes`}>
      <input type="hidden" name="userId" value=${author.userId} />
      <p class="mute-help">${t(lang, "moderation.mute.help")}</p>
      <div class="field">
        <label class="label" for=${`${id}-minutes`}>${t(lang, "moderation.mute.duration")}</label>
        <select class="input select" id=${`${id}-minutes`} name="minutes">
          ${MUTE_MINUTES.map((m) => html`<option value=${String(m)} selected=${m === 1440}>${t(lang, MUTE_KEYS[m])}</option>`)}
        </select>
      </div>
      <div class="field">
        <label class="label" for=${`${id}-reason`}>
          ${t(lang, "moderation.mute.reason")} <span class="label-tag">${t(lang, "form.optional_tag")}</span>
        </label>
        <input class="input" id=${`${id}-reason`} name="reason" type="text" maxlength="500" autocomplete="off" />
      </div>
      <div>${Button({ children: t(lang, "moderation.mute.submit", { name: author.name }), variant: "secondary", size: "sm" })}</div>
    </form>
  </details>`;
}

function ReportCard({
  ctx,
  group,
  report,
  mutedUntil,
}: {
  ctx: PageContext;
  group: GroupView;
  report: ReportView;
  mutedUntil: string | null;
}): VNode {
  const { lang } = ctx;
  const tz = ctx.tenant?.timezone;
  const { target } = report;
  const href = targetHref(group.slug, report);
  const back = `${groupPath(group.slug)}/moderation`;
  const hidden = { targetType: report.targetType, targetId: report.targetId, back };
  const open = report.status === "open";
  const authorIsViewer = ctx.user?.id === target.author.userId;
  const titleId = `report-${report.id}-title`;
  return html`<li>
    <article class=${`card report-card report-${report.status}`} aria-labelledby=${titleId}>
      <div class="report-head">
        <h2 class="report-kind" id=${titleId}>${t(lang, TARGET_KEYS[report.targetType])}</h2>
        <span class="report-marks">
          ${target.deleted
            ? html`<span class="badge badge-danger">${t(lang, "moderation.mark.deleted")}</span>`
            : target.hidden && html`<span class="badge report-mark-hidden">${t(lang, "moderation.mark.hidden")}</span>`}
          ${report.status !== "open" &&
          html`<span class=${`badge report-status report-status-${report.status}`}>${t(lang, `moderation.status_one.${report.status}`)}</span>`}
        </span>
      </div>
      <figure class="report-content">
        ${target.excerpt.trim()
          ? html`<blockquote class="report-excerpt">${target.excerpt}</blockquote>`
          : html`<p class="report-excerpt report-excerpt-empty">${t(lang, "moderation.no_excerpt")}</p>`}
        <figcaption class="report-author">
          ${Avatar({ id: target.author.userId, name: target.author.name })}
          <span>${t(lang, "moderation.posted_by", { name: target.author.name })}</span>
          ${mutedUntil &&
          html`<span class="badge badge-quiet">${t(lang, "moderation.muted_until", { date: formatDate(lang, mutedUntil, { timeZone: tz, time: true }) })}</span>`}
        </figcaption>
      </figure>
      <div class="report-why">
        <p class="report-reason">
          <span class="report-reason-label">${t(lang, "moderation.reason")}</span>
          ${" "}${report.reason.trim() ? report.reason : html`<span class="muted">${t(lang, "moderation.no_reason")}</span>`}
        </p>
        <p class="report-meta">
          ${t(lang, "moderation.reported_by", {
            name: report.reporter.name,
            date: formatDate(lang, report.createdAt, { timeZone: tz, time: true }),
          })}
          ${report.decidedAt &&
          html`<br />${t(lang, report.status === "dismissed" ? "moderation.dismissed_on" : "moderation.actioned_on", {
              date: formatDate(lang, report.decidedAt, { timeZone: tz, time: true }),
            })}`}
        </p>
        ${href &&
        html`<p class="report-link"><a href=${href}>${t(lang, LINK_KEYS[report.targetType])}</a></p>`}
      </div>
      ${open &&
      html`<div class="report-actions">
        <div class="report-buttons">
          ${!target.hidden &&
          !target.deleted &&
          ActionForm({
            action: `${groupPath(group.slug)}/moderation/hide`,
            hidden,
            children: t(lang, "moderation.hide"),
            label: t(lang, "moderation.hide_label", { name: target.author.name }),
          })}
          ${!target.deleted &&
          ActionForm({
            action: `${groupPath(group.slug)}/moderation/delete`,
            hidden,
            variant: "danger",
            children: t(lang, "moderation.delete"),
            label: t(lang, "moderation.delete_label", { name: target.author.name }),
          })}
          ${ActionForm({
            action: `${groupPath(group.slug)}/reports/${encodeURIComponent(report.id)}/dismiss`,
            variant: "ghost",
            children: t(lang, "moderation.dismiss"),
            label: t(lang, "moderation.dismiss_label", { name: report.reporter.name }),
          })}
        </div>
        ${!mutedUntil && !authorIsViewer && MuteForm({ lang, group, report })}
      </div>`}
    </article>
  </li>`;
}

function MutedMembers({ ctx, group, mutes }: { ctx: PageContext; group: GroupView; mutes: MuteView[] }): VNode {
  const { lang } = ctx;
  return PersonListSection({
    id: "mutes-title",
    className: "subpage-section",
    title: t(lang, "moderation.mutes.title"),
    intro: t(lang, "moderation.mutes.intro"),
    listClass: "mute-list",
    empty: t(lang, "moderation.mutes.empty"),
    items: mutes.map((mute) =>
      PersonItem({
        className: "mute-item",
        person: mute,
        since: t(lang, "moderation.muted_until", { date: formatDate(lang, mute.until, { timeZone: ctx.tenant?.timezone, time: true }) }),
        more: mute.reason && html`<span class="mute-reason">${mute.reason}</span>`,
        action: ActionForm({
          action: `${groupPath(group.slug)}/mutes/${encodeURIComponent(mute.userId)}/delete`,
          children: t(lang, "moderation.unmute"),
          label: t(lang, "moderation.unmute_label", { name: mute.name }),
        }),
      }),
    ),
  });
}

/** /g/{slug}/moderation: the reports of a group's members and who is muted, for moderators and up. */
export function ModerationPage({ ctx, group, status, reports, nextCursor, mutes, notice }: ModerationPageProps): VNode {
  const { lang } = ctx;
  const mutedUntil = new Map(mutes.map((m) => [m.userId, m.until]));
  return html`<div class="group-page subpage moderation-page">
    <div class="container">
      ${GroupSubpageHead({ ctx, group, title: t(lang, "moderation.title"), intro: t(lang, "moderation.intro") })}
      ${notice && Alert({ tone: "success", children: notice })}
      <section class="subpage-section" aria-labelledby="reports-title">
        <h2 class="sr-only" id="reports-title">${t(lang, "moderation.reports_title")}</h2>
        ${StatusTabs({ lang, group, status })}
        ${reports.length
          ? html`<ol class="report-list">
              ${reports.map((report) =>
                ReportCard({ ctx, group, report, mutedUntil: mutedUntil.get(report.target.author.userId) ?? null }),
              )}
            </ol>`
          : html`<div class="empty moderation-empty">
              <p class="empty-title">${t(lang, EMPTY_KEYS[status])}</p>
              ${status === "open" && html`<p class="empty-text">${t(lang, "moderation.empty.open_hint")}</p>`}
            </div>`}
        ${nextCursor &&
        html`<p class="more-row">
          ${ButtonLink({ href: statusHref(group.slug, status, nextCursor), variant: "secondary", children: t(lang, "moderation.more") })}
        </p>`}
      </section>
      ${MutedMembers({ ctx, group, mutes })}
    </div>
  </div>`;
}
