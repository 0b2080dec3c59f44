import { html } from "htm/preact";
import { describe, expect, it } from "vitest";
import { renderDocument, renderDocumentBytes, type PageContext } from "./page";

// The document shell keeps rendered pieces (head, header, footer) between requests; what
// changes per request (the nonce) must still be each response's own.

const ctx = (over: Partial<PageContext> = {}): PageContext => ({
  tenant: null,
  user: null,
  lang: "en",
  nonce: crypto.randomUUID(),
  path: "/",
  rootUrl: "http://localhost:8787",
  tenantUrl: null,
  logoUrl: null,
  faviconUrl: null,
  ...over,
});
const styleNonce = (doc: string) => /<style nonce="([^"]*)">/.exec(doc)?.[1];

describe("renderDocument", () => {
  it("gives each response its own nonce, in the style tag the CSP allows, whatever the title says", () => {
    const a = ctx(), b = ctx();
    const da = renderDocument(a, { title: "Same title", body: html`<p>a</p>` });
    const db = renderDocument(b, { title: "Same title", body: html`<p>a</p>` });
    expect(styleNonce(da)).toBe(a.nonce);
    expect(styleNonce(db)).toBe(b.nonce);
    // A title holding the head's internal placeholder, or a nonce-like text, stays text.
    const hostile = ctx();
    const doc = renderDocument(hostile, { title: "nonce-slot-3c9e1f <script>", body: html`<p>x</p>` });
    expect(styleNonce(doc)).toBe(hostile.nonce);
    expect(doc).toContain("<title>nonce-slot-3c9e1f &lt;script> · ");
    expect(doc.split(hostile.nonce)).toHaveLength(2);
  });

  it("renders a body given as HTML exactly like the same body given as a vnode", () => {
    const c = ctx();
    const body = html`<section class="card"><h1>Hi &amp; bye</h1><p>${"<b>text</b>"}</p></section>`;
    const fromVnode = renderDocument(c, { title: "T", body });
    const rendered = /<main[^>]*>([\s\S]*)<\/main>/.exec(fromVnode)![1]!;
    expect(renderDocument(c, { title: "T", body: { rendered } })).toBe(fromVnode);
  });

  it("adds the client script only to a page that holds an island, even with the same title", () => {
    const plain = renderDocument(ctx(), { title: "Islands", body: html`<p>no island</p>` });
    const island = renderDocument(ctx(), { title: "Islands", body: html`<div class="island" data-island="OnlineList"></div>` });
    expect(plain).not.toContain("/assets/client.js");
    expect(island).toContain('<script type="module" src="/assets/client.js"></script>');
  });

  it("gives a remembered body's document as bytes equal to the text document, each answer with its own nonce, a new shell by its key", () => {
    const body = { rendered: '<section class="card"><h1>Café · 3 €</h1><p>Réservé</p></section>' };
    const a = ctx(), b = ctx();
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    const da = decode(renderDocumentBytes(a, { title: "Réservations", body }, "shell-1"));
    expect(da).toBe(renderDocument(a, { title: "Réservations", body }));
    // Laid out once: the second answer reuses the bytes around its own nonce.
    const db = decode(renderDocumentBytes(b, { title: "Réservations", body }, "shell-1"));
    expect(styleNonce(db)).toBe(b.nonce);
    expect(db.split(b.nonce).join("")).toBe(da.split(a.nonce).join(""));
    // Another shell (here: another language) under another key is laid out anew.
    const fr = ctx({ lang: "fr" });
    expect(decode(renderDocumentBytes(fr, { title: "Réservations", body }, "shell-2"))).toBe(renderDocument(fr, { title: "Réservations", body }));
  });
});
