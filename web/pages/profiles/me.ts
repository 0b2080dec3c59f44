import { html } from "htm/preact";
import type { VNode } from "preact";
import { languageOptions, t } from "../../i18n";
import { ActionForm, Button, Field, FileField, FormMessages, PageHead, SelectField, TextareaField } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";
import { safeImageUrl } from "../../ui/url";
import { Avatar } from "../groups/shared";
import { ProfileInputs, ValueView, type InputValue, type ProfileInputField } from "./inputs";

export type OwnFieldView = ProfileInputField & { editable: boolean; public?: boolean };
export type OwnProfileView = { id: string; name: string; bio: string | null; avatarUrl: string | null; language: string | null; fields: OwnFieldView[] };

export const AVATAR_INPUT_ACCEPT = "image/png,image/jpeg,image/webp,image/gif";

/** The member's picture, or their initial. */
export function ProfileAvatar({ id, name, url, size = "lg" }: { id: string; name: string; url: string | null; size?: "lg" | "xl" }): VNode {
  const src = safeImageUrl(url);
  return src
    ? html`<img class=${`profile-avatar profile-avatar-${size}`} src=${src} alt="" width="96" height="96" />`
    : html`<span class=${`profile-avatar profile-avatar-${size} profile-avatar-initial`}>${Avatar({ id, name, size: "lg" })}</span>`;
}

/**
 * /me: the member's own profile. Name, bio, language and the community's fields they may
 * edit are one form (no JavaScript needed); fields set by the admins are shown read-only;
 * the picture has its own small form (a file upload).
 */
export function ProfilePage({
  ctx,
  profile,
  values,
  errors = {},
  notice,
  formError,
  avatarError,
  directoryOn,
  deleteAccount,
  calendarFeed,
}: {
  ctx: PageContext;
  profile: OwnProfileView;
  /** The posted form, to show again after an error. */
  values?: { name?: string; bio?: string; language?: string; fields?: Record<string, InputValue> };
  errors?: Record<string, string>;
  notice?: string | undefined;
  formError?: string | undefined;
  avatarError?: string | undefined;
  /** Whether public fields show in the member directory (for the hints). */
  directoryOn: boolean;
  /** The "delete my account" card, below the profile. */
  deleteAccount?: VNode | undefined;
  /** The member's calendar feed and its "replace the address" form (web/pages/calendar/feed-control.ts), above it. */
  calendarFeed?: VNode | undefined;
}): VNode {
  const { lang } = ctx;
  const editable = profile.fields.filter((f) => f.editable);
  const readOnly = profile.fields.filter((f) => !f.editable);
  return html`<div class="container profile-page">
    ${PageHead({ className: "profile-head", title: t(lang, "profile.title"), lead: t(lang, "profile.intro", { community: siteName(ctx) }) })}
    ${FormMessages({ lang, notice, formError, errors })}
    <div class="profile-layout">
      <section class="card profile-photo" aria-labelledby="photo-title">
        <h2 class="card-title" id="photo-title">${t(lang, "profile.photo_title")}</h2>
        <div class="profile-photo-body">
          ${ProfileAvatar({ id: profile.id, name: profile.name, url: profile.avatarUrl })}
          <form class="form profile-photo-form" method="post" action="/me/avatar" enctype="multipart/form-data">
            ${FileField({
              name: "avatar",
              label: t(lang, "profile.photo_file"),
              accept: AVATAR_INPUT_ACCEPT,
              required: true,
              hint: t(lang, "profile.photo_hint"),
              error: avatarError,
            })}
            <div class="form-actions">${Button({ children: t(lang, "profile.photo_upload"), variant: "secondary" })}</div>
          </form>
          ${profile.avatarUrl &&
          ActionForm({ action: "/me/avatar/remove", children: t(lang, "profile.photo_remove"), variant: "ghost", className: "profile-photo-remove" })}
        </div>
      </section>
      <form class="card form profile-form" method="post" action="/me">
        <fieldset class="fieldset">
          <legend class="legend">${t(lang, "profile.about_title")}</legend>
          ${Field({ name: "name", label: t(lang, "profile.name"), value: values?.name ?? profile.name, required: true, maxlength: 100, autocomplete: "name", error: errors.name })}
          ${TextareaField({ name: "bio", label: t(lang, "profile.bio"), value: values?.bio ?? profile.bio ?? "", rows: 4, maxlength: 2000, hint: t(lang, directoryOn ? "profile.bio_hint" : "profile.bio_hint_no_directory"), error: errors.bio })}
          ${SelectField({
            name: "language",
            label: t(lang, "profile.language"),
            value: values?.language ?? profile.language ?? "",
            options: [{ value: "", label: t(lang, "profile.language_default") }, ...languageOptions(profile.language)],
            hint: t(lang, "profile.language_hint"),
            error: errors.language,
          })}
        </fieldset>
        ${editable.length > 0 &&
        html`<fieldset class="fieldset profile-fields">
          <legend class="legend">${t(lang, "profile.fields_title")}</legend>
          ${ProfileInputs({
            lang,
            fields: editable,
            values: values?.fields ?? {},
            errors,
            hint: (f) => ((f as OwnFieldView).public && directoryOn ? t(lang, "profile.public_hint") : undefined),
          })}
        </fieldset>`}
        ${readOnly.length > 0 &&
        html`<section class="profile-readonly" aria-labelledby="readonly-title">
          <h2 class="legend" id="readonly-title">${t(lang, "profile.readonly_title")}</h2>
          <p class="field-hint">${t(lang, "profile.readonly_hint")}</p>
          <dl class="profile-dl">
            ${readOnly.map(
              (f) => html`<div class="profile-dl-row">
                <dt>${f.label}</dt>
                <dd>${ValueView({ lang, type: f.type, value: f.value })}</dd>
              </div>`,
            )}
          </dl>
        </section>`}
        <div class="form-actions">${Button({ children: t(lang, "profile.save"), size: "lg" })}</div>
      </form>
    </div>
    ${calendarFeed} ${deleteAccount}
  </div>`;
}
