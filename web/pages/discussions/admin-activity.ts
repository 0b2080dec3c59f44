import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang, type MessageKey } from "../../i18n";
import { formatDate, formatNumber } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import type { ActivityDay, ActivityView } from "./types";
import { adminGroupPath, Avatar } from "../groups/shared";
import type { GroupView } from "../groups/types";
import { GroupAdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";

export type GroupActivityPageProps = { ctx: PageContext; group: GroupView; days: 7 | 30 | 90; activity: ActivityView };

const PERIODS = [7, 30, 90] as const;

type Series = { id: "members" | "posts" | "messages"; label: MessageKey; value: (d: ActivityDay) => number };

const SERIES: Series[] = [
  { id: "members", label: "activity.chart.members", value: (d) => d.newMembers },
  { id: "posts", label: "activity.chart.posts", value: (d) => d.threads + d.replies },
  { id: "messages", label: "activity.chart.messages", value: (d) => d.messages },
];

/** A day of the period ("2025-03-12") in the reader's words; a calendar date, so read in UTC. */
function dayLabel(lang: Lang, date: string, long = false): string {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T12:00:00Z` : date;
  return long ? formatDate(lang, iso, { timeZone: "UTC" }) : formatDate(lang, iso, { timeZone: "UTC", short: true });
}

function PeriodSwitch({ lang, group, days }: { lang: Lang; group: GroupView; days: number }): VNode {
  return html`<nav class="period-switch" aria-label=${t(lang, "activity.period_label")}>
    <ul class="segmented">
      ${PERIODS.map(
        (p) => html`<li>
          <a class="segment" href=${`${adminGroupPath(group.slug)}/activity?days=${p}`} aria-current=${p === days ? "page" : undefined}>
            ${t(lang, "activity.period_days", { count: p })}
          </a>
        </li>`,
      )}
    </ul>
  </nav>`;
}

function Tiles({ lang, activity }: { lang: Lang; activity: ActivityView }): VNode {
  const tiles: { key: MessageKey; value: number; tone?: string }[] = [
    { key: "activity.tile.members", value: activity.members.total },
    { key: "activity.tile.new_members", value: activity.members.new, tone: "members" },
    { key: "activity.tile.threads", value: activity.totals.threads, tone: "posts" },
    { key: "activity.tile.replies", value: activity.totals.replies, tone: "posts" },
    { key: "activity.tile.messages", value: activity.totals.messages, tone: "messages" },
  ];
  return html`<ul class="stat-tiles">
    ${tiles.map(
      (tile) => html`<li class=${tile.tone ? `card stat-tile stat-${tile.tone}` : "card stat-tile"}>
        <span class="stat-value">${formatNumber(lang, tile.value)}</span>
        <span class="stat-label">${t(lang, tile.key)}</span>
      </li>`,
    )}
  </ul>`;
}

/** One series as bars, one per day; the numbers are in the table below, so the drawing is hidden from assistive technology. */
function Bars({ lang, series, days }: { lang: Lang; series: Series; days: ActivityDay[] }): VNode {
  const values = days.map(series.value);
  const max = Math.max(0, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const n = Math.max(1, days.length);
  const slot = 10;
  const gap = n > 45 ? 2 : n > 14 ? 3 : 4;
  const chartH = 100;
  return html`<div class=${`chart-row chart-${series.id}`}>
    <div class="chart-legend">
      <span class="chart-swatch" aria-hidden="true"></span>
      <span class="chart-name">${t(lang, series.label)}</span>
      <span class="chart-total">${t(lang, "activity.chart.total", { count: formatNumber(lang, total) })}</span>
    </div>
    <div class="chart-plot">
      <svg class="chart-svg" viewBox=${`0 0 ${n * slot} ${chartH}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        <line class="chart-base" x1="0" y1=${chartH} x2=${n * slot} y2=${chartH} />
        ${values.map((v, i) => {
          if (v <= 0 || max === 0) return null;
          const h = Math.max(3, (v / max) * (chartH - 2));
          return html`<rect class="chart-bar" x=${i * slot + gap / 2} y=${chartH - h} width=${slot - gap} height=${h}>
            <title>${dayLabel(lang, days[i]!.date)} · ${formatNumber(lang, v)}</title>
          </rect>`;
        })}
      </svg>
      <span class="chart-max" aria-hidden="true">${formatNumber(lang, max)}</span>
    </div>
  </div>`;
}

function Chart({ lang, days, activity }: { lang: Lang; days: number; activity: ActivityView }): VNode {
  const list = activity.days;
  const first = list[0];
  const last = list[list.length - 1];
  return html`<section class="card activity-chart" aria-labelledby="chart-title">
    <h2 class="card-title" id="chart-title">${t(lang, "activity.chart.title")}</h2>
    <figure class="chart-figure">
      ${SERIES.map((series) => Bars({ lang, series, days: list }))}
      ${first && last && html`<div class="chart-axis" aria-hidden="true">
        <span>${dayLabel(lang, first.date)}</span><span>${dayLabel(lang, last.date)}</span>
      </div>`}
      <figcaption class="chart-caption">
        ${t(lang, "activity.chart.caption", {
          days,
          members: formatNumber(lang, activity.members.new),
          posts: formatNumber(lang, activity.totals.threads + activity.totals.replies),
          messages: formatNumber(lang, activity.totals.messages),
        })}
      </figcaption>
    </figure>
    <details class="chart-data">
      <summary>${t(lang, "activity.chart.show_table")}</summary>
      <div class="chart-table-wrap">
        ${DataTable({
          className: "table table-stack-sm chart-table",
          caption: t(lang, "activity.chart.table_caption", { days }),
          columns: [t(lang, "activity.col.day"), ...SERIES.map((s) => ({ title: t(lang, s.label), className: "num" }))],
          children: [...list].reverse().map(
            (d) => html`<tr>
              <th scope="row">${dayLabel(lang, d.date, true)}</th>
              ${SERIES.map((s) => html`<td class="num" data-label=${t(lang, s.label)}>${formatNumber(lang, s.value(d))}</td>`)}
            </tr>`,
          ),
        })}
      </div>
    </details>
  </section>`;
}

function MostActive({ lang, activity, days }: { lang: Lang; activity: ActivityView; days: number }): VNode {
  return html`<section class="admin-panel" aria-labelledby="active-title">
    <div class="section-head">
      <h2 id="active-title">${t(lang, "activity.active.title")}</h2>
      <p class="section-intro">${t(lang, "activity.active.intro", { days })}</p>
    </div>
    ${activity.mostActive.length
      ? html`<div class="card table-card">
          <div class="table-scroll">
            ${DataTable({
              className: "table table-stack-sm active-table",
              caption: t(lang, "activity.active.caption", { days }),
              columns: [
                t(lang, "activity.col.member"),
                ...(["threads", "replies", "messages"] as const).map((col) => ({ title: t(lang, `activity.col.${col}`), className: "num" })),
              ],
              children: activity.mostActive.map(
                (m) => html`<tr>
                  <th scope="row" class="cell-person">
                    <span class="person">
                      ${Avatar({ id: m.userId, name: m.name })}
                      <span class="person-name">${m.name}</span>
                    </span>
                  </th>
                  <td class="num" data-label=${t(lang, "activity.col.threads")}>${formatNumber(lang, m.threads)}</td>
                  <td class="num" data-label=${t(lang, "activity.col.replies")}>${formatNumber(lang, m.replies)}</td>
                  <td class="num" data-label=${t(lang, "activity.col.messages")}>${formatNumber(lang, m.messages)}</td>
                </tr>`,
              ),
            })}
          </div>
        </div>`
      : html`<p class="empty">${t(lang, "activity.active.empty")}</p>`}
  </section>`;
}

/** /admin/groups/{slug}/activity: what happened in the group over the last 7, 30 or 90 days. */
export function GroupActivityPage({ ctx, group, days, activity }: GroupActivityPageProps): VNode {
  const { lang } = ctx;
  return GroupAdminShell({
    ctx,
    group,
    viewingAsMember: false,
    children: html`
      <section class="admin-panel activity-page" aria-labelledby="activity-title">
        <div class="section-head split-row activity-head">
          <div>
            <h2 id="activity-title">${t(lang, "activity.title")}</h2>
            <p class="section-intro">${tCount(lang, "activity.intro", days)}</p>
          </div>
          ${PeriodSwitch({ lang, group, days })}
        </div>
        ${Tiles({ lang, activity })}
      </section>
      ${Chart({ lang, days, activity })}
      ${MostActive({ lang, activity, days })}
    `,
  });
}
