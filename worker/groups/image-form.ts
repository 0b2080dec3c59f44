import type { Context } from "hono";
import { t } from "../../web/i18n";
import { formatBytes } from "../../web/ui/format";
import type { AppEnv } from "../env";
import { ApiError } from "../http/errors";
import { localizeError } from "../http/form-errors";
import { refusalOf, type Form } from "../http/forms";
import { pageContext } from "../http/render";
import { ASSET_LIMITS, type AssetKind } from "./images";

/**
 * HTTP glue for a settings form with image inputs (a group's branding, the community's
 * settings): each file sent (an empty input sends none) goes to `store`, a service, on its
 * own; a refusal becomes the message beside its input, in the reader's language, and the
 * rest of the form goes on. Answers what each stored image gave back, and the messages.
 */
export async function storeFormImages<K extends AssetKind, T>(
  c: Context<AppEnv>,
  form: Form,
  kinds: K[],
  store: (kind: K, bytes: Uint8Array<ArrayBuffer>) => Promise<T>,
): Promise<{ stored: Partial<Record<K, T>>; errors: Record<string, string> }> {
  const stored: Partial<Record<K, T>> = {};
  const errors: Record<string, string> = {};
  for (const kind of kinds) {
    const file = form.file(kind);
    if (!file || file.size === 0) continue;
    const refused = await refusalOf(
      c,
      async () => {
        if (file.size > ASSET_LIMITS[kind].maxBytes) throw new ApiError(413, "payload_too_large", "too large");
        stored[kind] = await store(kind, new Uint8Array(await file.arrayBuffer()));
      },
      () => true,
    );
    if (refused) errors[kind] = imageRefusal(kind, refused.err, pageContext(c).lang);
  }
  return { stored, errors };
}

function imageRefusal(kind: AssetKind, err: ApiError, lang: ReturnType<typeof pageContext>["lang"]): string {
  if (err.status === 413) return t(lang, "branding.error_too_big", { limit: formatBytes(lang, ASSET_LIMITS[kind].maxBytes) });
  if (err.status === 415) return t(lang, "branding.error_bad_type");
  return localizeError(lang, err);
}
