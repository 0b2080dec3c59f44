import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t, type Lang, type MessageKey } from "../../i18n";
import { Button, CheckboxField, ChoiceField, FormSection, TextareaField } from "../../ui/components";
import { fieldMessages } from "../../ui/fields";
import { formatDate } from "../../ui/format";
import type { PageContext } from "../../ui/page";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

export type BannerState = "open" | "temporarily_closed" | "restricted";
export const BANNER_STATES: readonly BannerState[] = ["open", "temporarily_closed", "restricted"];

/** The stored banner (times as ISO instants). */
export type PortalBannerView = { state: BannerState; message: string; from: string | null; until: string | null };

/** Whether members see the stored banner now, and if not why: `silent` is "open" without a message. */
export type BannerShowing = "now" | "scheduled" | "ended" | "silent" | "none";

export type PortalSettingsPageProps = {
  ctx: PageContext;
  /** The switches shown, in order (each has `portal.switch.{key}.label|desc` in the catalogs), with their state. */
  switches: { key: string; on: boolean }[];
  welcomeMessage: string | null;
  cancellationMessage: string | null;
  status: PortalBannerView | null;
  /** The banner's window as `datetime-local` values in the community's timezone ("" when open-ended). */
  statusLocal: { from: string; until: string };
  showing: BannerShowing;
  timezone: string;
  values?: Record<string, string> | undefined;
  errors?: Record<string, string> | undefined;
  formError?: string | undefined;
  notice?: string | undefined;
};

/** The two pages of the section: switches and messages, then announcements. */
export function PortalTabs({ lang, here }: { lang: Lang; here: "settings" | "announcements" }): VNode {
  const tabs = [
    { id: "settings", href: "/admin/portal", label: t(lang, "portal.tab.settings") },
    { id: "announcements", href: "/admin/portal/announcements", label: t(lang, "portal.tab.announcements") },
  ];
  return html`<nav class="tabs-nav portal-tabs" aria-label=${t(lang, "portal.tabs")}>
    <ul class="tabs">
      ${tabs.map((tab) => html`<li><a class="tab" href=${tab.href} aria-current=${tab.id === here ? "page" : undefined}>${tab.label}</a></li>`)}
    </ul>
  </nav>`;
}

/** A `datetime-local` input with its label, hint and error (times of the community's timezone). */
function DateTimeField({ name, label, value, error, hint }: { name: string; label: string; value: string; error?: string | undefined; hint?: string | undefined }): VNode {
  const id = `field-${name}`;
  const messages = fieldMessages(id, { hint, error });
  return html`<div class=${error ? "field has-error" : "field"}>
    <label class="label" for=${id}>${label}</label>
    <input
      class="input"
      type="datetime-local"
      id=${id}
      name=${name}
      value=${value}
      aria-describedby=${messages.describedby}
      aria-invalid=${error ? "true" : undefined}
    />
    ${messages.nodes}
  </div>`;
}

/** The banner as members see it on their dashboard (state, message, end). */
export function BannerPreview({ lang, banner, timezone }: { lang: Lang; banner: PortalBannerView; timezone: string }): VNode {
  return html`<div class=${`portal-banner portal-banner-${banner.state}`}>
    <span class="portal-banner-state">${t(lang, `portal.status.state.${banner.state}` as MessageKey)}</span>
    ${banner.message && html`<span class="portal-banner-message">${banner.message}</span>`}
    ${banner.until && html`<span class="portal-banner-until">${t(lang, "portal.status.until_line", { date: formatDate(lang, banner.until, { timeZone: timezone, time: true }) })}</span>`}
  </div>`;
}

function BannerStatusLine({ lang, status, showing, timezone }: { lang: Lang; status: PortalBannerView | null; showing: BannerShowing; timezone: string }): VNode {
  const date = (iso: string | null) => (iso ? formatDate(lang, iso, { timeZone: timezone, time: true }) : "");
  const why: Record<Exclude<BannerShowing, "now">, string> = {
    scheduled: t(lang, "portal.status.scheduled", { date: date(status?.from ?? null) }),
    ended: t(lang, "portal.status.ended", { date: date(status?.until ?? null) }),
    silent: t(lang, "portal.status.open_silent"),
    none: t(lang, "portal.status.none"),
  };
  return html`<p class="portal-showing">
    <span class=${showing === "now" ? "badge badge-success" : "badge badge-quiet"}>${t(lang, showing === "now" ? "portal.status.showing" : "portal.status.not_showing")}</span>
    ${showing !== "now" && html` <span class="portal-showing-why">${why[showing]}</span>`}
  </p>`;
}

function Actions({ children }: { children: ComponentChildren }): VNode {
  return html`<div class="form-actions portal-actions">${children}</div>`;
}

/** /admin/portal: the members' tabs and actions, the welcome and cancellation messages, the status banner. */
export function AdminPortalPage(props: PortalSettingsPageProps): VNode {
  const { ctx, values = {}, errors = {} } = props;
  const { lang } = ctx;
  const stored = props.status;
  return AdminShell({
    ctx,
    section: "portal",
    viewingAsMember: false,
    children: html`
      ${PortalTabs({ lang, here: "settings" })}
      <p class="portal-lead">${t(lang, "portal.lead")}</p>
      ${FormMessages({ lang, notice: props.notice, formError: props.formError, errors })}
      <div class="portal-forms">
        <form class="form admin-form" method="post" action="/admin/portal/switches" id="portal-switches">
          ${FormSection({
            legend: t(lang, "portal.switches.title"),
            hint: t(lang, "portal.switches.hint"),
            children: html`<div class="portal-switches">
              ${props.switches.map(
                ({ key, on }) => html`<div class="portal-switch">
                  <input type="hidden" name=${`features.${key}`} value="off" />
                  ${CheckboxField({
                    name: `features.${key}`,
                    id: `field-switch-${key}`,
                    label: t(lang, `portal.switch.${key}.label` as MessageKey),
                    hint: t(lang, `portal.switch.${key}.desc` as MessageKey),
                    checked: on,
                  })}
                </div>`,
              )}
            </div>`,
          })}
          ${Actions({ children: Button({ children: t(lang, "portal.switches.save") }) })}
        </form>

        <form class="form admin-form" method="post" action="/admin/portal/messages" id="portal-messages">
          ${FormSection({
            legend: t(lang, "portal.messages.title"),
            hint: t(lang, "portal.messages.hint"),
            children: html`${TextareaField({
              name: "welcomeMessage",
              label: t(lang, "portal.welcome.label"),
              value: values.welcomeMessage ?? props.welcomeMessage ?? "",
              rows: 5,
              maxlength: 20000,
              hint: t(lang, "portal.welcome.hint"),
              error: errors.welcomeMessage,
            })}
            ${TextareaField({
              name: "cancellationMessage",
              label: t(lang, "portal.cancellation.label"),
              value: values.cancellationMessage ?? props.cancellationMessage ?? "",
              rows: 4,
              maxlength: 20000,
              hint: t(lang, "portal.cancellation.hint"),
              error: errors.cancellationMessage,
            })}`,
          })}
          ${Actions({ children: Button({ children: t(lang, "portal.messages.save") }) })}
        </form>

        <form class="form admin-form" method="post" action="/admin/portal/status" id="portal-status">
          ${FormSection({
            legend: t(lang, "portal.status.title"),
            hint: t(lang, "portal.status.hint"),
            children: html`<div class="portal-preview" aria-labelledby="portal-preview-title">
              <p class="label" id="portal-preview-title">${t(lang, "portal.status.preview")}</p>
              ${BannerStatusLine({ lang, status: stored, showing: props.showing, timezone: props.timezone })}
              ${stored && props.showing !== "silent" && BannerPreview({ lang, banner: stored, timezone: props.timezone })}
            </div>
            ${ChoiceField({
              name: "state",
              legend: t(lang, "portal.status.state"),
              value: values.state ?? stored?.state ?? "open",
              error: errors.state,
              options: BANNER_STATES.map((state) => ({
                value: state,
                label: t(lang, `portal.status.state.${state}` as MessageKey),
                description: t(lang, `portal.status.state_desc.${state}` as MessageKey),
              })),
            })}
            ${TextareaField({
              name: "message",
              label: t(lang, "portal.status.message"),
              value: values.message ?? stored?.message ?? "",
              rows: 2,
              maxlength: 2000,
              hint: t(lang, "portal.status.message_hint"),
              error: errors.message,
            })}
            <p class="field-hint portal-window-hint">${t(lang, "portal.status.window_hint", { timezone: props.timezone })}</p>
            <div class="field-pair">
              ${DateTimeField({ name: "from", label: t(lang, "portal.status.from"), value: values.from ?? props.statusLocal.from, error: errors.from })}
              ${DateTimeField({ name: "until", label: t(lang, "portal.status.until"), value: values.until ?? props.statusLocal.until, error: errors.until })}
            </div>`,
          })}
          ${Actions({
            children: html`${Button({ children: t(lang, "portal.status.save") })}
            ${stored && html`<button type="submit" class="btn btn-secondary" form="portal-status-clear">${t(lang, "portal.status.clear")}</button>`}`,
          })}
        </form>
        ${stored && html`<form id="portal-status-clear" method="post" action="/admin/portal/status/clear"></form>`}
      </div>
    `,
  });
}
