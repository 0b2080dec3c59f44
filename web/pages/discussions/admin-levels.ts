import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang, type MessageKey } from "../../i18n";
import { Button, Field, FormSection } from "../../ui/components";
import { fieldMessages } from "../../ui/fields";
import { LevelBadge } from "../../ui/level-badge";
import type { PageContext } from "../../ui/page";
import type { GamificationView, LeaderboardEntry, LevelView } from "./types";
import { adminGroupPath, groupPath } from "../groups/shared";
import type { GroupView } from "../groups/types";
import { GroupAdminShell } from "../../ui/admin-layout";
import { formatNumber } from "../../ui/format";

export type GroupLevelsPageProps = {
  ctx: PageContext;
  group: GroupView;
  gamification: GamificationView;
  leaderboard: LeaderboardEntry[];
  form?: { values: Record<string, string>; errors: Record<string, string> };
  notice?: string;
};

export const MAX_LEVELS = 10;
export const POINTS_MAX = 1000;
export const LEVEL_NAME_MAX = 40;
export const LEVEL_BADGE_MAX = 8;
/** Empty rows offered after the stored levels, so adding one works without JavaScript. */
const EXTRA_LEVEL_ROWS = 2;
const MIN_LEVEL_ROWS = 4;
const PREVIEW_SIZE = 10;

/** A whole number of points: like Field, with the bounds the server enforces. */
function NumberField({
  name,
  label,
  value,
  error,
  hint,
  min,
  max,
  compact,
}: {
  name: string;
  label: string;
  value: string | undefined;
  error: string | undefined;
  hint?: string;
  min: number;
  max?: number;
  compact?: boolean;
}): VNode {
  const id = `field-${name}`;
  const messages = fieldMessages(id, { hint, error });
  return html`<div class=${[`field`, compact && "field-compact", error && "has-error"].filter(Boolean).join(" ")}>
    <label class="label" for=${id}>${label}</label>
    <input
      class="input input-number"
      id=${id}
      name=${name}
      type="number"
      inputmode="numeric"
      min=${min}
      max=${max}
      step="1"
      value=${value}
      autocomplete="off"
      aria-describedby=${messages.describedby}
      aria-invalid=${error ? "true" : undefined}
    />
    ${messages.nodes}
  </div>`;
}

function PointsFields({
  lang,
  values,
  errors,
}: {
  lang: Lang;
  values: Record<string, string | undefined>;
  errors: Record<string, string>;
}): VNode {
  const fields: { name: string; label: MessageKey }[] = [
    { name: "points_thread", label: "levels.admin.points_thread" },
    { name: "points_reply", label: "levels.admin.points_reply" },
    { name: "points_reaction", label: "levels.admin.points_reaction" },
  ];
  return FormSection({
    legend: t(lang, "levels.admin.points_title"),
    hint: t(lang, "levels.admin.points_hint", { max: POINTS_MAX }),
    children: html`<div class="points-grid">
      ${fields.map((f) =>
        NumberField({ name: f.name, label: t(lang, f.label), value: values[f.name], error: errors[f.name], min: 0, max: POINTS_MAX }),
      )}
    </div>`,
  });
}

function LevelRows({
  lang,
  levels,
  values,
  errors,
}: {
  lang: Lang;
  levels: LevelView[];
  values: Record<string, string> | null;
  errors: Record<string, string>;
}): VNode {
  let highest = -1;
  for (const key of Object.keys(values ?? {})) {
    const m = /^level_(?:name|min|badge)_(\d+)$/.exec(key);
    if (m && (values?.[key] ?? "").trim() !== "") highest = Math.max(highest, Number(m[1]));
  }
  const count = Math.min(MAX_LEVELS, Math.max(MIN_LEVEL_ROWS, levels.length + EXTRA_LEVEL_ROWS, highest + 1 + (values ? 1 : 0)));
  return FormSection({
    legend: t(lang, "levels.admin.levels_title"),
    hint: t(lang, "levels.admin.levels_hint", { max: MAX_LEVELS }),
    error: errors.levels,
    errorId: "levels-error",
    children: html`<ol class="repeat-list level-rows">
      ${Array.from({ length: count }, (_, i) => {
        const stored = levels[i];
        const name = values ? values[`level_name_${i}`] : stored?.name;
        const min = values ? values[`level_min_${i}`] : stored ? String(stored.minPoints) : undefined;
        const badge = values ? values[`level_badge_${i}`] : (stored?.badge ?? undefined);
        return html`<li class="repeat-row level-row">
          <p class="level-row-number" aria-hidden="true">${i + 1}</p>
          ${Field({
            name: `level_name_${i}`,
            label: t(lang, "levels.admin.level_name", { n: i + 1 }),
            value: name,
            maxlength: LEVEL_NAME_MAX,
            autocomplete: "off",
            error: errors[`level_name_${i}`],
          })}
          ${NumberField({
            name: `level_min_${i}`,
            label: t(lang, "levels.admin.level_min"),
            value: min,
            error: errors[`level_min_${i}`],
            min: 0,
            compact: true,
          })}
          ${Field({
            name: `level_badge_${i}`,
            label: t(lang, "levels.admin.level_badge"),
            value: badge,
            maxlength: LEVEL_BADGE_MAX,
            autocomplete: "off",
            error: errors[`level_badge_${i}`],
          })}
        </li>`;
      })}
    </ol>`,
  });
}

function Preview({ ctx, group, leaderboard }: { ctx: PageContext; group: GroupView; leaderboard: LeaderboardEntry[] }): VNode {
  const { lang } = ctx;
  const top = leaderboard.slice(0, PREVIEW_SIZE);
  return html`<section class="card side-card levels-preview" aria-labelledby="preview-title">
    <h2 class="side-title" id="preview-title">${t(lang, "levels.admin.preview_title")}</h2>
    <p class="side-intro">${t(lang, "levels.admin.preview_intro")}</p>
    ${top.length
      ? html`<ol class="preview-board">
          ${top.map(
            (entry) => html`<li class=${entry.rank <= 3 ? `preview-row is-podium is-rank-${entry.rank}` : "preview-row"}>
              <span class="board-rank"><span class="sr-only">${t(lang, "levels.board.rank_sr")} </span>${formatNumber(lang, entry.rank)}</span>
              <span class="board-who">
                <span class="board-name">${entry.name} ${LevelBadge({ level: entry.level })}</span>
                ${entry.level && html`<span class="board-level">${entry.level.name}</span>`}
              </span>
              <span class="board-points">${tCount(lang, "levels.points", entry.points)}</span>
            </li>`,
          )}
        </ol>`
      : html`<p class="muted">${t(lang, "levels.board.empty")}</p>`}
    <p class="side-more"><a href=${`${groupPath(group.slug)}/leaderboard`}>${t(lang, "levels.admin.preview_link")}</a></p>
  </section>`;
}

/** /admin/groups/{slug}/levels: what posts and reactions are worth, and the levels members reach. */
export function GroupLevelsPage({ ctx, group, gamification, leaderboard, form, notice }: GroupLevelsPageProps): VNode {
  const { lang } = ctx;
  const errors = form?.errors ?? {};
  const levels = [...gamification.levels].sort((a, b) => a.minPoints - b.minPoints);
  const pointValues: Record<string, string | undefined> = form
    ? form.values
    : {
        points_thread: String(gamification.points.thread),
        points_reply: String(gamification.points.reply),
        points_reaction: String(gamification.points.reactionReceived),
      };
  return GroupAdminShell({
    ctx,
    group,
    viewingAsMember: false,
    notice,
    errors,
    children: html`
      <div class="section-head">
        <h2>${t(lang, "levels.admin.title")}</h2>
        <p class="section-intro">${t(lang, "levels.admin.intro")}</p>
      </div>
      <div class="levels-layout">
        <form class="form admin-form levels-form" method="post" action=${`${adminGroupPath(group.slug)}/levels`}>
          ${PointsFields({ lang, values: pointValues, errors })}
          ${LevelRows({ lang, levels, values: form ? form.values : null, errors })}
          <div class="form-actions">${Button({ children: t(lang, "levels.admin.save") })}</div>
        </form>
        <aside class="levels-aside" aria-label=${t(lang, "levels.admin.preview_title")}>${Preview({ ctx, group, leaderboard })}</aside>
      </div>
    `,
  });
}
