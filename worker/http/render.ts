import type { Context } from "hono";
import type { VNode } from "preact";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t, type Lang, type MessageKey } from "../../web/i18n";
import { renderToString } from "preact-render-to-string";
import { renderDocument, renderDocumentBytes, type Page, type PageContext, type RenderedBody } from "../../web/ui/page";
import { idOf, remembered } from "../../web/ui/memo";
import type { AppEnv } from "../env";
import { viewingAsMember } from "./context";
import { platformUrl } from "../tenancy/hosts";

/** `new URL(url).pathname` of a request URL (already serialised by the runtime), without parsing a URL on every page. */
export function pathnameOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return url.slice(start, query === -1 ? undefined : query);
}

export function pageContext(c: Context<AppEnv>): PageContext {
  const tenant = c.get("tenant") ?? null;
  const group = c.get("hostGroup") ?? null;
  const logoKey = group?.logoKey ?? tenant?.logoKey ?? null;
  const faviconKey = group?.faviconKey ?? tenant?.faviconKey ?? null;
  return {
    tenant,
    user: c.get("user") ?? null,
    userAvatarUrl: c.get("avatarUrl") ?? null,
    lang: (c.get("language") ?? "fr") as Lang,
    nonce: c.get("cspNonce") ?? "",
    path: pathnameOf(c.req.url),
    rootUrl: platformUrl(c.env, null),
    tenantUrl: tenant ? platformUrl(c.env, tenant.subdomain) : null,
    logoUrl: logoKey ? `/media/${logoKey}` : null,
    faviconUrl: faviconKey ? `/media/${faviconKey}` : null,
    profilePrompt: c.get("profilePrompt"),
    pendingMembers: c.get("pendingMembers"),
    pendingMemberships: c.get("pendingMemberships"),
    helpUnread: c.get("helpUnread"),
    viewingAsMember: viewingAsMember(c),
    membershipTab: c.get("membershipTab"),
  };
}

export function renderPage(c: Context<AppEnv>, title: string, body: VNode, status: ContentfulStatusCode = 200) {
  return renderWith(c, pageContext(c), { title, body }, status);
}

/** Renders with a context the caller built (a group page wears the group's logo, favicon and colours). */
export function renderWith(c: Context<AppEnv>, ctx: PageContext, page: Page, status: ContentfulStatusCode = 200) {
  c.header("Cache-Control", "no-store");
  // A remembered body (the same object while its inputs stay the same) comes with its document
  // already laid out and encoded: only the nonce is new (web/ui/page.ts renderDocumentBytes).
  if ("rendered" in page.body) {
    const shellKey = `${contextKey(ctx)}\u0001${page.title}\u0001${page.brand ? JSON.stringify(page.brand) : ""}`;
    return c.body(renderDocumentBytes(ctx, { ...page, body: page.body }, shellKey), status, { "Content-Type": "text/html; charset=UTF-8" });
  }
  return c.html(renderDocument(ctx, page), status);
}

/** The page context of a group's page: its favicon (its logo and cover are in the page itself). */
export function groupPageContext(c: Context<AppEnv>, branding: { faviconUrl: string | null }): PageContext {
  const ctx = pageContext(c);
  return { ...ctx, faviconUrl: branding.faviconUrl ?? ctx.faviconUrl };
}

/**
 * What a page may announce after a form redirected to it with `?done=`: only the notices
 * the page lists, in the reader's language (anything else in the URL is ignored).
 */
export function doneNotice(c: Context<AppEnv>, notices: Record<string, MessageKey>): { notice?: string } {
  const key = notices[c.req.query("done") ?? ""];
  return key ? { notice: t((c.get("language") ?? "fr") as Lang, key) } : {};
}

/**
 * The page context as part of a memo key (a body rendered once per distinct inputs): everything
 * but the nonce, which no body reads; the community and the reader stand in by identity (their
 * rows come from the per-isolate read caches and are never changed in place, so the same object
 * means the same content), which keeps the key short on the hottest pages. Each field is named
 * (render.test.ts holds that every field of the context changes the key).
 */
export function contextKey(ctx: PageContext): string {
  let key = contextKeys.get(ctx);
  if (key === undefined) {
    const { tenant, user, profilePrompt } = ctx;
    key = `${tenant ? idOf(tenant) : 0}\u0001${user ? idOf(user) : 0}\u0001${ctx.lang}\u0001${ctx.path}\u0001${ctx.rootUrl}\u0001${ctx.tenantUrl}\u0001${ctx.logoUrl}\u0001${ctx.faviconUrl}\u0001${ctx.userAvatarUrl}\u0001${ctx.pendingMembers}\u0001${ctx.pendingMemberships}\u0001${ctx.helpUnread}\u0001${ctx.viewingAsMember}\u0001${ctx.membershipTab}\u0001${profilePrompt ? JSON.stringify(profilePrompt) : ""}`;
    contextKeys.set(ctx, key);
  }
  return key;
}

/** A page asks for its context's key, then `renderWith` for the same context's: computed once (a context is built per request and not changed after). */
const contextKeys = new WeakMap<PageContext, string>();

/**
 * A page's store of bodies rendered once per distinct inputs (at most `max`: a few hundred
 * readers' pages of some KB each): the page context (by `contextKey`) and `inputs`, a string that
 * names everything else the body reads (the nonce aside, which no body reads). A remembered body
 * is the same object while its inputs stay the same, so `renderWith` also lays it out and encodes
 * it once.
 */
export function rememberedBodies(max: number): (ctx: PageContext, inputs: string, render: () => VNode) => RenderedBody {
  const bodies = remembered<RenderedBody>(max);
  return (ctx, inputs, render) => bodies(`${contextKey(ctx)}\u0001${inputs}`, () => ({ rendered: renderToString(render()) }));
}
