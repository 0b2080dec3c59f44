import { en, type MessageKey } from "./en";
import { fr } from "./fr";
import { nl } from "./nl";
import { formatNumber, pluralCategory } from "../ui/format";

export type { MessageKey };
export type Lang = "fr" | "en" | "nl";
export type MessageVars = Record<string, string | number>;

export const LANGS: readonly Lang[] = ["fr", "en", "nl"];

const catalogs: Record<Lang, Partial<Record<MessageKey, string>>> = { fr, en, nl };

export function isLang(x: unknown): x is Lang {
  return typeof x === "string" && (LANGS as readonly string[]).includes(x);
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
