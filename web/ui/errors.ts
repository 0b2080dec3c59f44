import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, type MessageKey } from "../i18n";
import { ButtonLink } from "./components";
import type { PageContext } from "./page";

function ErrorPanel({ code, title, body, action }: { code: string; title: string; body: string; action: VNode }): VNode {
  return html`<div class="container narrow error-panel">
    <p class="error-code">${code}</p>
    <h1 class="page-title">${title}</h1>
    <p class="lead">${body}</p>
    <div class="actions">${action}</div>
  </div>`;
}

export function NotFoundPage({ ctx, kind }: { ctx: PageContext; kind: "no_community" | "page" }): VNode {
  const { lang } = ctx;
  if (kind === "no_community") {
    return ErrorPanel({
      code: "404",
      title: t(lang, "no_community.title"),
      body: t(lang, "no_community.body"),
      action: ButtonLink({ href: `${ctx.rootUrl.replace(/\/+$/, "")}/new`, children: t(lang, "no_community.cta") }),
    });
  }
  return ErrorPanel({
    code: "404",
    title: t(lang, "not_found.title"),
    body: t(lang, "not_found.body"),
    action: ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") }),
  });
}

const TITLES: Partial<Record<number, MessageKey>> = {
  401: "error_page.title_401",
  403: "error_page.title_403",
  404: "error_page.title_404",
  429: "error_page.title_429",
};

export function ErrorPage({ ctx, status, message }: { ctx: PageContext; status: number; message: string }): VNode {
  const { lang } = ctx;
  return ErrorPanel({
    code: t(lang, "error_page.status", { status }),
    title: t(lang, TITLES[status] ?? "error_page.title"),
    body: message,
    action:
      status === 401
        ? ButtonLink({ href: "/login", children: t(lang, "layout.login") })
        : ButtonLink({ href: "/", variant: "secondary", children: t(lang, "form.back_home") }),
  });
}
