import { html } from "htm/preact";
import type { VNode } from "preact";
import { t } from "../../i18n";
import { Alert, AuthCard, Button, ButtonLink } from "../../ui/components";
import type { PageContext } from "../../ui/page";

/**
 * A one-time sign-in link lands here: signing in takes a click (a POST), so the mail
 * scanners that open every link in an email cannot use it up.
 */
export function LoginLinkPage({ ctx, token, invalid }: { ctx: PageContext; token: string; invalid?: boolean }): VNode {
  const { lang } = ctx;
  const community = ctx.tenant?.name ?? "";
  if (invalid) {
    return AuthCard({
      title: t(lang, "login_link.title"),
      children: html`${Alert({ tone: "error", children: t(lang, "login_link.invalid") })}
        ${ButtonLink({ href: "/login", variant: "secondary", block: true, children: t(lang, "layout.login") })}`,
    });
  }
  return AuthCard({
    title: t(lang, "login_link.title"),
    intro: t(lang, "login_link.intro", { community }),
    children: html`<form class="form" method="post" action="/login/link">
      <input type="hidden" name="token" value=${token} />
      ${Button({ children: t(lang, "login_link.submit"), block: true })}
    </form>`,
  });
}
