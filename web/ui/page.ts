import { html } from "htm/preact";
import type { ComponentChildren, VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import type { UserView } from "../../worker/auth/types";
import type { TenantView } from "../../worker/tenancy/types";
import { isLang, LANGS, t, tCount, type Lang } from "../i18n";
import type { ProfileInputField } from "../pages/profiles/inputs";
import { initial } from "./components";
import { Avatar } from "./avatar";
import { formatNumber } from "./format";
import { hasIslands } from "./island";
import { remembered } from "./memo";
import { brandHex, brandStyle, type BrandColors } from "./theme";

export type PageContext = {
  tenant: TenantView | null;
  user: UserView | null;
  /** The signed-in user's picture (`/media/…`), else their initials. */
  userAvatarUrl?: string | null | undefined;
  lang: Lang;
  nonce: string;
  /** The request's path (a query string, if any, is kept by the language links). */
  path: string;
  rootUrl: string;
  tenantUrl: string | null;
  logoUrl: string | null;
  faviconUrl: string | null;
  /** The profile fields a join page asks for (set by worker/profiles on /g/{slug}/join). */
  profilePrompt?: ProfilePrompt | undefined;
  /** Sign-up requests waiting for approval (admin pages, owners and admins): a count in the admin navigation. */
  pendingMembers?: number | undefined;
  /** Plan memberships waiting for approval (admin pages, owners and admins): a count in the admin navigation. */
  pendingMemberships?: number | undefined;
  /** Help desk issues with activity the admin has not seen (admin and help pages, owners and admins): a count in the admin navigation and on the header's admin link. */
  helpUnread?: number | undefined;
  /** "View as a member" is on: no admin links, and a banner on every page to switch back. */
  viewingAsMember?: boolean | undefined;
  /** The Membership tab (`/membership`): the community offers a plan or the member has a membership. */
  membershipTab?: boolean | undefined;
};

/** Fields asked on the sign-up part of a join form, and those the group itself requires. */
export type ProfilePrompt = { signup: ProfileInputField[]; join: (ProfileInputField & { missing: boolean })[] };

/** A page body already rendered to HTML (a memoized fragment), exactly as `renderToString` gave it. */
export type RenderedBody = { readonly rendered: string };

export type Page = {
  title: string;
  body: VNode | RenderedBody;
  /** Colours overriding the tenant's, e.g. a group page carrying the group's branding. */
  brand?: BrandColors;
};

/** The community's name on a tenant host, the product's on the root host. */
export function siteName(ctx: PageContext): string {
  return ctx.tenant?.name ?? t(ctx.lang, "platform.name");
}

/** `path` with `?lang=` set and the rest of its query kept; always a same-origin relative URL. */
export function languageHref(path: string, lang: Lang): string {
  const [pathname = "/", query = ""] = path.split("#")[0]!.split("?", 2);
  const params = new URLSearchParams(query);
  params.set("lang", lang);
  // "//host" would be read as another origin.
  const safePath = "/" + pathname.replace(/^[/\\]+/, "");
  return `${safePath}?${params.toString()}`;
}

/** Whether members (not only admins) may create groups here (the tenant's `groupCreation` setting). */
export function membersMayCreateGroups(tenant: Pick<TenantView, "groupCreation">): boolean {
  return tenant.groupCreation !== "admins";
}

function Header({ ctx }: { ctx: PageContext }): VNode {
  const { lang, user, tenant } = ctx;
  const name = siteName(ctx);
  const signupOpen = tenant !== null && tenant.signupPolicy !== "invite_only";
  const pathname = ctx.path.split(/[?#]/, 1)[0];
  const current = (href: string) => (pathname === href ? "page" : undefined);
  // While viewing as a member, exactly a member's navigation: no admin links, no admin-only tabs.
  const admin = (user?.tenantRole === "owner" || user?.tenantRole === "admin") && !ctx.viewingAsMember;
  return html`<header class="site-header">
    <div class="container site-header-inner">
      <a class="brand" href="/">
        ${ctx.logoUrl
          ? html`<img class="brand-logo" src=${ctx.logoUrl} alt="" />`
          : html`<span class="brand-badge" aria-hidden="true">${initial(name)}</span>`}
        <span class="brand-name">${name}</span>
      </a>
      <nav class="site-nav" aria-label=${t(lang, "layout.main_nav")}>
        <ul class="nav-list">
          <li class="nav-home"><a class="nav-link" href="/" aria-current=${current("/")}>${t(lang, "layout.home")}</a></li>
          ${tenant === null
            ? html`<li><a class="btn btn-primary btn-sm" href="/new">${t(lang, "layout.create_community")}</a></li>`
            : user
              ? html`
                  ${(tenant.features.bookings !== false || admin) &&
                  html`<li class="nav-bookings">
                    <a
                      class="nav-link"
                      href="/bookings"
                      aria-current=${pathname === "/bookings" ? "page" : pathname?.startsWith("/bookings/") ? "true" : undefined}
                      >${t(lang, "layout.bookings")}</a
                    >
                  </li>`}
                  ${(tenant.features.directory !== false || admin) &&
                  html`<li class="nav-members">
                    <a class="nav-link" href="/members" aria-current=${current("/members")}>${t(lang, "layout.members")}</a>
                  </li>`}
                  ${(tenant.features.events !== false || admin) &&
                  html`<li class="nav-events">
                    <a
                      class="nav-link"
                      href="/events"
                      aria-current=${pathname === "/events" ? "page" : pathname?.startsWith("/events/") ? "true" : undefined}
                      >${t(lang, "layout.events")}</a
                    >
                  </li>`}
                  ${(tenant.features.helpdesk !== false || admin) &&
                  html`<li class="nav-help">
                    <a class="nav-link" href="/help" aria-current=${pathname === "/help" ? "page" : pathname?.startsWith("/help/") ? "true" : undefined}>${t(lang, "layout.help")}</a>
                  </li>`}
                  ${ctx.membershipTab &&
                  html`<li class="nav-membership">
                    <a
                      class="nav-link"
                      href="/membership"
                      aria-current=${pathname === "/membership" ? "page" : pathname?.startsWith("/membership/") ? "true" : undefined}
                      >${t(lang, "layout.membership")}</a
                    >
                  </li>`}
                  ${!admin &&
                  membersMayCreateGroups(tenant) &&
                  html`<li class="nav-create-group">
                    <a class="nav-link" href="/admin#create-title">${t(lang, "layout.create_group")}</a>
                  </li>`}
                  ${admin &&
                  html`<li class="nav-admin">
                    <a
                      class="nav-link"
                      href="/admin"
                      aria-current=${pathname === "/admin" ? "page" : pathname?.startsWith("/admin/") ? "true" : undefined}
                      >${t(lang, "layout.admin")}${ctx.helpUnread
                        ? html` <span class="tab-count help-nav-count" title=${tCount(lang, "admin.help.unread", ctx.helpUnread)}
                            >${formatNumber(lang, ctx.helpUnread)}<span class="sr-only"> ${tCount(lang, "admin.help.unread", ctx.helpUnread)}</span></span
                          >`
                        : null}</a
                    >
                  </li>`}
                  <li class="nav-profile">
                    <a class="nav-link nav-user" href="/me" aria-current=${current("/me")} aria-label=${t(lang, "layout.profile", { name: user.name })}>
                      ${Avatar({ id: user.id, name: user.name, url: ctx.userAvatarUrl })}
                      <span class="nav-user-name">${user.name}</span>
                    </a>
                  </li>
                  <li>
                    <form class="nav-form" method="post" action="/logout">
                      <button type="submit" class="btn btn-ghost btn-sm">${t(lang, "layout.logout")}</button>
                    </form>
                  </li>
                `
              : html`
                  <li><a class="nav-link" href="/login" aria-current=${current("/login")}>${t(lang, "layout.login")}</a></li>
                  ${signupOpen &&
                  html`<li><a class="btn btn-primary btn-sm" href="/signup">${t(lang, "layout.signup")}</a></li>`}
                `}
        </ul>
      </nav>
    </div>
  </header>`;
}

const SLOT = "\u0000";

/** A translated sentence with a link where its placeholder was filled with SLOT: word order stays the catalog's. */
function withLink(sentence: string, link: VNode): ComponentChildren {
  const [before = "", after = ""] = sentence.split(SLOT);
  return [before, link, after];
}

function Footer({ ctx }: { ctx: PageContext }): VNode {
  const { lang } = ctx;
  const platform = t(lang, "platform.name");
  return html`<footer class="site-footer">
    <div class="container site-footer-inner">
      <nav class="lang-switch" aria-label=${t(lang, "layout.language")}>
        <ul class="chip-list lang-list">
          ${LANGS.map(
            (code) => html`<li>
              <a
                class="lang-link"
                href=${languageHref(ctx.path, code)}
                hreflang=${code}
                lang=${code}
                aria-current=${code === lang ? "true" : undefined}
              >${t(code, `language.${code}`)}</a>
            </li>`,
          )}
        </ul>
      </nav>
      <p class="powered-by">
        ${ctx.tenant
          ? withLink(t(lang, "layout.powered_by", { platform: SLOT }), html`<a href=${ctx.rootUrl}>${platform}</a>`)
          : t(lang, "layout.platform_tagline")}
      </p>
    </div>
  </footer>`;
}

/**
 * The page chrome (header, footer) is the same markup for everyone who shares what it
 * shows, on every page they open: rendered once per distinct input and kept as a string.
 * Keys hold every input the fragment reads; the map is bounded.
 */
const chrome = remembered<string>(2_000);
/** Rendered heads, with NONCE_SLOT where each response's nonce goes (titles vary more than the chrome: their own map). */
const heads = remembered<string>(2_000);
/** Stands for the nonce in a remembered head: plain characters that escaping leaves as they are. */
const NONCE_SLOT = "nonce-slot-3c9e1f";

function rendered(key: string, fragment: () => VNode): string {
  return chrome(key, () => renderToString(fragment()));
}

/** Everything Header reads from the context. */
function headerKey(ctx: PageContext): string {
  const { tenant, user } = ctx;
  return [
    "header",
    ctx.lang,
    siteName(ctx),
    ctx.logoUrl ?? "",
    ctx.path,
    tenant ? `${tenant.signupPolicy}/${tenant.features.directory !== false}/${membersMayCreateGroups(tenant)}/b${tenant.features.bookings !== false}` : "",
    user ? `${user.id}/${user.tenantRole}/${user.name}/${ctx.userAvatarUrl ?? ""}` : "",
    ctx.viewingAsMember ? "as-member" : "",
    ctx.membershipTab ? "membership" : "",
    tenant?.features.helpdesk === false ? "no-help" : "",
    ctx.helpUnread ? `help-unread-${ctx.helpUnread}` : "",
    tenant ? `events:${tenant.features.events !== false}` : "",
  ].join("\u0001");
}

/** A field the visitor may have typed into (hidden fields and buttons are not). */
const EDITABLE = /<(?:textarea|select)\b|<input\b(?![^>]*\b(?:type="(?:hidden|submit|button|image|reset)"|readonly|disabled))/;
/** The opening of every view-as switch (the admin pages' toggle and the banner's). */
export const VIEW_AS_FORM = '<form class="inline-form view-as"';

/** A same-origin path to come back to after switching (the current page). */
export function viewAsBackPath(path: string): string {
  const p = path.split("#")[0] ?? "/";
  return p.startsWith("/") && !p.startsWith("//") && !p.startsWith("/\\") ? p : "/";
}

/**
 * While "view as a member" is on, every page says so and offers the way back. Switching
 * is a small form post (no JavaScript); on a page with fields the visitor may have typed
 * into, it opens in a new tab, so this page and its unsaved input stay as they are.
 */
function ViewAsBanner({ ctx, keepInput }: { ctx: PageContext; keepInput: boolean }): VNode {
  const { lang } = ctx;
  return html`<div class="view-as-banner" role="status">
    <div class="container view-as-banner-inner">
      <span class="view-as-banner-text">${t(lang, "viewas.banner")}</span>
      <form class="inline-form view-as" method="post" action="/admin/view-as" target=${keepInput ? "_blank" : undefined}>
        <input type="hidden" name="as" value="admin" />
        <input type="hidden" name="next" value=${viewAsBackPath(ctx.path)} />
        <button type="submit" class="btn btn-secondary btn-sm">${t(lang, "viewas.back")}</button>
        ${keepInput && html`<span class="view-as-new-tab">${t(lang, "viewas.new_tab")}</span>`}
      </form>
    </div>
  </div>`;
}

/**
 * A whole HTML document around a page body. The body is rendered first so the
 * client script is added only when the page holds an island.
 */
export function renderDocument(ctx: PageContext, page: Page): string {
  const [before, after] = documentAround(ctx, page);
  return before + ctx.nonce + after;
}

/** The document before and after the nonce (the only part that differs between requests for the same inputs). */
function documentAround(ctx: PageContext, page: Page): [string, string] {
  const lang: Lang = isLang(ctx.lang) ? ctx.lang : "en";
  const main = "rendered" in page.body ? page.body.rendered : renderToString(page.body);
  const name = siteName(ctx);
  const title = page.title && page.title !== name ? `${page.title} · ${name}` : name;
  const colors: BrandColors = {
    primaryColor: page.brand?.primaryColor ?? ctx.tenant?.primaryColor,
    accentColor: page.brand?.accentColor ?? ctx.tenant?.accentColor,
  };
  // The head differs between requests only by its nonce: rendered once per distinct rest.
  const islands = hasIslands(main);
  const headKey = [lang, title, ctx.faviconUrl ?? "", colors.primaryColor ?? "", colors.accentColor ?? "", islands ? "1" : ""].join("\u0001");
  const head = heads(headKey, () =>
    renderToString(html`<head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="color-scheme" content="light" />
    <meta name="theme-color" content=${brandHex(colors)} />
    <title>${title}</title>
    ${ctx.faviconUrl && html`<link rel="icon" href=${ctx.faviconUrl} />`}
    <link rel="stylesheet" href="/assets/app.css" />
    <style nonce=${NONCE_SLOT}>${brandStyle(colors)}</style>
    ${islands && html`<script type="module" src="/assets/client.js"></script>`}
  </head>`),
  );
  // The slot's last occurrence: the title before it may be anyone's text, even the slot's.
  const slot = head.lastIndexOf(NONCE_SLOT);
  // Only the view-as toggle and banner need to know (a regex over the whole page is not free).
  const hasToggle = main.includes(VIEW_AS_FORM);
  const keepInput = (hasToggle || ctx.viewingAsMember === true) && EDITABLE.test(main);
  // The admin pages' own toggle keeps typed input the same way: a new tab when the page has fields.
  const body = keepInput && hasToggle ? main.replaceAll(VIEW_AS_FORM, `${VIEW_AS_FORM} target="_blank"`) : main;
  const header = rendered(headerKey(ctx), () => Header({ ctx })) + (ctx.viewingAsMember ? renderToString(ViewAsBanner({ ctx, keepInput })) : "");
  const footer = rendered(`footer\u0001${lang}\u0001${ctx.tenant ? ctx.rootUrl : ""}\u0001${ctx.path}`, () => Footer({ ctx }));
  const skip = rendered(`skip\u0001${lang}`, () => html`<a class="skip-link" href="#main">${t(lang, "layout.skip")}</a>`);
  // Concatenated rather than nested so the body is rendered once; every fragment is Preact-escaped.
  return [
    `<!doctype html><html lang="${lang}">${head.slice(0, slot)}`,
    `${head.slice(slot + NONCE_SLOT.length)}<body>${skip}${header}<main id="main" class="site-main" tabindex="-1">${body}</main>${footer}</body></html>`,
  ];
}

/** A remembered document, encoded once: an answer is `before`, the request's nonce, `after`. */
type EncodedDocument = { before: Uint8Array; after: Uint8Array };
const encodedDocuments = new WeakMap<RenderedBody, Map<string, EncodedDocument>>();
const encoder = new TextEncoder();

/**
 * The document of a remembered body (`{ rendered }`, the same object while its inputs stay the
 * same) as UTF-8 bytes: the shell is laid out and the page encoded once per body and `shellKey`,
 * then each answer only copies the bytes around its nonce — a busy calendar week is ~100 KB that
 * would otherwise be scanned, joined and encoded on every request. `shellKey` must name every
 * input of the shell the context and page carry besides the body and the nonce (worker/http/render.ts).
 */
export function renderDocumentBytes(ctx: PageContext, page: Page & { body: RenderedBody }, shellKey: string): Uint8Array<ArrayBuffer> {
  let byShell = encodedDocuments.get(page.body);
  if (!byShell) {
    byShell = new Map();
    encodedDocuments.set(page.body, byShell);
  }
  let doc = byShell.get(shellKey);
  if (!doc) {
    const [before, after] = documentAround(ctx, page);
    doc = { before: encoder.encode(before), after: encoder.encode(after) };
    // A body is one reader's page: a few shells (languages, paths) at most, bounded all the same.
    if (byShell.size >= 8) byShell.clear();
    byShell.set(shellKey, doc);
  }
  const nonce = encoder.encode(ctx.nonce);
  const out = new Uint8Array(doc.before.length + nonce.length + doc.after.length);
  out.set(doc.before, 0);
  out.set(nonce, doc.before.length);
  out.set(doc.after, doc.before.length + nonce.length);
  return out;
}
