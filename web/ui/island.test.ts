import { renderToString } from "preact-render-to-string";
import { describe, expect, it } from "vitest";
import { formatNumber, pluralCategory } from "./format";
import { Island, islandConstant, islandPropsJson } from "./island";

const HOSTILE = [
  "</script><script>alert(1)</script>",
  "</SCRIPT >",
  "<!--<script>",
  "<",
  "a < b > c & d \" ' `",
  "\u2028\u2029 emoji 🎉 \u0000",
  "{}[]\\u003c",
];

describe("island props", () => {
  it("serialise to JSON that parses back to the same props and holds no `<`", () => {
    const strings = islandConstant({ title: "</script>", nested: { deep: "<!--" } });
    for (const text of HOSTILE) {
      const props = { slug: text, list: [text, { text }], count: 3, none: null, skipped: undefined, strings, [text]: text };
      const json = islandPropsJson(props);
      expect(json).not.toContain("<");
      expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(props)));
    }
  });

  it("are a JSON data block inside the island: a value cannot end it or add a script", () => {
    const html = renderToString(Island({ name: "OnlineList", props: { slug: "</script><script>alert(1)</script>", lang: "en", online: [], max: 12, strings: { title: "</script>", empty: "<!--", more: "{count}" } } }));
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="application/json">']);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    const block = /<script type="application\/json">([^<]*)<\/script>/.exec(html)?.[1] ?? "";
    expect(JSON.parse(block).slug).toBe("</script><script>alert(1)</script>");
    expect(html).toContain('data-island="OnlineList"');
  });

  it("constants are frozen and serialised as they were when registered", () => {
    const strings = islandConstant({ a: "x", inner: { b: "y" } });
    expect(Object.isFrozen(strings) && Object.isFrozen(strings.inner)).toBe(true);
    expect(JSON.parse(islandPropsJson({ strings })).strings).toEqual({ a: "x", inner: { b: "y" } });
  });
});

describe("number formatting", () => {
  it("gives what toLocaleString and PluralRules give, remembered or not", () => {
    for (const lang of ["fr", "en", "nl"]) {
      for (const n of [0, 1, 2, 5, 999, 1000, 1234, 9999, 10_000, 123_456, 1.5, -3]) {
        expect(formatNumber(lang, n)).toBe(n.toLocaleString(lang));
        expect(formatNumber(lang, n)).toBe(n.toLocaleString(lang)); // second call: from memory
        expect(pluralCategory(lang, n)).toBe(new Intl.PluralRules(lang).select(n));
      }
    }
    expect(formatNumber("fr", 1234.56, { maximumFractionDigits: 1 })).toBe((1234.56).toLocaleString("fr", { maximumFractionDigits: 1 }));
  });
});
