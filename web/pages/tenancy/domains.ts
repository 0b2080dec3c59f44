import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { ActionForm, Alert, Button, Field } from "../../ui/components";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import type { GroupView } from "../groups/types";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";
import { DataTable } from "../../ui/table";

/** One custom hostname as the API answers it (`publicDomain`). */
export type DomainPageItem = {
  hostname: string;
  groupId: string | null;
  status: "pending" | "verified" | "active" | "ended" | "expired";
  verification: { type: string; name: string; value: string }[];
  hostnameStatus: string;
  certificate: { status: string };
  expiresAt: string | null;
  checkedAt: string | null;
};

export type DomainsPageProps = {
  ctx: PageContext;
  domains: DomainPageItem[];
  /** A group's own domains; without it, the community's. */
  group?: GroupView | undefined;
  pendingRequests?: number | undefined;
  viewingAsMember: boolean;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
  /** On the community's page: the name and slug of the group each group domain belongs to. */
  groups?: Record<string, { name: string; slug: string }>;
};

/** Where the forms of the page post: /admin/domains or /admin/groups/{slug}/domains. */
export function domainsBase(group?: { slug: string }): string {
  return group ? `/admin/groups/${encodeURIComponent(group.slug)}/domains` : "/admin/domains";
}

const STATUS_TONE: Record<DomainPageItem["status"], string> = {
  pending: "badge-warning",
  verified: "badge-info",
  active: "badge-success",
  ended: "badge-danger",
  expired: "badge-quiet",
};

/** Cloudflare's many certificate (and hostname) states, in three words a reader understands. */
export function stateWord(status: string): "active" | "pending" | "failed" {
  if (status === "active") return "active";
  if (/timed_out|expired|deleted|blocked|failed|moved|inactive/.test(status)) return "failed";
  return "pending";
}

function StateLine({ lang, label, status }: { lang: Lang; label: string; status: string }): VNode {
  const word = stateWord(status);
  return html`<div class="domain-state">
    <dt>${label}</dt>
    <dd>
      <span class=${`domain-dot domain-dot-${word}`} aria-hidden="true"></span>
      ${t(lang, `domains.state.${word}` as MessageKey)}
      ${word !== "active" && html` <code class="domain-code">${status}</code>`}
    </dd>
  </div>`;
}

function RecordsTable({ lang, domain }: { lang: Lang; domain: DomainPageItem }): VNode {
  const id = `records-${domain.hostname.replace(/[^a-z0-9]/g, "-")}`;
  return html`<div class="domain-records">
    <h3 class="domain-subtitle" id=${id}>${t(lang, "domains.records_title")}</h3>
    <p class="field-hint">${t(lang, "domains.records_hint")}</p>
    <div class="dns-scroll">
      ${DataTable({
        className: "table table-stack-sm dns-table",
        labelledBy: id,
        columns: [t(lang, "domains.col.type"), t(lang, "domains.col.name"), t(lang, "domains.col.value")],
        children: domain.verification.map(
          (r) => html`<tr>
            <td data-label=${t(lang, "domains.col.type")}><span class="badge badge-quiet">${r.type}</span></td>
            <td data-label=${t(lang, "domains.col.name")}><code class="copyable" tabindex="0">${r.name}</code></td>
            <td data-label=${t(lang, "domains.col.value")}><code class="copyable" tabindex="0">${r.value}</code></td>
          </tr>`,
        ),
      })}
    </div>
  </div>`;
}

function DomainCard({ ctx, domain, base, owner }: { ctx: PageContext; domain: DomainPageItem; base: string; owner?: { name: string; slug: string } | undefined }): VNode {
  const { lang } = ctx;
  const tz = ctx.tenant?.timezone ?? null;
  const path = `${base}/${encodeURIComponent(domain.hostname)}`;
  const live = domain.status === "pending" || domain.status === "verified" || domain.status === "active";
  const body: Partial<Record<DomainPageItem["status"], VNode | string>> = {
    verified: t(lang, "domains.verified_body"),
    active: html`${t(lang, "domains.active_body")} <a href=${`https://${domain.hostname}/`}>https://${domain.hostname}</a>`,
    ended: t(lang, "domains.ended_body"),
    expired: t(lang, "domains.expired_body"),
  };
  return html`<section class="card domain-card" aria-labelledby=${`domain-${domain.hostname}`}>
    <div class="domain-head">
      <h2 class="domain-host" id=${`domain-${domain.hostname}`}>${domain.hostname}</h2>
      <span class=${`badge ${STATUS_TONE[domain.status]}`}>${t(lang, `domains.status.${domain.status}` as MessageKey)}</span>
    </div>
    ${owner && html`<p class="domain-note">${t(lang, "domains.for_group")} <a href=${domainsBase(owner)}>${owner.name}</a></p>`}
    ${body[domain.status] && html`<p class="domain-note">${body[domain.status]}</p>`}
    ${domain.status === "pending" && domain.expiresAt && html`<p class="domain-note">${t(lang, "domains.expires", { date: formatDate(lang, domain.expiresAt, { timeZone: tz }) })}</p>`}
    ${live &&
    html`<dl class="domain-states">
      <div class="domain-state">
        <dt>${t(lang, "domains.ownership")}</dt>
        <dd>
          <span class=${`domain-dot domain-dot-${domain.status === "pending" ? "pending" : "active"}`} aria-hidden="true"></span>
          ${t(lang, domain.status === "pending" ? "domains.state.pending" : "domains.state.active")}
        </dd>
      </div>
      ${StateLine({ lang, label: t(lang, "domains.hostname_state"), status: domain.hostnameStatus })}
      ${StateLine({ lang, label: t(lang, "domains.certificate"), status: domain.certificate.status })}
    </dl>`}
    ${live && domain.status !== "active" && RecordsTable({ lang, domain })}
    ${domain.checkedAt && html`<p class="field-hint">${t(lang, "domains.checked", { date: formatDate(lang, domain.checkedAt, { timeZone: tz, time: true }) })}</p>`}
    <div class="domain-actions">
      ${live && ActionForm({ action: `${path}/verify`, variant: "primary", children: t(lang, "domains.verify"), label: t(lang, "domains.verify_label", { hostname: domain.hostname }) })}
      ${ActionForm({ action: `${path}/remove`, variant: "danger", children: t(lang, "domains.remove"), label: t(lang, "domains.remove_label", { hostname: domain.hostname }) })}
    </div>
  </section>`;
}

/** /admin/domains and /admin/groups/{slug}/domains: add a hostname, publish its records, verify, remove. */
export function DomainsPage({ ctx, domains, group, pendingRequests, viewingAsMember, values = {}, errors = {}, formError, notice, groups = {} }: DomainsPageProps): VNode {
  const { lang } = ctx;
  const base = domainsBase(group);
  return AdminShell({
    ctx,
    section: group ? "groups" : "domains",
    group,
    pendingRequests,
    viewingAsMember,
    children: html`
      ${group && html`<h2 class="section-title">${t(lang, "domains.title")}</h2>`}
      ${FormMessages({ lang, notice, formError, errors })}
      <p class="lead domain-intro">${t(lang, group ? "domains.group_intro" : "domains.intro")}</p>
      <form class="card form domain-add" method="post" action=${base}>
        <h2 class="domain-subtitle">${t(lang, "domains.add_title")}</h2>
        <div class="domain-add-row">
          ${Field({
            name: "hostname",
            label: t(lang, "domains.hostname"),
            value: values.hostname ?? "",
            required: true,
            maxlength: 253,
            autocomplete: "off",
            inputmode: "url",
            verbatim: true,
            hint: t(lang, "domains.hostname_hint"),
            error: errors.hostname,
          })}
          ${Button({ children: t(lang, "domains.add") })}
        </div>
      </form>
      ${domains.length === 0
        ? Alert({ tone: "info", children: t(lang, "domains.empty") })
        : html`<div class="domain-list">${domains.map((domain) => DomainCard({ ctx, domain, base, owner: !group && domain.groupId ? groups[domain.groupId] : undefined }))}</div>`}
    `,
  });
}
