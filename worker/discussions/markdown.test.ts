import { describe, expect, it } from "vitest";
import { isSafeHref, mentionedHandles, renderMarkdown } from "./markdown";
import { XSS_CORPUS } from "./xss-corpus";


/** What a rendered body may contain: the tags Markdown produces, no handler, no style, only safe hrefs. */
function assertSafe(html: string): void {
  const tags = [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>/g)];
  const allowed = new Set(["p", "br", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "span", "s", "table", "thead", "tbody", "tr", "th", "td"]);
  for (const [, tag, attrs] of tags) {
    expect(allowed.has(tag!.toLowerCase()), `tag <${tag}> in ${html}`).toBe(true);
    const names = [...attrs!.matchAll(/\s([a-zA-Z-:]+)=/g)].map((m) => m[1]!.toLowerCase());
    for (const name of names) expect(["href", "title", "rel", "class", "data-user-id", "style"].includes(name) && name !== "style", `attribute ${name} in ${html}`).toBe(true);
    for (const m of attrs!.matchAll(/href="([^"]*)"/g)) expect(isSafeHref(m[1]!.replace(/&amp;/g, "&")), `href ${m[1]} in ${html}`).toBe(true);
  }
  expect(html).not.toMatch(/<script|<img|<svg|<iframe|<style|<object|<form|<meta|<details/i);
  // Text may mention "onerror=" harmlessly once escaped; inside a tag it may not.
  for (const [tag] of tags) expect(tag, `handler in ${html}`).not.toMatch(/\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/(href|src)="\s*(javascript|data|vbscript|file):/i);
}

describe("markdown rendering", () => {
  it.each(XSS_CORPUS)("neutralises %s", (input) => {
    const { html } = renderMarkdown(input, [{ userId: "u1", name: "Alice" }]);
    assertSafe(html);
  });

  it("keeps what people write: emphasis, code, lists, quotes and safe links", () => {
    const { html } = renderMarkdown("**bold** _it_ `x<y`\n\n- one\n- two\n\n> quote\n\n[site](https://example.org/a?b=1) and https://auto.example/p and [rel](/g/makers)");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>it</em>");
    expect(html).toContain("<code>x&lt;y</code>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain("<blockquote>");
    expect(html).toContain('<a href="https://example.org/a?b=1" rel="nofollow ugc noopener noreferrer">site</a>');
    expect(html).toContain('href="https://auto.example/p"');
    expect(html).toContain('href="/g/makers"');
  });

  it("shows refused links as text and written HTML as text", () => {
    expect(renderMarkdown("[click](javascript:alert(1))").html).toBe("<p>[click](javascript:alert(1))</p>\n");
    expect(renderMarkdown("<b>hi</b>").html).toBe("<p>&lt;b&gt;hi&lt;/b&gt;</p>\n");
  });

  it("resolves @mentions of group members by name, never inside code or links", () => {
    const members = [
      { userId: "u1", name: "Élise Martin" },
      { userId: "u2", name: "Bob" },
    ];
    const { html, mentions, excerpt } = renderMarkdown("Hi @elisemartin and @bob, not @nobody. `@bob` [@bob](https://x.example)", members);
    expect(html).toContain('<a class="mention" href="/members?q=%C3%89lise%20Martin#member-u1" data-user-id="u1">@Élise Martin</a>');
    expect(html).toContain('<a class="mention" href="/members?q=Bob#member-u2" data-user-id="u2">@Bob</a>');
    expect(html).toContain("@nobody");
    expect(html).toContain("<code>@bob</code>");
    expect(mentions.sort()).toEqual(["u1", "u2"]);
    expect(excerpt).toBe("Hi @Élise Martin and @Bob, not @nobody. @bob @bob");
    expect(mentionedHandles("mail a@b.example, hi @Bob @bob")).toEqual(["bob"]);
  });

  it("recognises a mention written by full name, accents and spaces included, the longest name first", () => {
    const members = [
      { userId: "u1", name: "Élodie Martin" },
      { userId: "u2", name: "Élodie" },
      { userId: "u3", name: "Jean de la Tour" },
    ];
    const { html, mentions } = renderMarkdown("Thanks @Élodie Martin, @Élodie and @Jean de la Tour. Also @elodie martin!", members);
    expect(html).toContain('data-user-id="u1">@Élodie Martin</a>, ');
    expect(html).toContain('data-user-id="u2">@Élodie</a> and');
    expect(html).toContain('data-user-id="u3">@Jean de la Tour</a>. Also');
    expect(html).toContain('data-user-id="u1">@Élodie Martin</a>!');
    expect(mentions.sort()).toEqual(["u1", "u2", "u3"]);
    expect(mentionedHandles("hi @Élodie Martin.")).toEqual(["elodiemartin", "elodie"]);
  });

  it("escapes a member's name in a mention", () => {
    const { html } = renderMarkdown("@evil", [{ userId: "u\"1", name: "evil<script>" }].map((m) => ({ ...m, name: m.name })));
    expect(html).not.toContain("<script>");
  });

  it("cuts long excerpts", () => {
    const { excerpt } = renderMarkdown("word ".repeat(200));
    expect(excerpt.length).toBeLessThanOrEqual(240);
    expect(excerpt.endsWith("…")).toBe(true);
  });
});
