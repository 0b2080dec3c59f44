import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { AuthCard, ButtonLink } from "../../ui/components";
import type { PageContext } from "../../ui/page";

/**
 * After "Create my community" on the root host: the community is ready and the browser
 * moves on to it (a meta refresh, which the page's CSP allows where a cross-host form
 * redirect is refused), with a plain link for when it does not.
 */
export function HandoffPage({ ctx, community, href }: { ctx: PageContext; community: string; href: string }): VNode {
  const { lang } = ctx;
  return html`<meta http-equiv="refresh" content=${`0;url=${href}`} />
    ${AuthCard({
      title: t(lang, "handoff.title"),
      intro: t(lang, "handoff.intro", { community }),
      children: ButtonLink({ href, variant: "primary", block: true, children: t(lang, "handoff.go") }),
    })}`;
}

/** On the tenant host: the handoff link was used already or is too old. */
export function HandoffInvalidPage({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  return AuthCard({
    title: t(lang, "handoff.invalid_title"),
    intro: t(lang, "handoff.invalid_body"),
    children: ButtonLink({ href: "/login", variant: "primary", block: true, children: t(lang, "handoff.login") }),
  });
}
