import markdownIt, { type MarkdownIt, type StateCore, type Token } from "markdown-it";

/** A group member a post may mention. */
export type Mentionable = { userId: string; name: string };
export type Rendered = { html: string; excerpt: string; mentions: string[] };

const EXCERPT_MAX = 240;
const MENTION = /(^|[^\p{L}\p{N}_.@/])@([\p{L}\p{N}_][\p{L}\p{N}_.-]{0,39})/gu;

/** "Élise Martin" → "elisemartin": how a name is typed after "@". */
export function mentionHandle(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]/gu, "");
}

/** A name written in full after "@" has at most this many words ("@Élodie Martin", "@Jean de la Tour"). */
const NAME_WORDS = 4;
const WORDS_AFTER = /^[\p{L}\p{N}_][\p{L}\p{N}_.'’-]*(?: [\p{L}\p{N}_][\p{L}\p{N}_.'’-]*){0,3}/u;

/**
 * What may follow an "@" at `at`: the handle of the first word, then of the first two
 * words, and so on (a name written in full, spaces and accents included), each with the
 * length of text it covers (trailing punctuation left out). Longest first.
 */
export function mentionCandidates(text: string, at: number): { handle: string; length: number }[] {
  const words = (WORDS_AFTER.exec(text.slice(at + 1))?.[0] ?? "").split(" ").slice(0, NAME_WORDS);
  const out: { handle: string; length: number }[] = [];
  for (let k = words.length; k >= 1; k--) {
    const written = words.slice(0, k).join(" ").replace(/[.'’-]+$/u, "");
    const handle = mentionHandle(written);
    if (handle) out.push({ handle, length: written.length });
  }
  return out;
}

/** The "@handles" a text may mention (lowercased, unique, bounded), to look members up only when needed. */
export function mentionedHandles(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(MENTION)) {
    for (const c of mentionCandidates(source, m.index + m[1]!.length)) found.add(c.handle);
    if (found.size >= 80) break;
  }
  return [...found];
}

/** Where a mention leads: the member's card in the community's directory. */
export function mentionHref(member: Mentionable): string {
  return `/members?q=${encodeURIComponent(member.name)}#member-${encodeURIComponent(member.userId)}`;
}

/**
 * Links may only lead to the web or an email address (or stay on this site). Everything
 * else, `javascript:`, `data:`, `vbscript:`, `file:` and any scheme we do not know, is
 * refused; the link text stays as text. Control characters and whitespace inside the
 * scheme (`java\tscript:`) are what browsers ignore, so they are ignored here too.
 */
export function isSafeHref(href: string): boolean {
  const compact = href.replace(/[\u0000-\u0020\u007f-\u009f]+/g, "").toLowerCase();
  if (compact.startsWith("//") || compact.startsWith("\\\\") || compact.startsWith("/\\")) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact);
  // No scheme: a path on this site, unless a colon comes before any "/?#" (then it is not a path).
  if (!scheme) {
    const separator = compact.search(/[/?#]/);
    return !compact.includes(":") || (separator !== -1 && compact.indexOf(":") > separator);
  }
  return scheme[1] === "http" || scheme[1] === "https" || scheme[1] === "mailto";
}

type MentionEnv = { members?: Map<string, Mentionable>; mentions?: Set<string> };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Turns "@handle" inside plain text (never inside links or code) into mention tokens. */
function mentionRule(state: StateCore): void {
  const env = state.env as MentionEnv;
  const members = env.members;
  if (!members || members.size === 0) return;
  for (const block of state.tokens) {
    if (block.type !== "inline" || !block.children) continue;
    const out: Token[] = [];
    let linkDepth = 0;
    for (const token of block.children) {
      if (token.type === "link_open") linkDepth++;
      if (token.type === "link_close") linkDepth--;
      if (token.type !== "text" || linkDepth > 0 || !token.content.includes("@")) {
        out.push(token);
        continue;
      }
      const text = token.content;
      let last = 0;
      for (const m of text.matchAll(MENTION)) {
        const start = m.index + m[1]!.length;
        if (start < last) continue;
        // "@Élodie Martin" (the full name) before "@Élodie" (one word), the longest that is a member.
        const hit = mentionCandidates(text, start).find((c) => members.has(c.handle));
        if (!hit) continue;
        const member = members.get(hit.handle)!;
        if (start > last) {
          const before = new state.Token("text", "", 0);
          before.content = text.slice(last, start);
          out.push(before);
        }
        const mention = new state.Token("mention", "", 0);
        mention.meta = member;
        out.push(mention);
        env.mentions?.add(member.userId);
        last = start + 1 + hit.length;
      }
      if (last === 0) {
        out.push(token);
      } else if (last < text.length) {
        const rest = new state.Token("text", "", 0);
        rest.content = text.slice(last);
        out.push(rest);
      }
    }
    block.children = out;
  }
}

function createRenderer(): MarkdownIt {
  // html: false escapes every tag written in the source; the parser never emits raw HTML.
  const md = markdownIt("default", { html: false, linkify: true, breaks: true, typographer: false });
  // Images would let a post load any URL in every reader's browser (tracking, mixed content).
  md.disable(["image"]);
  md.validateLink = isSafeHref;
  md.core.ruler.push("mentions", mentionRule);
  md.renderer.rules.mention = (tokens, idx) => {
    const member = tokens[idx]!.meta as Mentionable;
    return `<a class="mention" href="${escapeHtml(mentionHref(member))}" data-user-id="${escapeHtml(member.userId)}">@${escapeHtml(member.name)}</a>`;
  };
  const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    // Only href and title come from the parser; anything else is dropped before our own rel.
    token.attrs = (token.attrs ?? []).filter(([name]) => name === "href" || name === "title");
    token.attrSet("rel", "nofollow ugc noopener noreferrer");
    return defaultLinkOpen(tokens, idx, options, env, self);
  };
  return md;
}

const renderer = createRenderer();

function plainText(tokens: Token[]): string {
  const parts: string[] = [];
  for (const token of tokens) {
    if (token.type === "inline" && token.children) {
      for (const child of token.children) {
        if (child.type === "text" || child.type === "code_inline") parts.push(child.content);
        else if (child.type === "mention") parts.push(`@${(child.meta as Mentionable).name}`);
        else if (child.type === "softbreak" || child.type === "hardbreak") parts.push(" ");
      }
      parts.push(" ");
    } else if (token.type === "code_block" || token.type === "fence") {
      parts.push(token.content, " ");
    }
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}

/**
 * Markdown to sanitised HTML, with the plain-text excerpt lists show and the members it
 * mentions. Safe by construction: the source's HTML is escaped, links are filtered by
 * scheme, images are off, and the renderer emits only the tags Markdown defines.
 */
export function renderMarkdown(source: string, members: Mentionable[] = []): Rendered {
  const env: MentionEnv = { members: new Map(members.map((m) => [mentionHandle(m.name), m])), mentions: new Set() };
  const tokens = renderer.parse(source, env);
  const html = renderer.renderer.render(tokens, renderer.options, env);
  const text = plainText(tokens);
  const excerpt = text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX - 1).trimEnd()}…` : text;
  return { html, excerpt, mentions: [...env.mentions!] };
}
