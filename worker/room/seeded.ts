import type { Lang } from "./protocol";

/**
 * Content the product seeds and the community did not write (the default level
 * names) travels as catalog keys, from the room to the pages and sockets, and is
 * read in each viewer's language at the last moment. The room holds no catalog: the
 * Worker hands it the reading (`SeededNames`, worker/discussions/seeded.ts).
 */
const SEEDED = /^gamification\.level_default\.\d+$/;

export const SEEDED_MARK = "gamification.level_default.";

/** A seeded key read in a language (the key itself when the catalogs do not know it). */
export type SeededNames = (lang: Lang, key: string) => string;

/** `value` with every seeded key read in `lang`; the same object when there is none. */
export function localizeSeeded<T>(names: SeededNames, lang: Lang, value: T): T {
  return walk(names, lang, value, 0) as T;
}

function walk(names: SeededNames, lang: Lang, value: unknown, depth: number): unknown {
  if (typeof value === "string") return SEEDED.test(value) ? names(lang, value) : value;
  if (value === null || typeof value !== "object" || depth > 12) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const next = walk(names, lang, value[i], depth + 1);
      if (next !== value[i]) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(value)) {
    const next = walk(names, lang, v, depth + 1);
    if (next !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = next;
  }
  return out ?? value;
}

/** A room stub whose every answer is read in the viewer's language. */
export function localizedRoom<R extends object>(names: SeededNames, room: R, lang: Lang): R {
  return new Proxy(room, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof value !== "function") return value;
      // An RPC stub answers any property, `apply` and `bind` included: call it through Reflect.
      const method = value as (...a: unknown[]) => unknown;
      if (prop === "fetch") return (...args: unknown[]) => Reflect.apply(method, target, args);
      return (...args: unknown[]) => Promise.resolve(Reflect.apply(method, target, args)).then((r) => localizeSeeded(names, lang, r));
    },
  });
}
