import { en, type MessageKey } from "./en";
import { fr } from "./fr";
import { nl } from "./nl";
import { formatNumber, pluralCategory } from "../ui/format";
import type * as Protocol from "../../worker/room/protocol";

export type { MessageKey };
/** The languages are the room's protocol's (worker/room/protocol.ts), which the room tags sockets with. */
export type Lang = Protocol.Lang;
export type MessageVars = Record<string, string | number>;

/** A copy of the protocol's list, typed as it (no value crosses from worker/ into web/): a change on one side alone fails `tsc`. */
export const LANGS: typeof Protocol.LANGS = ["fr", "en", "nl"];

/** The room answers these field errors as bare keys (it imports no catalog): each must stay a key of the catalogs. */
export type RoomFieldErrorKey = CatalogKey<Protocol.RoomFieldError>;
type CatalogKey<K extends MessageKey> = K;

const catalogs: Record<Lang, Partial<Record<MessageKey, string>>> = { fr, en, nl };

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
}

/**
 * A well-formed BCP 47 tag (`en`, `nl-BE`, `zh-Hant-TW`) in canonical casing, or null
 * for anything else. Uses the runtime's own parser, so every subtag form BCP 47
 * allows (scripts, regions, variants, extensions, private use) is accepted.
 */
export function canonicalTag(tag: unknown): string | null {
  if (typeof tag !== "string") return null;
  const trimmed = tag.trim().replace(/_/g, "-");
  if (!trimmed || trimmed.length > 64 || !/^[A-Za-z0-9-]+$/.test(trimmed)) return null;
  try {
    return Intl.getCanonicalLocales(trimmed)[0] ?? null;
  } catch {
    return null;
  }
}

/** The catalog a BCP 47 tag reads best in (`nl-BE` → `nl`, `fr-CA` → `fr`), or null when the product does not speak it. */
export function catalogFor(tag: string | null | undefined): Lang | null {
  if (!tag) return null;
  const primary = tag.trim().split(/[-_]/)[0]!.toLowerCase();
  return isLang(primary) ? primary : null;
}

/**
 * The one rule for "which catalog": the first tag the product speaks, else the
 * fallback's catalog (a tenant's default), else French. Pages and emails both use it.
 */
export function closestLang(...candidates: (string | null | undefined)[]): Lang {
  for (const c of candidates) {
    const lang = catalogFor(c);
    if (lang) return lang;
  }
  return "fr";
}

/**
 * An `Accept-Language` header's best language the product speaks: ranges by
 * quality (`nl-BE,nl;q=0.9,en;q=0.8`), `q=0` excluded, `*` and junk ignored.
 */
export function fromAcceptLanguage(header: string | null | undefined): Lang | null {
  if (!header || header.length > 2000) return null;
  const ranges: { lang: Lang; q: number; at: number }[] = [];
  header.split(",").forEach((part, at) => {
    const [range, ...params] = part.trim().split(";");
    const lang = catalogFor(canonicalTag(range));
    if (!lang) return;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9](?:\.[0-9]{0,3})?)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
      else if (/^\s*q\s*=/i.test(p)) q = 0;
    }
    if (q > 0 && q <= 1) ranges.push({ lang, q, at });
  });
  ranges.sort((a, b) => b.q - a.q || a.at - b.at);
  return ranges[0]?.lang ?? null;
}

/** `{name}` placeholders are replaced from vars; unknown placeholders stay visible rather than vanish. */
export function t(lang: Lang, key: MessageKey, vars?: MessageVars): string {
  const message = catalogs[lang]?.[key] ?? en[key] ?? key;
  if (!vars) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : String(value);
  });
}

/** Keys that come in `.one` / `.other` pairs, named without the suffix. */
export type PluralKey = {
  [K in MessageKey]: K extends `${infer Base}.other` ? (`${Base}.one` extends MessageKey ? Base : never) : never;
}[MessageKey];

/** Picks `.one` or `.other` by the language's plural rule (French treats 0 as singular) and passes `count`. */
export function tCount(lang: Lang, key: PluralKey, count: number, vars?: MessageVars): string {
  const form = pluralCategory(lang, count) === "one" ? "one" : "other";
  return t(lang, `${key}.${form}`, { ...vars, count: formatNumber(lang, count) });
}

/**
 * A message that travels through code as a plain string (a zod message, a field
 * error, an import row error): a catalog key, with its vars as JSON after a space.
 * The page layer reads it in the reader's language, the JSON API in English
 * (`tMessage`); nothing ever matches English text.
 */
export function msg(key: MessageKey, vars?: MessageVars): string {
  return vars && Object.keys(vars).length ? `${key} ${JSON.stringify(vars)}` : key;
}

export type Message = { key: MessageKey; vars?: MessageVars };

/** The key and vars of a `msg()` string, or null for any other text. */
export function readMessage(s: unknown): Message | null {
  if (typeof s !== "string") return null;
  const m = /^([a-z0-9_]+(?:\.[a-z0-9_]+)+)(?: (\{.*\}))?$/.exec(s);
  if (!m || !Object.prototype.hasOwnProperty.call(en, m[1]!)) return null;
  const key = m[1] as MessageKey;
  if (!m[2]) return { key };
  try {
    const vars = JSON.parse(m[2]) as unknown;
    if (!vars || typeof vars !== "object" || Array.isArray(vars)) return null;
    return { key, vars: vars as MessageVars };
  } catch {
    return null;
  }
}

/** A `msg()` string in a language; null when the text is not one. */
export function tMessage(lang: Lang, s: unknown): string | null {
  const m = readMessage(s);
  return m ? t(lang, m.key, m.vars) : null;
}

/** Whether a string names a catalog key (for codes mapped to `error.{code}`). */
export function isMessageKey(s: string): s is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, s);
}

/**
 * The choices of a language `<select>`: the three catalogs, plus the stored tag
 * itself when it is a regional or other tag (`nl-BE`, shown "Nederlands (nl-BE)"),
 * so that saving a form never silently replaces a member's own tag.
 */
export function languageOptions(current?: string | null): { value: string; label: string; lang: string }[] {
  const options: { value: string; label: string; lang: string }[] = LANGS.map((code) => ({ value: code, label: t(code, `language.${code}`), lang: code }));
  if (current && !isLang(current)) {
    const spoken = catalogFor(current);
    options.push({ value: current, label: spoken ? `${t(spoken, `language.${spoken}`)} (${current})` : current, lang: current });
  }
  return options;
}
