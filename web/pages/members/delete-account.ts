import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Button } from "../../ui/components";
import type { PageContext } from "../../ui/page";
import { PlainPasswordField } from "../../ui/plain-password";

/** On /me: a member deletes their own account with their password (the owner cannot). */
export function DeleteAccountCard({ ctx, isOwner, error }: { ctx: PageContext; isOwner: boolean; error?: string | undefined }): VNode {
  const { lang } = ctx;
  const id = "field-delete-password";
  return html`<section class="card delete-account" id="delete-account" aria-labelledby="delete-account-title">
    <h2 class="card-title" id="delete-account-title">${t(lang, "me.delete_title")}</h2>
    ${isOwner
      ? html`<p class="field-hint">${t(lang, "me.delete_owner")}</p>`
      : html`<p class="card-intro">${t(lang, "me.delete_intro")}</p>
          <form class="form delete-account-form" method="post" action="/me/delete">
            ${PlainPasswordField({
              id,
              label: t(lang, "me.delete_password"),
              attrs: {
                required: true,
                maxlength: "512",
                autocomplete: "current-password",
                "aria-invalid": error ? "true" : undefined,
                "aria-describedby": error ? `${id}-error` : undefined,
              },
              error,
            })}
            <div class="form-actions">${Button({ children: t(lang, "me.delete_button"), variant: "danger" })}</div>
          </form>`}
  </section>`;
}
