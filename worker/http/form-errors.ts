import { t, type Lang, type MessageKey } from "../../web/i18n";
import { ApiError } from "./errors";

const FIELD_MESSAGES: Record<string, MessageKey> = {
  "invalid email": "field.invalid_email",
  "email is required": "field.required",
  "at least 10 characters": "field.password_short",
  "must not be your email": "field.password_is_email",
  "name is required": "field.required",
  "password is required": "field.required",
  "subdomain is required": "field.required",
  "this subdomain is reserved": "error.subdomain_reserved",
  "title is required": "field.required",
  "body is required": "field.required",
  "reason is required": "field.required",
  "title holds at most 200 characters": "field.title_long",
  "body holds at most 20000 characters": "field.body_long",
  "reason holds at most 500 characters": "field.reason_long",
  // profile values (worker/profiles/fields.ts VALUE_ERRORS)
  "this field is required": "field.required",
  "must be text": "profile.error.text",
  "too long": "profile.error.too_long",
  "must be a number": "profile.error.number",
  "must be a date (YYYY-MM-DD)": "profile.error.date",
  "must be one of the options": "profile.error.option",
  "must be a list of the options": "profile.error.options",
  "must be true or false": "profile.error.boolean",
  "must be a web address starting with http:// or https://": "profile.error.url",
  "must be a phone number": "profile.error.phone",
  "not editable": "profile.error.not_editable",
  "not a filterable field": "profile.error.not_filterable",
};

const CODE_MESSAGES: Record<string, MessageKey> = {
  invalid_credentials: "error.invalid_credentials",
  invite_required: "error.invite_required",
  signup_closed: "error.signup_closed",
  email_taken: "error.email_taken",
  pending_approval: "error.pending_approval",
  account_pending: "error.pending_approval",
  account_suspended: "members.error.account_suspended",
  invalid_password: "members.error.invalid_password",
  owner_immutable: "members.error.owner_immutable",
  invalid_state: "members.error.invalid_state",
  invalid_token: "error.invalid_token",
  subdomain_taken: "error.subdomain_taken",
  not_found: "error.not_found",
  no_community: "error.no_community",
  invitation_closed: "error.invitation_closed",
  muted: "error.muted",
  not_author: "error.not_author",
  already_reported: "error.already_reported",
  report_closed: "error.report_closed",
  invitation_expired: "error.invitation_expired",
  group_creation_closed: "error.group_creation_closed",
};

/** Field errors in the reader's language (the API keeps its English messages). */
export function localizeFields(lang: Lang, fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    const key = FIELD_MESSAGES[v] ?? (v.startsWith("unknown group") ? "admin.invitations.error_groups" : k === "message" && v.startsWith("at most") ? "admin.invitations.error_message_long" : undefined);
    out[k] = key ? t(lang, key) : v;
  }
  return out;
}

export function localizeError(lang: Lang, err: ApiError): string {
  if (err.code === "rate_limited" || err.code === "too_many_attempts") {
    const seconds = Number(err.headers?.["Retry-After"] ?? 60);
    return t(lang, err.code === "rate_limited" ? "error.rate_limited" : "error.too_many_attempts", { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  const key = CODE_MESSAGES[err.code];
  return key ? t(lang, key) : t(lang, "error.generic");
}
