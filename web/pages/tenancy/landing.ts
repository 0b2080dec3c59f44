import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type MessageKey } from "../../i18n";
import { ButtonLink, Section } from "../../ui/components";
import type { PageContext } from "../../ui/page";

const FEATURES = ["communities", "groups", "invitations", "chat", "portal", "cloudflare"] as const;
const STEPS = ["step1", "step2", "step3"] as const;

/** The landing's two list sections: the features (with an icon each), then the steps. */
const LIST_SECTIONS = [
  {
    id: "features-title",
    title: "landing.features_title",
    list: "ul",
    listClass: "feature-grid",
    itemClass: "card feature",
    items: FEATURES.map((feature) => ({ icon: feature as string | undefined, key: `landing.feature.${feature}` as const })),
  },
  {
    id: "steps-title",
    title: "landing.steps_title",
    list: "ol",
    listClass: "steps",
    itemClass: "step",
    items: STEPS.map((step) => ({ icon: undefined, key: `landing.${step}` as const })),
  },
] as const;

export function PlatformLandingPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return html`<div class="landing">
    <section class="hero hero-platform">
      <div class="container hero-inner">
        <p class="eyebrow">${t(lang, "landing.eyebrow")}</p>
        <h1 class="hero-title">${t(lang, "landing.hero_title")}</h1>
        <p class="lead">${t(lang, "landing.hero_body")}</p>
        <div class="actions">${ButtonLink({ href: "/new", size: "lg", children: t(lang, "landing.cta") })}</div>
        <p class="hero-note">${t(lang, "landing.cta_note")}</p>
      </div>
    </section>

    ${LIST_SECTIONS.map(
      (section) => html`${Section({
        id: section.id,
        className: "container section",
        title: t(lang, section.title),
        children: html`<${section.list} class=${section.listClass}>
          ${section.items.map(
            (item) => html`<li class=${section.itemClass}>
              ${item.icon && html`<span class=${`feature-icon feature-icon-${item.icon}`} aria-hidden="true"></span>`}
              <h3>${t(lang, `${item.key}.title` satisfies MessageKey)}</h3>
              <p>${t(lang, `${item.key}.body` satisfies MessageKey)}</p>
            </li>`,
          )}
        <//>`,
      })}`,
    )}

    <section class="container section">
      <div class="card cta-band">
        <div>
          <h2>${t(lang, "landing.final_title")}</h2>
          <p>${t(lang, "landing.final_body")}</p>
        </div>
        ${ButtonLink({ href: "/new", size: "lg", children: t(lang, "landing.cta") })}
      </div>
    </section>
  </div>`;
}
