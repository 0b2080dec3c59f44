import { isMessageKey, t, type Lang } from "../../web/i18n";
import { localizedRoom as localizedRoomWith, localizeSeeded as localizeSeededWith, type SeededNames } from "../room/seeded";

/**
 * Seeded level names read in the catalogs: the Worker's side of `worker/room/seeded.ts`.
 * The room imports no catalog; it is handed this reading as it is built (worker/index.ts).
 */
export const seededNames: SeededNames = (lang, key) => (isMessageKey(key) ? t(lang, key) : key);

/** `value` with every seeded key read in `lang`. */
export function localizeSeeded<T>(lang: Lang, value: T): T {
  return localizeSeededWith(seededNames, lang, value);
}

/** A room stub whose every answer is read in the viewer's language. */
export function localizedRoom<R extends object>(room: R, lang: Lang): R {
  return localizedRoomWith(seededNames, room, lang);
}
