import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Alert, Button, ButtonLink, Field, PageHead, SelectField } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";
import { ProfileAvatar } from "./me";
import { ValueView, type ProfileFieldType, type ProfileValue } from "./inputs";

export type DirectoryEntryView = {
  userId: string;
  name: string;
  bio: string | null;
  avatarUrl: string | null;
  fields: { key: string; label: string; type: ProfileFieldType; value: ProfileValue }[];
};

/** A filterable field, as a filter control. */
export type DirectoryFilter = { key: string; label: string; type: ProfileFieldType; options: string[] };

export const DIRECTORY_PATH = "/members";

function href(params: Record<string, string>, cursor?: string): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ""));
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `${DIRECTORY_PATH}?${s}` : DIRECTORY_PATH;
}

function FilterControl({ ctx, filter, value }: { ctx: PageContext; filter: DirectoryFilter; value: string }): VNode {
  const { lang } = ctx;
  const name = `field.${filter.key}`;
  if (filter.type === "select" || filter.type === "multi_select" || filter.type === "boolean") {
    const options =
      filter.type === "boolean"
        ? [
            { value: "true", label: t(lang, "profile.yes") },
            { value: "false", label: t(lang, "profile.no") },
          ]
        : filter.options.map((o) => ({ value: o, label: o }));
    return SelectField({ name, label: filter.label, value, options: [{ value: "", label: t(lang, "directory.any") }, ...options] });
  }
  return Field({
    name,
    label: filter.label,
    value,
    type: filter.type === "date" ? "date" : "search",
    ...(filter.type === "number" ? { inputmode: "decimal" as const } : {}),
    maxlength: 100,
    autocomplete: "off",
  });
}

function EntryCard({ ctx, entry }: { ctx: PageContext; entry: DirectoryEntryView }): VNode {
  const { lang } = ctx;
  const isYou = ctx.user?.id === entry.userId;
  return html`<li class="card member-card" id=${`member-${entry.userId}`}>
    <div class="member-card-head">
      ${ProfileAvatar({ id: entry.userId, name: entry.name, url: entry.avatarUrl, size: "lg" })}
      <div class="member-card-title">
        <h2 class="member-card-name">${entry.name}</h2>
        ${isYou && html`<a class="member-card-you" href="/me">${t(lang, "directory.you")}</a>`}
      </div>
    </div>
    ${entry.bio && html`<p class="member-card-bio">${entry.bio}</p>`}
    ${entry.fields.length > 0 &&
    html`<dl class="member-card-fields">
      ${entry.fields.map(
        (f) => html`<div class="member-card-field">
          <dt>${f.label}</dt>
          <dd>${ValueView({ lang, type: f.type, value: f.value })}</dd>
        </div>`,
      )}
    </dl>`}
  </li>`;
}

/**
 * /members: the member directory. A search form (name, group, the filterable fields) that
 * works without JavaScript, then one card per member with their public fields.
 */
export function DirectoryPage({
  ctx,
  entries,
  q,
  group,
  groups,
  filters,
  values,
  nextCursor,
  errors = {},
  adminNotice,
}: {
  ctx: PageContext;
  entries: DirectoryEntryView[];
  q: string;
  group: string;
  /** The groups the viewer may list (their own; every group for admins). */
  groups: { slug: string; name: string }[];
  filters: DirectoryFilter[];
  values: Record<string, string>;
  nextCursor: string | null;
  errors?: Record<string, string>;
  /** Admins see the directory while it is off for members: say so. */
  adminNotice?: boolean;
}): VNode {
  const { lang } = ctx;
  const params: Record<string, string> = { q, group, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`field.${k}`, v])) };
  const filtered = Object.values(params).some((v) => v !== "");
  const paged = /[?&]cursor=/.test(ctx.path);
  const hasErrors = Object.keys(errors).length > 0;
  return html`<div class="container directory">
    ${PageHead({ title: t(lang, "directory.title"), lead: t(lang, "directory.intro", { community: siteName(ctx) }) })}
    ${adminNotice && Alert({ tone: "info", children: t(lang, "directory.off_admin_notice") })}
    ${hasErrors && Alert({ tone: "error", children: Object.values(errors).join(" ") })}
    <form class="card directory-filters" method="get" action=${DIRECTORY_PATH} role="search" aria-label=${t(lang, "directory.search_label")}>
      <div class="directory-filter-grid">
        ${Field({ name: "q", type: "search", label: t(lang, "directory.search"), value: q, maxlength: 100, autocomplete: "off" })}
        ${groups.length > 0 &&
        SelectField({
          name: "group",
          label: t(lang, "directory.group"),
          value: group,
          options: [{ value: "", label: t(lang, "directory.all_groups") }, ...groups.map((g) => ({ value: g.slug, label: g.name }))],
        })}
        ${filters.map((filter) => FilterControl({ ctx, filter, value: values[filter.key] ?? "" }))}
      </div>
      <div class="filter-actions">
        ${Button({ children: t(lang, "directory.search_submit") })}
        ${filtered && html`<a class="btn btn-ghost" href=${DIRECTORY_PATH}>${t(lang, "directory.clear")}</a>`}
      </div>
    </form>
    ${entries.length > 0
      ? html`<ul class="member-grid" aria-label=${t(lang, "directory.results")}>
          ${entries.map((entry) => EntryCard({ ctx, entry }))}
        </ul>`
      : html`<p class="empty">${t(lang, filtered ? "directory.empty_search" : "directory.empty")}</p>`}
    ${(nextCursor || paged) &&
    html`<nav class="pager" aria-label=${t(lang, "directory.pages")}>
      ${paged && html`<a class="btn btn-ghost btn-sm" href=${href(params)}>${t(lang, "directory.first_page")}</a>`}
      ${nextCursor && html`<a class="btn btn-secondary btn-sm" href=${href(params, nextCursor)}>${t(lang, "directory.next_page")}</a>`}
    </nav>`}
  </div>`;
}

/** /members when the community turned the directory off. */
export function DirectoryOffPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return html`<div class="container directory">
    ${PageHead({ title: t(lang, "directory.title") })}
    <div class="card directory-off">
      <p>${t(lang, "directory.off", { community: siteName(ctx) })}</p>
      <div class="actions">${ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") })}</div>
    </div>
  </div>`;
}
