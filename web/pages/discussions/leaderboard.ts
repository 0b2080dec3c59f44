import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { LevelBadge } from "../../ui/level-badge";
import type { PageContext } from "../../ui/page";
import type { GamificationView, LeaderboardEntry, LevelView } from "./types";
import { GroupSubpageHead } from "./moderation";
import { Avatar } from "../groups/shared";
import type { GroupView } from "../groups/types";
import { formatNumber } from "../../ui/format";

export type LeaderboardPageProps = {
  ctx: PageContext;
  group: GroupView;
  entries: LeaderboardEntry[];
  gamification: GamificationView;
  me: { userId: string; points: number; level: LevelView | null; next: LevelView | null };
};

/** How far `points` has gone from the current level's threshold to the next one, 0–100. */
export function levelProgress(points: number, level: LevelView | null, next: LevelView | null): number {
  if (!next) return 100;
  const from = level?.minPoints ?? 0;
  const span = next.minPoints - from;
  if (span <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round(((points - from) / span) * 100)));
}

/** The level's badge, or its number in a quiet circle when it unlocks none. */
function LevelMark({ level }: { level: LevelView }): VNode {
  return level.badge
    ? html`<span class="level-mark" aria-hidden="true">${level.badge}</span>`
    : html`<span class="level-mark level-mark-number" aria-hidden="true">${level.level}</span>`;
}

function Ranking({ ctx, entries, me }: { ctx: PageContext; entries: LeaderboardEntry[]; me: LeaderboardPageProps["me"] }): VNode {
  const { lang } = ctx;
  if (!entries.length) {
    return html`<div class="empty">
      <p class="empty-title">${t(lang, "levels.board.empty")}</p>
      <p class="empty-text">${t(lang, "levels.board.empty_hint")}</p>
    </div>`;
  }
  return html`<ol class="card leaderboard">
    ${entries.map((entry) => {
      const mine = entry.userId === me.userId;
      const podium = entry.rank <= 3 ? ` is-podium is-rank-${entry.rank}` : "";
      return html`<li class=${`board-row${podium}${mine ? " is-me" : ""}`} aria-current=${mine ? "true" : undefined}>
        <span class="board-rank">
          <span class="sr-only">${t(lang, "levels.board.rank_sr")} </span>${formatNumber(lang, entry.rank)}
        </span>
        ${Avatar({ id: entry.userId, name: entry.name, url: entry.avatarUrl })}
        <span class="board-who">
          <span class="board-name">
            ${entry.name} ${LevelBadge({ level: entry.level })}
            ${mine && html` <span class="badge board-you">${t(lang, "levels.board.you")}</span>`}
          </span>
          ${entry.level && html`<span class="board-level">${entry.level.name}</span>`}
        </span>
        <span class="board-points">${tCount(lang, "levels.points", entry.points)}</span>
      </li>`;
    })}
  </ol>`;
}

function ProgressCard({ lang, me }: { lang: Lang; me: LeaderboardPageProps["me"] }): VNode {
  const percent = levelProgress(me.points, me.level, me.next);
  const left = me.next ? Math.max(0, me.next.minPoints - me.points) : 0;
  return html`<section class="card side-card progress-card" aria-labelledby="progress-title">
    <h2 class="side-title" id="progress-title">${t(lang, "levels.progress.title")}</h2>
    <p class="progress-points">
      <span class="progress-number">${formatNumber(lang, me.points)}</span>
      <span class="progress-unit">${tCount(lang, "levels.points_unit", me.points)}</span>
    </p>
    <p class="progress-level">
      ${me.level
        ? html`${LevelMark({ level: me.level })}
            <span>${t(lang, "levels.progress.current", { level: me.level.name })}</span>`
        : html`<span class="muted">${t(lang, "levels.progress.no_level")}</span>`}
    </p>
    ${me.next
      ? html`<div class="progress-track" aria-hidden="true"><svg class="progress-svg" viewBox="0 0 100 8" preserveAspectRatio="none" focusable="false">
            <rect class="progress-rest" x="0" y="0" width="100" height="8" rx="4" />
            ${percent > 0 && html`<rect class="progress-done" x="0" y="0" width=${String(percent)} height="8" rx="4" />`}
          </svg></div>
          <p class="progress-next">
            ${tCount(lang, "levels.progress.left", left, { level: me.next.name })}
          </p>`
      : me.level && html`<p class="progress-next progress-top">${t(lang, "levels.progress.top")}</p>`}
  </section>`;
}

function EarnCard({ lang, gamification }: { lang: Lang; gamification: GamificationView }): VNode {
  const rules = [
    { key: "levels.earn.thread", points: gamification.points.thread },
    { key: "levels.earn.reply", points: gamification.points.reply },
    { key: "levels.earn.reaction", points: gamification.points.reactionReceived },
  ] as const;
  return html`<section class="card side-card earn-card" aria-labelledby="earn-title">
    <h2 class="side-title" id="earn-title">${t(lang, "levels.earn.title")}</h2>
    <ul class="earn-list">
      ${rules.map(
        (rule) => html`<li class="earn-item">
          <span>${t(lang, rule.key)}</span>
          <span class="earn-points">${tCount(lang, "levels.earn.plus", rule.points)}</span>
        </li>`,
      )}
    </ul>
  </section>`;
}

function LevelsCard({ lang, levels, me }: { lang: Lang; levels: LevelView[]; me: LeaderboardPageProps["me"] }): VNode {
  const sorted = [...levels].sort((a, b) => a.minPoints - b.minPoints);
  return html`<section class="card side-card levels-card" aria-labelledby="levels-title">
    <h2 class="side-title" id="levels-title">${t(lang, "levels.list.title")}</h2>
    ${sorted.length
      ? html`<p class="side-intro">${t(lang, "levels.list.intro")}</p>
          <ol class="level-list">
            ${sorted.map((level) => {
              const reached = me.points >= level.minPoints;
              return html`<li class=${reached ? "level-item is-reached" : "level-item"}>
                ${LevelMark({ level })}
                <span class="level-text">
                  <span class="level-name">${level.name}</span>
                  <span class="level-from">${tCount(lang, "levels.list.from", level.minPoints)}</span>
                </span>
                ${reached
                  ? html`<span class="level-state is-reached">${t(lang, "levels.list.reached")}</span>`
                  : html`<span class="level-state">${t(lang, "levels.list.locked")}</span>`}
              </li>`;
            })}
          </ol>`
      : html`<p class="muted">${t(lang, "levels.list.empty")}</p>`}
  </section>`;
}

/** /g/{slug}/leaderboard: the group's members by points, the viewer's progress and how levels work. */
export function LeaderboardPage({ ctx, group, entries, gamification, me }: LeaderboardPageProps): VNode {
  const { lang } = ctx;
  return html`<div class="group-page subpage leaderboard-page">
    <div class="container">
      ${GroupSubpageHead({ ctx, group, title: t(lang, "levels.board.title"), intro: t(lang, "levels.board.intro") })}
      <div class="leaderboard-layout">
        ${ProgressCard({ lang, me })}
        <section class="leaderboard-ranking" aria-labelledby="ranking-title">
          <h2 class="sr-only" id="ranking-title">${t(lang, "levels.board.ranking")}</h2>
          ${Ranking({ ctx, entries, me })}
        </section>
        ${EarnCard({ lang, gamification })}
        ${LevelsCard({ lang, levels: gamification.levels, me })}
      </div>
    </div>
  </div>`;
}
