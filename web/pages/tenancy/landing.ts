import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type MessageKey } from "../../i18n";
import { ButtonLink, Section } from "../../ui/components";
import type { PageContext } from "../../ui/page";

const FEATURES = ["communities", "groups", "invitations", "chat", "portal", "cloudflare"] as const;
const STEPS = ["step1", "step2", "step3"] as const;

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

    ${Section({
      id: "features-title",
      className: "container section",
      title: t(lang, "landing.features_title"),
      children: html`<ul class="feature-grid">
        ${FEATURES.map(
          (feature) => html`<li class="card feature">
            <span class=${`feature-icon feature-icon-${feature}`} aria-hidden="true"></span>
            <h3>${t(lang, `landing.feature.${feature}.title` satisfies MessageKey)}</h3>
            <p>${t(lang, `landing.feature.${feature}.body` satisfies MessageKey)}</p>
          </li>`,
        )}
      </ul>`,
    })}
    ${Section({
      id: "steps-title",
      className: "container section",
      title: t(lang, "landing.steps_title"),
      children: html`<ol class="steps">
        ${STEPS.map(
          (step) => html`<li class="step">
            <h3>${t(lang, `landing.${step}.title` satisfies MessageKey)}</h3>
            <p>${t(lang, `landing.${step}.body` satisfies MessageKey)}</p>
          </li>`,
        )}
      </ol>`,
    })}

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
