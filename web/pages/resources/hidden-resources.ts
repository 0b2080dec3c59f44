import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type Lang } from "../../i18n";
import type { HiddenResourcesView } from "../../../worker/resources/types";
import { Button, CheckboxField } from "../../ui/components";

export const hiddenResourcesPath = (userId: string) => `/admin/members/${encodeURIComponent(userId)}/hidden-resources`;

/**
 * On a member's admin page: the resources hidden from this member alone, as checkboxes
 * posting `resourceIds` (a list); a line saying there are none when the community has none.
 */
export function HiddenResourcesForm({ lang, view, error }: { lang: Lang; view: HiddenResourcesView; error?: string | undefined }): VNode {
  const hidden = new Set(view.hiddenIds);
  return html`<section class="card admin-panel resource-member-hidden" aria-labelledby="resource-member-hidden-title" id="hidden-resources">
    <h2 class="card-title" id="resource-member-hidden-title">${t(lang, "resources.member_hidden.title")}</h2>
    ${view.resources.length === 0
      ? html`<p class="field-hint">${t(lang, "resources.member_hidden.none")} <a href="/admin/resources">${t(lang, "admin.nav.resources")}</a></p>`
      : html`<form class="form" method="post" action=${hiddenResourcesPath(view.userId)}>
          <fieldset class=${error ? "field resource-member-hidden-list has-error" : "field resource-member-hidden-list"} aria-describedby=${error ? "resource-member-hidden-hint resource-member-hidden-error" : "resource-member-hidden-hint"}>
            <legend class="sr-only">${t(lang, "resources.member_hidden.legend")}</legend>
            <p class="field-hint" id="resource-member-hidden-hint">${t(lang, "resources.member_hidden.hint")}</p>
            <input type="hidden" name="sent" value="1" />
            ${view.resources.map((r, i) =>
              CheckboxField({
                name: "resourceIds",
                id: `field-resourceIds-${i}`,
                value: r.id,
                label: r.hidden ? `${r.name} · ${r.category} (${t(lang, "resources.hidden_badge")})` : `${r.name} · ${r.category}`,
                checked: hidden.has(r.id),
              }),
            )}
            ${error && html`<p class="field-error" id="resource-member-hidden-error">${error}</p>`}
          </fieldset>
          <div class="form-actions">${Button({ children: t(lang, "resources.member_hidden.save"), variant: "secondary" })}</div>
        </form>`}
  </section>`;
}
