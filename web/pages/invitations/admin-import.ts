import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { catalogFor, isLang, LANGS, t, tCount, type Lang, type MessageKey, type PluralKey } from "../../i18n";
import {
  ImportCountList,
  ImportRowErrors,
  ImportRowsTable,
  type ImportFormStrings,
  type ImportRow,
  type ImportRowError,
  type ImportViewStrings,
} from "../../islands/ImportPreview";
import { Alert, ButtonLink } from "../../ui/components";
import { formatBytes, formatNumber } from "../../ui/format";
import { Island } from "../../ui/island";
import type { PageContext } from "../../ui/page";
import { roleLabel } from "../tenancy/home";
import { FormMessages } from "../../ui/admin-forms";
import { INVITE_MESSAGE_MAX } from "./admin-invitations";
import { AdminShell } from "../../ui/admin-layout";
import { ImportColumns } from "../../ui/import-columns";

export type { ImportRow, ImportRowError } from "../../islands/ImportPreview";

export const IMPORT_PATH = "/admin/invitations/import";
export const IMPORT_API = "/api/v1/invitations/import";
export const IMPORT_TEMPLATES = { xlsx: "/api/v1/invitations/template.xlsx", csv: "/api/v1/invitations/template.csv" } as const;

/** The frame of the import's pages: Invitations, then the import's own heading. */
function ImportShell({ ctx, viewingAsMember, children }: { ctx: PageContext; viewingAsMember: boolean; children: ComponentChildren }): VNode {
  return AdminShell({ ctx, section: "invitations", viewingAsMember, heading: t(ctx.lang, "admin.import.title"), children });
}

/** The API's limit (worker/invitations/import.ts MAX_IMPORT_BYTES): checked in the browser before uploading. */
export const IMPORT_MAX_BYTES = 8 * 1024 * 1024;
/** Rows listed in a preview; the others are counted. */
export const IMPORT_ROWS_SHOWN = 200;
const LIST_PATH = "/admin/invitations";
const COLUMNS = ["email", "first_name", "last_name", "language", "groups", "admin"] as const;

/** The preview the server made of a file (no JavaScript): counts over every row, `rows` possibly only the first ones. */
export type ImportPreviewView = { invited: number; addedToGroups: number; skipped: number; rows: ImportRow[] };
export type ImportResultView = { invited: number; addedToGroups: number; skipped: number };

const commitPath = (importId: string) => `${IMPORT_PATH}/${encodeURIComponent(importId)}/commit`;
const reportPath = (importId: string) => `${IMPORT_PATH}/${encodeURIComponent(importId)}/report.csv`;

/** As the worker decides: community admins invite admins, unless they view the site as a member. */
function actsAsTenantAdmin(ctx: PageContext, viewingAsMember: boolean): boolean {
  const role = ctx.user?.tenantRole;
  return (role === "owner" || role === "admin") && !viewingAsMember;
}

/** The words of the preview, the rows to fix and the result, shared by these pages and the island. */
const pairOf = (lang: Lang) => (key: PluralKey) => ({ one: t(lang, `${key}.one` as MessageKey), other: t(lang, `${key}.other` as MessageKey) });

export function importViewStrings(lang: Lang): ImportViewStrings {
  const pair = pairOf(lang);
  return {
    count: { invite: pair("admin.import.count.invite"), add: pair("admin.import.count.add"), skip: pair("admin.import.count.skip") },
    done: { invited: pair("admin.invitations.result.invited"), added: pair("admin.invitations.result.added"), skipped: pair("admin.import.result.skipped") },
    previewTitle: t(lang, "admin.import.preview_title"),
    previewIntro: t(lang, "admin.import.preview_intro"),
    caption: t(lang, "admin.import.caption"),
    th: {
      row: t(lang, "admin.import.th.row"),
      person: t(lang, "admin.import.th.person"),
      language: t(lang, "admin.import.th.language"),
      groups: t(lang, "admin.import.th.groups"),
      role: t(lang, "admin.import.th.role"),
      action: t(lang, "admin.import.th.action"),
    },
    action: {
      invite: t(lang, "admin.import.action.invite"),
      add_to_groups: t(lang, "admin.import.action.add_to_groups"),
      skip: t(lang, "admin.import.action.skip"),
    },
    reason: {
      already_invited: t(lang, "admin.invitations.reason.already_invited"),
      already_member: t(lang, "admin.invitations.reason.already_member"),
      banned: t(lang, "admin.invitations.reason.banned"),
    },
    role: { admin: roleLabel(lang, "admin"), member: roleLabel(lang, "member") },
    languages: Object.fromEntries(LANGS.map((code) => [code, t(code, `language.${code}`)])),
    defaultLanguage: t(lang, "admin.import.default_language"),
    noName: t(lang, "admin.import.no_name"),
    noGroup: t(lang, "admin.invitations.no_group"),
    noEmail: t(lang, "admin.import.no_email"),
    more: pair("admin.import.more"),
    nothingToDo: t(lang, "admin.import.nothing_to_do"),
    errorsTitle: pair("admin.import.errors_title"),
    errorsIntro: t(lang, "admin.import.errors_intro"),
    resultTitle: t(lang, "admin.import.result_title"),
    rowMessages: Object.fromEntries(IMPORT_ROW_KEYS.map((k) => [k, t(lang, k)])),
  };
}

/** Every problem an import row can have (worker/invitations/import.ts, worker/accounts/service.ts). */
const IMPORT_ROW_KEYS = [
  "import.row.email_missing",
  "import.row.invalid_email",
  "import.row.duplicate",
  "import.row.unknown_language",
  "import.row.unknown_group",
  "import.row.admin_flag",
  "import.row.name_missing",
  "import.row.name_long",
  "import.row.extra_long",
  "import.row.account_exists",
  "import.row.already_invited",
] as const satisfies readonly MessageKey[];

function importFormStrings(lang: Lang): ImportFormStrings {
  const pair = pairOf(lang);
  return {
    formTitle: t(lang, "admin.import.form_title"),
    file: t(lang, "admin.import.file"),
    fileHint: t(lang, "admin.import.file_hint"),
    optional: t(lang, "form.optional_tag"),
    defaultsTitle: t(lang, "admin.import.defaults_title"),
    defaultsHint: t(lang, "admin.import.defaults_hint"),
    groups: t(lang, "admin.invitations.groups"),
    groupsHint: t(lang, "admin.import.groups_hint"),
    noGroups: t(lang, "admin.invitations.no_groups"),
    tenantRole: t(lang, "admin.invitations.tenant_role"),
    tenantRoleHint: t(lang, "admin.invitations.tenant_role_hint"),
    groupRole: t(lang, "admin.invitations.group_role"),
    groupRoleHint: t(lang, "admin.invitations.group_role_hint"),
    moderator: roleLabel(lang, "moderator"),
    language: t(lang, "admin.invitations.language"),
    languageHint: t(lang, "admin.import.language_hint"),
    message: t(lang, "admin.invitations.message"),
    messageHint: t(lang, "admin.invitations.message_hint", { max: formatNumber(lang, INVITE_MESSAGE_MAX) }),
    submit: t(lang, "admin.import.submit"),
    submitHint: t(lang, "admin.import.submit_hint"),
    uploading: t(lang, "admin.import.uploading"),
    checking: t(lang, "admin.import.checking"),
    sending: t(lang, "admin.import.sending"),
    cancel: t(lang, "admin.import.cancel"),
    cancelled: t(lang, "admin.import.cancelled"),
    confirm: pair("admin.import.confirm"),
    confirmAdd: pair("admin.import.confirm_add"),
    stale: t(lang, "admin.import.stale"),
    jumpPreview: t(lang, "admin.import.jump_preview"),
    jumpErrors: t(lang, "admin.import.jump_errors"),
    seeList: t(lang, "admin.import.see_list"),
    report: t(lang, "admin.import.report"),
    errors: {
      network: t(lang, "admin.import.error.network"),
      tooLarge: t(lang, "admin.import.error.too_large"),
      badType: t(lang, "admin.import.error.bad_type"),
      emptyFile: t(lang, "admin.import.error.empty_file"),
      missingColumn: t(lang, "admin.import.error.missing_column"),
      tooManyRows: t(lang, "admin.import.error.too_many_rows"),
      noFile: t(lang, "admin.import.error.no_file"),
      groups: t(lang, "admin.invitations.error_groups"),
      messageLong: t(lang, "admin.invitations.error_message_long"),
      forbidden: t(lang, "admin.import.error.forbidden"),
      session: t(lang, "admin.import.error.session"),
      generic: t(lang, "admin.import.error.generic"),
    },
  };
}

/** What goes in each column of the file, with the template downloads. */
function FileHelp({ lang, groups, canInviteAdmins }: { lang: Lang; groups: { slug: string; name: string }[]; canInviteAdmins: boolean }): VNode {
  const example = groups.length >= 2 ? `${groups[0]!.slug}|${groups[1]!.slug}` : groups.length === 1 ? groups[0]!.slug : "board|volunteers";
  const describe = (column: (typeof COLUMNS)[number]) => {
    if (column === "groups") return t(lang, "admin.import.col.groups", { example });
    if (column === "admin" && !canInviteAdmins) return `${t(lang, "admin.import.col.admin")} ${t(lang, "admin.import.col.admin_restricted")}`;
    return t(lang, `admin.import.col.${column}`);
  };
  return html`<section class="card import-help" aria-labelledby="import-help-title">
    <h2 class="card-title" id="import-help-title">${t(lang, "admin.import.help_title")}</h2>
    <p class="card-intro">${t(lang, "admin.import.intro")}</p>
    <div class="actions import-templates">
      <a class="btn btn-secondary btn-sm import-template" href=${IMPORT_TEMPLATES.xlsx} download>${t(lang, "admin.import.template_xlsx")}</a>
      <a class="btn btn-secondary btn-sm import-template" href=${IMPORT_TEMPLATES.csv} download>${t(lang, "admin.import.template_csv")}</a>
    </div>
    <h3 class="import-help-subtitle" id="import-columns-title">${t(lang, "admin.import.columns_title")}</h3>
    ${ImportColumns({
      lang,
      columns: COLUMNS,
      describe,
      code: (text) => html`<code class="import-column-name">${text}</code>`,
      groups,
      groupsSummary: t(lang, "admin.import.group_ids"),
      classes: { list: "column-list import-columns", item: "column-row import-column", groupIds: "import-group-ids", groupIdList: "import-group-id-list", groupIdName: "import-group-id-name" },
    })}
    <p class="import-override">${t(lang, "admin.import.override")}</p>
    ${Alert({ tone: "warning", title: t(lang, "admin.import.all_or_nothing_title"), children: t(lang, "admin.import.all_or_nothing") })}
  </section>`;
}

const asList = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const asText = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

/**
 * /admin/invitations/import: invite from a spreadsheet. The form posts to the server
 * (which answers with ImportPreviewPage); with JavaScript the ImportPreview island
 * previews and imports through the API without leaving the page.
 */
export function ImportPage({
  ctx,
  viewingAsMember,
  groups,
  values = {},
  errors = {},
  formError,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  /** The groups rows may join (slugs in the file's `groups` column). */
  groups: { slug: string; name: string }[];
  values?: Record<string, string | string[]>;
  errors?: Record<string, string>;
  formError?: string;
}): VNode {
  const { lang } = ctx;
  const canInviteAdmins = actsAsTenantAdmin(ctx, viewingAsMember);
  const tenantLang = ctx.tenant?.defaultLanguage;
  const language = asText(values.language);
  return ImportShell({
    ctx,
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, formError, errors })}
      ${FileHelp({ lang, groups, canInviteAdmins })}
      ${Island({
        name: "ImportPreview",
        props: {
          lang,
          action: IMPORT_PATH,
          api: IMPORT_API,
          listHref: LIST_PATH,
          maxBytes: IMPORT_MAX_BYTES,
          maxLabel: formatBytes(lang, IMPORT_MAX_BYTES),
          rowsShown: IMPORT_ROWS_SHOWN,
          groups,
          canInviteAdmins,
          values: {
            groups: asList(values.groups),
            tenantRole: asText(values.tenantRole),
            groupRole: asText(values.groupRole),
            language: isLang(language) ? language : (catalogFor(tenantLang) ?? lang),
            message: asText(values.message),
          },
          errors,
          messageMax: INVITE_MESSAGE_MAX,
          strings: importViewStrings(lang),
          form: importFormStrings(lang),
        },
      })}
    `,
  });
}

/** Group names by slug, for the preview table. */
function namesOf(groups: { slug: string; name: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((groups ?? []).map((g) => [g.slug, g.name]));
}

/**
 * The preview of a posted file, without JavaScript: the rows to fix (nothing was
 * imported), or the counts, the first rows and the form that sends the invitations.
 */
export function ImportPreviewPage({
  ctx,
  viewingAsMember,
  importId,
  fileName,
  preview,
  rowErrors,
  formError,
  groups,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  importId: string;
  fileName: string;
  preview: ImportPreviewView;
  rowErrors?: ImportRowError[];
  formError?: string;
  /** Optional: shows group names rather than slugs in the table. */
  groups?: { slug: string; name: string }[];
}): VNode {
  const { lang } = ctx;
  const s = importViewStrings(lang);
  const counts = { invited: preview.invited, addedToGroups: preview.addedToGroups, skipped: preview.skipped };
  const total = counts.invited + counts.addedToGroups + counts.skipped;
  const n = counts.invited > 0 ? counts.invited : counts.addedToGroups;
  // The way on when this file cannot be sent; beside "Send" otherwise.
  const again = ButtonLink({ href: IMPORT_PATH, variant: rowErrors || n === 0 ? "primary" : "ghost", children: t(lang, "admin.import.choose_again") });
  return ImportShell({
    ctx,
    viewingAsMember,
    children: html`
      ${formError && Alert({ tone: "error", children: formError })}
      <p class="import-file-name">${t(lang, "admin.import.file_name")} <strong>${fileName}</strong></p>
      ${rowErrors
        ? ImportRowErrors({
            lang,
            s,
            rows: rowErrors,
            limit: IMPORT_ROWS_SHOWN,
            headingId: "import-panel-title",
            children: html`<div class="actions import-actions">${again}</div>`,
          })
        : html`<section class="card import-panel import-preview" aria-labelledby="import-panel-title">
            <h2 class="card-title import-panel-title" id="import-panel-title">${s.previewTitle}</h2>
            <p class="card-intro">${s.previewIntro}</p>
            ${ImportCountList({ lang, s, counts, done: false })}
            ${n > 0
              ? html`<form class="form-actions import-confirm" method="post" action=${commitPath(importId)}>
                  <button type="submit" class="btn btn-primary btn-lg">
                    ${tCount(lang, counts.invited > 0 ? "admin.import.confirm" : "admin.import.confirm_add", n)}
                  </button>
                  ${again}
                </form>`
              : html`<p class="alert alert-warning import-nothing">${s.nothingToDo}</p>
                  <div class="actions import-actions">${again}</div>`}
            ${ImportRowsTable({ lang, s, rows: preview.rows, groupNames: namesOf(groups), limit: IMPORT_ROWS_SHOWN, total })}
          </section>`}
    `,
  });
}

/** What an import did (no JavaScript), with its report to download. */
export function ImportResultPage({
  ctx,
  viewingAsMember,
  importId,
  result,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  importId: string;
  result: ImportResultView;
}): VNode {
  const { lang } = ctx;
  const s = importViewStrings(lang);
  const done = result.invited + result.addedToGroups > 0;
  return ImportShell({
    ctx,
    viewingAsMember,
    children: html`<section
      class=${`card invite-result import-panel import-result ${done ? "invite-result-ok" : "invite-result-none"}`}
      aria-labelledby="import-panel-title"
    >
      <h2 class="card-title invite-result-title" id="import-panel-title">${s.resultTitle}</h2>
      ${ImportCountList({ lang, s, counts: result, done: true })}
      <div class="actions import-result-actions">
        <a class="btn btn-primary" href=${reportPath(importId)} download>${t(lang, "admin.import.report")}</a>
        ${ButtonLink({ href: LIST_PATH, variant: "secondary", children: t(lang, "admin.import.see_list") })}
        ${ButtonLink({ href: IMPORT_PATH, variant: "ghost", children: t(lang, "admin.import.another") })}
      </div>
    </section>`,
  });
}
