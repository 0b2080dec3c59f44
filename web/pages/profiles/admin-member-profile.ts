import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { t } from "../../i18n";
import { Button, ButtonLink, Field, TextareaField } from "../../ui/components";
import type { PageContext } from "../../ui/page";
import { ProfileAvatar } from "./me";
import { ProfileInputs, type InputValue, type ProfileInputField } from "./inputs";
import { FormMessages } from "../../ui/admin-forms";
import { AdminShell } from "../../ui/admin-layout";

export type AdminMemberField = ProfileInputField & { visibility: "member" | "admins"; memberEditable: boolean; applies: boolean };
export type AdminMemberProfileView = {
  id: string;
  name: string;
  email: string;
  bio: string | null;
  avatarUrl: string | null;
  groups: string[];
  fields: AdminMemberField[];
};

/** /admin/members/{id}/profile: every field of one member, each editable by the admin. */
export function AdminMemberProfilePage({
  ctx,
  viewingAsMember,
  profile,
  values,
  errors = {},
  formError,
  notice,
  after,
}: {
  ctx: PageContext;
  viewingAsMember: boolean;
  profile: AdminMemberProfileView;
  /** More about this member, below the profile's form (the resources hidden from them). */
  after?: ComponentChildren;
  values?: { name?: string; bio?: string; fields?: Record<string, InputValue> };
  errors?: Record<string, string>;
  formError?: string | undefined;
  notice?: string | undefined;
}): VNode {
  const { lang } = ctx;
  const hint = (f: ProfileInputField) => {
    const field = f as AdminMemberField;
    const notes = [
      field.visibility === "admins" ? t(lang, "admin.member_profile.admins_only") : !field.memberEditable ? t(lang, "admin.member_profile.read_only") : null,
      field.applies ? null : t(lang, "admin.member_profile.not_asked"),
    ].filter(Boolean);
    return notes.length ? notes.join(" ") : undefined;
  };
  return AdminShell({
    ctx,
    section: "members",
    heading: profile.name,
    viewingAsMember,
    children: html`
      ${FormMessages({ lang, notice, formError, errors })}
      <section class="card admin-panel member-profile-head">
        ${ProfileAvatar({ id: profile.id, name: profile.name, url: profile.avatarUrl })}
        <div>
          <p class="member-profile-email"><a href=${`mailto:${profile.email}`}>${profile.email}</a></p>
          <p class="field-hint">${profile.groups.length ? t(lang, "admin.member_profile.groups", { groups: profile.groups.join(", ") }) : t(lang, "admin.accounts.no_group")}</p>
        </div>
      </section>
      <form class="card form admin-panel" method="post" action=${`/admin/members/${encodeURIComponent(profile.id)}/profile`}>
        ${Field({ name: "name", label: t(lang, "profile.name"), value: values?.name ?? profile.name, required: true, maxlength: 100, error: errors.name })}
        ${TextareaField({ name: "bio", label: t(lang, "profile.bio"), value: values?.bio ?? profile.bio ?? "", rows: 3, maxlength: 2000, error: errors.bio })}
        ${profile.fields.length > 0
          ? html`<fieldset class="fieldset profile-fields">
              <legend class="legend">${t(lang, "admin.nav.profile_fields")}</legend>
              ${ProfileInputs({ lang, fields: profile.fields.map((f) => ({ ...f, required: false })), values: values?.fields ?? {}, errors, hint })}
            </fieldset>`
          : html`<p class="field-hint">${t(lang, "admin.member_profile.no_fields")} <a href="/admin/profile-fields">${t(lang, "admin.nav.profile_fields")}</a></p>`}
        <div class="form-actions">
          ${Button({ children: t(lang, "profile.save"), size: "lg" })}
          ${ButtonLink({ href: "/admin/members", variant: "ghost", children: t(lang, "admin.accounts.back_to_list") })}
        </div>
      </form>
      ${after}
    `,
  });
}
