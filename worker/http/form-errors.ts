import { isMessageKey, t, tMessage, type Lang, type MessageKey } from "../../web/i18n";
import type { ApiError } from "./errors";

/**
 * Field errors in the reader's language. Messages are catalog messages (`msg()`,
 * what `parseWith` and the services put in `fields`); a text that is not one (a
 * message this module does not know) shows as the generic "not valid" rather
 * than in English.
 */
export function localizeFields(lang: Lang, fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields ?? {})) out[k] = localizeMessage(lang, v);
  return out;
}

/** One catalog message (a field error, an import row error) in the reader's language. */
export function localizeMessage(lang: Lang, message: string): string {
  return tMessage(lang, message) ?? t(lang, "field.invalid");
}

/** The catalog key for a refusal without its own wording, by status. */
const BY_STATUS: Partial<Record<number, MessageKey>> = {
  400: "error.bad_request",
  401: "error.unauthenticated",
  403: "error.forbidden",
  404: "error.not_found",
  409: "error.conflict",
  413: "error.payload_too_large",
  415: "error.unsupported_media_type",
  422: "error.validation_failed",
  429: "error.too_many_requests",
};

/** Codes whose wording lives under another feature's keys. */
const BY_CODE: Partial<Record<string, MessageKey>> = {
  account_pending: "error.pending_approval",
  account_suspended: "members.error.account_suspended",
  invalid_password: "members.error.invalid_password",
  owner_immutable: "members.error.owner_immutable",
  invalid_state: "members.error.invalid_state",
};

/**
 * A refusal in the reader's language, by its `code` (`error.{code}` in the
 * catalogs), else by its status; never the API's English message.
 */
export function localizeError(lang: Lang, err: ApiError): string {
  if (err.code === "rate_limited" || err.code === "too_many_attempts" || err.status === 429) {
    const seconds = Number(err.headers?.["Retry-After"] ?? 60);
    const own = `error.${err.code}`;
    if (err.code !== "rate_limited" && isMessageKey(own)) return t(lang, own, { minutes: Math.max(1, Math.ceil(seconds / 60)) });
    return t(lang, "error.rate_limited", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  const keyed = tMessage(lang, err.message);
  if (keyed) return keyed;
  const own = `error.${err.code}`;
  if (isMessageKey(own)) return t(lang, own);
  const aliased = BY_CODE[err.code];
  if (aliased) return t(lang, aliased);
  const byStatus = BY_STATUS[err.status];
  return t(lang, byStatus ?? "error.generic");
}

/**
 * What a page's script shows of a refusal it got from the JSON API: the message and
 * field errors in the reader's language, answered beside the English envelope as
 * `error.display` (islands read it; integrators keep `message` and `fields`).
 */
export function displayOf(lang: Lang, err: ApiError): { message: string; fields?: Record<string, string> } {
  return { message: localizeError(lang, err), ...(err.fields ? { fields: localizeFields(lang, err.fields) } : {}) };
}
