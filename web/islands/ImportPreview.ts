import { html } from "htm/preact";
import type { RowPlan } from "../../worker/invitations/types";
import type { ComponentChildren, VNode } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Lang } from "../i18n";
import { CheckboxField, FileField, SelectField, TextareaField } from "../ui/fields";
import { formatNumber, pluralCategory } from "../ui/format";

// This module is the ImportPreview island and also the markup of the import's preview,
// row errors and result, which the server pages render with the same functions (so the
// page without JavaScript and the one with it look alike). It must not import the
// catalogs: every word arrives translated, in `strings`.

/** One row of the file as the API plans it (`POST /api/v1/invitations/import`). */
export type ImportRow = RowPlan;

/** A row that stops the import (422), with what is wrong with it. */
/** `errors` in English (the API's); `messages` the same as catalog keys, read with `strings.rowMessages`. */
export type ImportRowError = { row: number; email: string; errors: string[]; messages?: { key: string | null; vars?: Record<string, string | number> }[] };

/** A row's problem in the page's language when its key is known, else as the API wrote it. */
function rowProblem(s: ImportViewStrings, r: ImportRowError, i: number): string {
  const m = r.messages?.[i];
  const template = m?.key ? s.rowMessages[m.key] : undefined;
  return template ? fill(template, m?.vars ?? {}) : r.errors[i] ?? "";
}

/** A BCP 47 tag by the name of its closest language (`nl-BE` → "Nederlands (nl-BE)"). */
function languageName(s: ImportViewStrings, tag: string): string {
  const primary = tag.split("-")[0]!.toLowerCase();
  const name = s.languages[tag] ?? s.languages[primary];
  return name ? (tag === primary ? name : `${name} (${tag})`) : tag;
}

export type ImportCounts = { invited: number; addedToGroups: number; skipped: number };

/** A `{count}` sentence in its two plural forms. */
export type Plural = { one: string; other: string };

/** Everything the preview, the row errors and the result say; filled in by the page. */
export type ImportViewStrings = {
  count: { invite: Plural; add: Plural; skip: Plural };
  done: { invited: Plural; added: Plural; skipped: Plural };
  previewTitle: string;
  previewIntro: string;
  caption: string;
  th: { row: string; person: string; language: string; groups: string; role: string; action: string };
  action: { invite: string; add_to_groups: string; skip: string };
  reason: { already_invited: string; already_member: string; banned: string };
  role: { admin: string; member: string };
  /** Language names by code. */
  languages: Record<string, string>;
  /** Read out for an empty cell (shown as "—"). */
  defaultLanguage: string;
  noName: string;
  noGroup: string;
  noEmail: string;
  /** "{count}" rows not shown. */
  more: Plural;
  nothingToDo: string;
  errorsTitle: Plural;
  errorsIntro: string;
  resultTitle: string;
  /** The import row problems by catalog key (`import.row.*`), with `{vars}`. */
  rowMessages: Record<string, string>;
};

/** The form's words and the messages of the upload, for the island only. */
export type ImportFormStrings = {
  formTitle: string;
  file: string;
  fileHint: string;
  optional: string;
  defaultsTitle: string;
  defaultsHint: string;
  groups: string;
  groupsHint: string;
  noGroups: string;
  tenantRole: string;
  tenantRoleHint: string;
  groupRole: string;
  groupRoleHint: string;
  moderator: string;
  language: string;
  languageHint: string;
  message: string;
  messageHint: string;
  submit: string;
  submitHint: string;
  /** "{file}" is filled in. */
  uploading: string;
  checking: string;
  sending: string;
  cancel: string;
  cancelled: string;
  confirm: Plural;
  confirmAdd: Plural;
  stale: string;
  /** Under the file input, links down to the preview and to the rows to fix. */
  jumpPreview: string;
  jumpErrors: string;
  seeList: string;
  report: string;
  errors: {
    network: string;
    /** "{file}" and "{limit}" are filled in. */
    tooLarge: string;
    badType: string;
    emptyFile: string;
    missingColumn: string;
    tooManyRows: string;
    noFile: string;
    groups: string;
    messageLong: string;
    forbidden: string;
    session: string;
    /** "{message}" is the server's own words. */
    generic: string;
  };
};

export type ImportPreviewProps = {
  lang: Lang;
  /** Where the form posts without JavaScript (the server's preview page). */
  action: string;
  /** The JSON endpoint; `?dryRun=1` is added for the preview. */
  api: string;
  /** The invitations list, linked from the result. */
  listHref: string;
  /** The largest file the API accepts, and as the page writes it. */
  maxBytes: number;
  maxLabel: string;
  /** Rows shown in the preview table; the rest are counted. */
  rowsShown: number;
  groups: { slug: string; name: string }[];
  /** Community admins (not viewing as a member) may invite admins. */
  canInviteAdmins: boolean;
  values: { groups: string[]; tenantRole: string; groupRole: string; language: string; message: string };
  /** Field errors of a form the server sent back, already translated. */
  errors: Record<string, string>;
  messageMax: number;
  strings: ImportViewStrings;
  form: ImportFormStrings;
};

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in vars ? String(vars[key]) : whole));
}

/** The plural form for `count` in `lang`, with "{count}" written in the language's digits. */
export function plural(lang: Lang, forms: Plural, count: number, vars: Record<string, string | number> = {}): string {
  const form = pluralCategory(lang, count) === "one" ? forms.one : forms.other;
  return fill(form, { ...vars, count: formatNumber(lang, count) });
}

/** "—" for the eye, words for a screen reader. */
/** The badge tone of each row's outcome. */
const ACTION_TONE: Record<string, string> = { invite: " badge-info", add_to_groups: " badge-success", skip: " badge-quiet" };

function Nothing({ label }: { label: string }): VNode {
  return html`<span class="muted" aria-hidden="true">—</span><span class="sr-only">${label}</span>`;
}

/** The numbers of a preview (`done` false) or of an import that was carried out. */
export function ImportCountList({ lang, s, counts, done }: { lang: Lang; s: ImportViewStrings; counts: ImportCounts; done: boolean }): VNode {
  const words = done ? [s.done.invited, s.done.added, s.done.skipped] : [s.count.invite, s.count.add, s.count.skip];
  const items = [
    { n: counts.invited, cls: "invite-count-invited", words: words[0]! },
    { n: counts.addedToGroups, cls: "invite-count-added", words: words[1]! },
    { n: counts.skipped, cls: "invite-count-skipped", words: words[2]! },
  ];
  return html`<ul class="invite-result-counts import-counts">
    ${items.map(
      (item) => html`<li class=${item.n > 0 ? `invite-count ${item.cls}` : `invite-count ${item.cls} is-zero`}>
        ${plural(lang, item.words, item.n)}
      </li>`,
    )}
  </ul>`;
}

/** "… and N more rows are not shown." */
function More({ lang, forms, hidden }: { lang: Lang; forms: Plural; hidden: number }): VNode | null {
  return hidden > 0 ? html`<p class="import-more">${plural(lang, forms, hidden)}</p>` : null;
}

/** The first `limit` rows of a preview or report, as a table (one card per row on narrow screens). */
export function ImportRowsTable({
  lang,
  s,
  rows,
  groupNames,
  limit,
  total,
}: {
  lang: Lang;
  s: ImportViewStrings;
  rows: ImportRow[];
  /** Group names by slug; an unknown slug is shown as is. */
  groupNames: Record<string, string>;
  limit: number;
  /** Rows in the file when `rows` holds only the first of them. */
  total?: number | undefined;
}): VNode {
  const shown = rows.slice(0, limit);
  return html`<div class="card table-card import-rows-card">
      <table class="table table-stack-md import-table">
        <caption class="sr-only">${s.caption}</caption>
        <thead>
          <tr>
            <th scope="col" class="cell-rownum">${s.th.row}</th>
            <th scope="col">${s.th.person}</th>
            <th scope="col">${s.th.language}</th>
            <th scope="col">${s.th.groups}</th>
            <th scope="col">${s.th.role}</th>
            <th scope="col">${s.th.action}</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map((r) => {
            const name = [r.firstName, r.lastName].filter(Boolean).join(" ");
            return html`<tr key=${r.row} class=${`import-row is-${r.action}`}>
              <td class="cell-rownum" data-label=${s.th.row}>${formatNumber(lang, r.row)}</td>
              <th scope="row" class="cell-invitee">
                <span class="invitee-email">${r.email}</span>
                ${name ? html`<span class="import-name">${name}</span>` : html`<span class="sr-only">${s.noName}</span>`}
              </th>
              <td class="cell-language" data-label=${s.th.language}>
                ${r.language ? languageName(s, r.language) : Nothing({ label: s.defaultLanguage })}
              </td>
              <td class="cell-groups" data-label=${s.th.groups}>
                ${r.groups.length > 0
                  ? html`<ul class="chip-list">
                      ${r.groups.map((slug) => html`<li class="chip">${groupNames[slug] ?? slug}</li>`)}
                    </ul>`
                  : Nothing({ label: s.noGroup })}
              </td>
              <td class="cell-role" data-label=${s.th.role}>
                ${r.tenantRole === "admin" ? html`<span class="badge badge-quiet">${s.role.admin}</span>` : s.role.member}
              </td>
              <td class="cell-action" data-label=${s.th.action}>
                <span class=${`badge${ACTION_TONE[r.action] ?? ""} import-action import-action-${r.action}`}>${s.action[r.action] ?? r.action}</span>
                ${r.reason && html`<span class="import-reason">${s.reason[r.reason] ?? r.reason}</span>`}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
    ${More({ lang, forms: s.more, hidden: Math.max(total ?? 0, rows.length) - shown.length })}`;
}

/** The rows that stopped the import: nothing was imported. */
export function ImportRowErrors({
  lang,
  s,
  rows,
  limit,
  headingId,
  children,
}: {
  lang: Lang;
  s: ImportViewStrings;
  rows: ImportRowError[];
  limit: number;
  headingId: string;
  /** Shown above the list (the server page's "Choose another file"). */
  children?: ComponentChildren;
}): VNode {
  const shown = rows.slice(0, limit);
  return html`<section class="card import-panel import-errors" aria-labelledby=${headingId}>
    <h2 class="card-title import-panel-title" id=${headingId} tabindex="-1">${plural(lang, s.errorsTitle, rows.length)}</h2>
    <p class="import-errors-intro">${s.errorsIntro}</p>
    ${children}
    <ol class="import-error-list">
      ${shown.map(
        (r) => html`<li key=${r.row} class="import-error-item">
          <p class="import-error-head">
            <span class="import-error-row">${s.th.row} ${formatNumber(lang, r.row)}</span>
            <span class="import-error-email">${r.email || html`<span class="muted">${s.noEmail}</span>`}</span>
          </p>
          <ul class="import-error-problems">
            ${r.errors.map((_, i) => html`<li>${rowProblem(s, r, i)}</li>`)}
          </ul>
        </li>`,
      )}
    </ol>
    ${More({ lang, forms: s.more, hidden: rows.length - shown.length })}
  </section>`;
}

/** Counts of a successful file: `rows` is the plan or the report. */
export function countsOf(rows: ImportRow[]): ImportCounts {
  const counts: ImportCounts = { invited: 0, addedToGroups: 0, skipped: 0 };
  for (const r of rows) {
    if (r.action === "invite") counts.invited++;
    else if (r.action === "add_to_groups") counts.addedToGroups++;
    else counts.skipped++;
  }
  return counts;
}

/** A spreadsheet cell: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report of an import as CSV (with a BOM, so spreadsheets read it as UTF-8). */
export function reportCsv(rows: ImportRow[]): string {
  const lines = [
    "row,email,action,reason,groups,admin",
    ...rows.map((r) =>
      [String(r.row), r.email, r.action, r.reason ?? "", r.groups.join("|"), r.tenantRole === "admin" ? "TRUE" : "FALSE"]
        .map(csvCell)
        .join(","),
    ),
  ];
  return `\ufeff${lines.join("\r\n")}\r\n`;
}

// ── the island ──────────────────────────────────────────────────────────────

/** The API's 200: the plan (`dryRun: true`) or what was done; `rows` carries both. */
type ReportAnswer = { dryRun?: true; invited: string[]; addedToGroups: string[]; rows: ImportRow[] };
type ErrorAnswer = { error?: { code?: string; message?: string; fields?: Record<string, string>; display?: { message?: string } } };

type Mode = "preview" | "commit";
type View =
  | { kind: "idle"; note?: string }
  | { kind: "busy"; mode: Mode; file: string; sent: number | null; back: View }
  | { kind: "preview"; answer: ReportAnswer; stale: boolean }
  | { kind: "rowErrors"; rows: ImportRowError[]; stale: boolean }
  | { kind: "error"; message: string }
  | { kind: "done"; report: ReportAnswer };

type Sent = { status: number; body: unknown };

/** Ids of what takes the focus as the import goes on: the panel's title, the progress, the message under the file input. */
const PANEL = "import-panel-title";
const PROGRESS = "import-progress-box";
const STATUS = "import-status";

/** A POST with upload progress (fetch cannot report it); resolves with the status and the parsed JSON. */
function post(url: string, data: FormData, onSent: (fraction: number) => void, keep: (xhr: XMLHttpRequest) => void): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onSent(e.loaded / e.total);
    };
    xhr.upload.onload = () => onSent(1);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Error("network"));
    xhr.onabort = () => reject(new Error("abort"));
    keep(xhr);
    xhr.send(data);
  });
}

/** The words for a refused file (anything but rows to fix). */
function failure(f: ImportFormStrings, status: number, body: ErrorAnswer | null, file: string, limit: string): string {
  const code = body?.error?.code ?? "";
  const fields = body?.error?.fields ?? {};
  const e = f.errors;
  if (status === 401) return e.session;
  if (status === 403) return e.forbidden;
  if (code === "payload_too_large") return fill(e.tooLarge, { file, limit });
  if (code === "too_many_rows") return e.tooManyRows;
  if (code === "unsupported_media_type") return e.badType;
  if (code === "empty_file") return e.emptyFile;
  if (code === "missing_column") return e.missingColumn;
  if (fields.file) return e.noFile;
  if (fields.groups) return e.groups;
  if (fields.message) return e.messageLong;
  return fill(e.generic, { message: body?.error?.display?.message ?? `HTTP ${status}` });
}

/**
 * The import form. Without JavaScript it posts to the server, which answers with a
 * preview page; once hydrated it sends the file to the API itself (with upload
 * progress), shows the preview or the rows to fix in place, then imports on
 * confirmation and offers the report as a CSV download.
 */
export default function ImportPreview(props: ImportPreviewProps): VNode {
  const { lang, strings: s, form: f } = props;
  const [view, setView] = useState<View>({ kind: "idle" });
  const [announce, setAnnounce] = useState("");
  const formRef = useRef<HTMLFormElement>(null);
  const request = useRef<XMLHttpRequest | null>(null);
  /** The form data the current preview was made from: the import sends exactly that. */
  const previewed = useRef<FormData | null>(null);
  /** While a run started with a button lasts, what replaces that button takes the focus. */
  const follow = useRef(false);
  const groupNames = useMemo(() => Object.fromEntries(props.groups.map((g) => [g.slug, g.name])), [props.groups]);

  useEffect(() => () => request.current?.abort(), []);

  useEffect(() => {
    if (!follow.current) return;
    const target = view.kind === "busy" ? PROGRESS : view.kind === "error" || view.kind === "idle" ? STATUS : PANEL;
    document.getElementById(target)?.focus();
  }, [view.kind]);

  const run = async (mode: Mode, data: FormData, back: View) => {
    request.current?.abort();
    const picked = data.get("file");
    const file = picked instanceof File && picked.name !== "" ? picked : null;
    if (!file || file.size > props.maxBytes) {
      const message = file ? fill(f.errors.tooLarge, { file: file.name, limit: props.maxLabel }) : f.errors.noFile;
      setView({ kind: "error", message });
      return;
    }
    const busy = (sent: number | null): View => ({ kind: "busy", mode, file: file.name, sent, back });
    setView(busy(0));
    setAnnounce(fill(f.uploading, { file: file.name }));
    let mine: XMLHttpRequest | null = null;
    let answer: Sent;
    try {
      answer = await post(
        mode === "preview" ? `${props.api}?dryRun=1` : props.api,
        data,
        (fraction) => {
          // Once the file is up the server reads the rows: the bar becomes indeterminate.
          setView(busy(fraction >= 1 ? null : fraction));
          if (fraction >= 1) setAnnounce(mode === "preview" ? f.checking : f.sending);
        },
        (xhr) => (request.current = mine = xhr),
      );
    } catch (err) {
      if ((err as Error).message === "abort") return;
      setView({ kind: "error", message: f.errors.network });
      return;
    } finally {
      // A newer run may have replaced this request already.
      if (request.current === mine) request.current = null;
    }
    const body = (answer.body && typeof answer.body === "object" ? answer.body : null) as { rows?: unknown } | null;
    if (answer.status >= 200 && answer.status < 300 && body && Array.isArray(body.rows)) {
      const report = body as ReportAnswer;
      const counts = countsOf(report.rows);
      const words = mode === "preview" ? [s.count.invite, s.count.add, s.count.skip] : [s.done.invited, s.done.added, s.done.skipped];
      const summary = [counts.invited, counts.addedToGroups, counts.skipped].map((n, i) => plural(lang, words[i]!, n)).join(". ");
      if (mode === "preview") {
        previewed.current = data;
        setView({ kind: "preview", answer: report, stale: false });
        setAnnounce(`${s.previewTitle}. ${summary}.`);
      } else {
        previewed.current = null;
        setView({ kind: "done", report });
        setAnnounce(`${s.resultTitle}. ${summary}.`);
      }
      return;
    }
    if (answer.status === 422 && body && Array.isArray(body.rows)) {
      setView({ kind: "rowErrors", rows: body.rows as ImportRowError[], stale: false });
      setAnnounce(`${plural(lang, s.errorsTitle, body.rows.length)}. ${s.errorsIntro}`);
      return;
    }
    setView({ kind: "error", message: failure(f, answer.status, body as ErrorAnswer | null, file.name, props.maxLabel) });
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const el = formRef.current;
    // While the import itself is under way, a second submit must not abort it.
    if (!el || (view.kind === "busy" && view.mode === "commit")) return;
    follow.current = true;
    void run("preview", new FormData(el), { kind: "idle" });
  };

  const commit = () => {
    const data = previewed.current;
    if (!data || view.kind !== "preview") return;
    follow.current = true;
    void run("commit", data, view);
  };

  const cancel = () => {
    if (view.kind !== "busy") return;
    request.current?.abort();
    request.current = null;
    follow.current = true;
    setView(view.back.kind === "idle" ? { kind: "idle", note: f.cancelled } : view.back);
  };

  // A new file is previewed at once; any other change makes the preview shown out of date.
  const changed = (e: Event) => {
    const target = e.target as HTMLInputElement | null;
    if (target?.type === "file") {
      const el = formRef.current;
      if (e.type !== "change" || !el || !target.files?.length) return;
      if (view.kind === "busy" && view.mode === "commit") return;
      // The file input keeps the focus: the live region reads the outcome out.
      follow.current = false;
      void run("preview", new FormData(el), { kind: "idle" });
      return;
    }
    setView((v) => ((v.kind === "preview" || v.kind === "rowErrors") && !v.stale ? { ...v, stale: true } : v));
  };

  const download = () => {
    if (view.kind !== "done") return;
    const url = URL.createObjectURL(new Blob([reportCsv(view.report.rows)], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "invitations-import-report.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
  };

  // Rendered once: a re-render would reset what the user typed, ticked and chose to the initial props.
  const fileField = useMemo(() => html`<${FileSection} ...${props} />`, []);
  const defaults = useMemo(() => html`<${DefaultsSection} ...${props} />`, []);

  const progress = (busy: Extract<View, { kind: "busy" }>) => {
    const label = busy.sent === null ? (busy.mode === "preview" ? f.checking : f.sending) : fill(f.uploading, { file: busy.file });
    const percent = busy.sent === null ? null : Math.round(busy.sent * 100);
    return html`<div class="import-progress" id=${PROGRESS} tabindex="-1">
      <label class="import-progress-label" for="import-progress">${label}</label>
      <div class="import-progress-row">
        <progress id="import-progress" class="import-progress-bar" max="100" value=${percent ?? undefined}>
          ${percent === null ? "" : `${percent}%`}
        </progress>
        ${percent !== null && html`<span class="import-progress-percent" aria-hidden="true">${percent}%</span>`}
        ${busy.sent !== null && html`<button type="button" class="btn btn-ghost btn-sm" onClick=${cancel}>${f.cancel}</button>`}
      </div>
    </div>`;
  };

  /** Right under the file input, where the eye is after choosing a file (on a phone the preview is a long way down). */
  const status = (): VNode | null => {
    switch (view.kind) {
      case "busy":
        return view.mode === "preview" ? progress(view) : null;
      case "error":
        return html`<div class="alert alert-error import-alert" role="alert" id=${STATUS} tabindex="-1">
          <p class="alert-body">${view.message}</p>
        </div>`;
      case "idle":
        return view.note ? html`<p class="import-note" id=${STATUS} tabindex="-1">${view.note}</p>` : null;
      case "preview":
      case "rowErrors":
        return view.stale
          ? null
          : html`<p class=${view.kind === "preview" ? "import-jump" : "import-jump is-error"}>
              <a href=${`#${PANEL}`}>${view.kind === "preview" ? f.jumpPreview : f.jumpErrors}</a>
            </p>`;
      case "done":
        return null;
    }
  };

  const previewPanel = (answer: ReportAnswer, stale: boolean, sending: Extract<View, { kind: "busy" }> | null) => {
    const counts = countsOf(answer.rows);
    const n = counts.invited > 0 ? counts.invited : counts.addedToGroups;
    return html`<section class="card import-panel import-preview" aria-labelledby=${PANEL}>
      <h2 class="card-title import-panel-title" id=${PANEL} tabindex="-1">${s.previewTitle}</h2>
      <p class="card-intro">${s.previewIntro}</p>
      ${ImportCountList({ lang, s, counts, done: false })}
      ${sending
        ? html`<div class="import-confirm">${progress(sending)}</div>`
        : stale
          ? html`<p class="alert alert-info import-stale">${f.stale}</p>`
          : n > 0
            ? html`<div class="form-actions import-confirm">
                <button type="button" class="btn btn-primary btn-lg" onClick=${commit}>
                  ${plural(lang, counts.invited > 0 ? f.confirm : f.confirmAdd, n)}
                </button>
              </div>`
            : html`<p class="alert alert-warning import-nothing">${s.nothingToDo}</p>`}
      ${ImportRowsTable({ lang, s, rows: answer.rows, groupNames, limit: props.rowsShown })}
    </section>`;
  };

  const panel = (): VNode | null => {
    switch (view.kind) {
      case "busy":
        return view.mode === "commit" && view.back.kind === "preview" ? previewPanel(view.back.answer, false, view) : null;
      case "preview":
        return previewPanel(view.answer, view.stale, null);
      case "rowErrors":
        return html`<div class="import-panel-wrap">
          ${view.stale && html`<p class="alert alert-info import-stale">${f.stale}</p>`}
          ${ImportRowErrors({ lang, s, rows: view.rows, limit: props.rowsShown, headingId: PANEL })}
        </div>`;
      case "done": {
        const counts = countsOf(view.report.rows);
        return html`<section class="card invite-result import-panel import-result" aria-labelledby=${PANEL}>
          <h2 class="card-title invite-result-title import-panel-title" id=${PANEL} tabindex="-1">${s.resultTitle}</h2>
          ${ImportCountList({ lang, s, counts, done: true })}
          <div class="actions import-result-actions">
            <button type="button" class="btn btn-primary" onClick=${download}>${f.report}</button>
            <a class="btn btn-secondary" href=${props.listHref}>${f.seeList}</a>
          </div>
        </section>`;
      }
      default:
        return null;
    }
  };

  const busy = view.kind === "busy";
  return html`<div class="import-flow">
    <form
      ref=${formRef}
      class="card form import-form"
      method="post"
      action=${props.action}
      enctype="multipart/form-data"
      aria-labelledby="import-form-title"
      onSubmit=${submit}
      onChange=${changed}
      onInput=${changed}
    >
      <h2 class="card-title" id="import-form-title">${f.formTitle}</h2>
      ${fileField} ${status()} ${defaults}
      <div class="form-actions import-form-actions">
        <button type="submit" class="btn btn-primary btn-lg" aria-disabled=${busy ? "true" : undefined} aria-describedby="import-submit-hint">
          ${f.submit}
        </button>
        <p class="field-hint import-submit-hint" id="import-submit-hint">${f.submitHint}</p>
      </div>
    </form>
    <p class="sr-only" role="status">${announce}</p>
    ${panel()}
  </div>`;
}

/** The file input: rendered on the server and hydrated, never re-rendered (it would lose the chosen file's state). */
function FileSection(props: ImportPreviewProps): VNode {
  return FileField({
    name: "file",
    label: props.form.file,
    accept: ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv",
    required: true,
    hint: fill(props.form.fileHint, { limit: props.maxLabel }),
    error: props.errors.file,
  });
}

/** The defaults: rendered on the server and hydrated, never re-rendered (it would undo the user's choices). */
function DefaultsSection(props: ImportPreviewProps): VNode {
  const { form: f, values, errors, groups } = props;
  const chosen = new Set(values.groups);
  const groupsError = errors.groups;
  return html`<fieldset class="fieldset import-defaults" aria-describedby="import-defaults-hint">
      <legend class="legend">${f.defaultsTitle}</legend>
      <p class="field-hint import-defaults-hint" id="import-defaults-hint">${f.defaultsHint}</p>
      <div class="invite-form-grid">
        <div class="invite-form-col">
          ${groups.length > 0
            ? html`<fieldset
                class=${groupsError ? "field group-checks has-error" : "field group-checks"}
                aria-describedby=${groupsError ? "field-groups-hint field-groups-error" : "field-groups-hint"}
              >
                <legend class="label">${f.groups}</legend>
                <p class="field-hint" id="field-groups-hint">${f.groupsHint}</p>
                <div class="group-check-list">
                  ${groups.map((g, i) =>
                    CheckboxField({ name: "groups", id: `field-groups-${i}`, value: g.slug, label: g.name, checked: chosen.has(g.slug) }),
                  )}
                </div>
                ${groupsError && html`<p class="field-error" id="field-groups-error">${groupsError}</p>`}
              </fieldset>`
            : html`<div class="field field-static">
                <p class="label">${f.groups}</p>
                <p class="field-hint">${f.noGroups}</p>
              </div>`}
          ${TextareaField({
            name: "message",
            label: f.message,
            value: values.message,
            rows: 4,
            maxlength: props.messageMax,
            tag: f.optional,
            hint: f.messageHint,
            error: errors.message,
          })}
        </div>
        <div class="invite-form-col">
          ${props.canInviteAdmins &&
          SelectField({
            name: "tenantRole",
            label: f.tenantRole,
            value: values.tenantRole || "member",
            options: [
              { value: "member", label: props.strings.role.member },
              { value: "admin", label: props.strings.role.admin },
            ],
            hint: f.tenantRoleHint,
            error: errors.tenantRole,
          })}
          ${groups.length > 0 &&
          SelectField({
            name: "groupRole",
            label: f.groupRole,
            value: values.groupRole || "member",
            options: [
              { value: "member", label: props.strings.role.member },
              { value: "moderator", label: f.moderator },
            ],
            hint: f.groupRoleHint,
            error: errors.groupRole,
          })}
          ${SelectField({
            name: "language",
            label: f.language,
            value: values.language,
            options: Object.entries(props.strings.languages).map(([code, name]) => ({ value: code, label: name, lang: code })),
            hint: f.languageHint,
            error: errors.language,
          })}
        </div>
      </div>
    </fieldset>`;
}
