import type { VNode } from "preact";
import { LANGS, t, type Lang } from "../i18n";
import { Field, PasswordInput, SelectField } from "./components";

// The fields of an account form, asked the same way wherever an account is made or used:
// sign-up, a group's join form (sign up or log in) and an accepted invitation.

type AccountFieldProps = { lang: Lang; value?: string | undefined; error?: string | undefined };

/** The most a name may hold (the server's limit). */
export const NAME_MAX = 100;

/** The name a person goes by, with the hint saying who sees it. */
export function NameField({ lang, value, error }: AccountFieldProps): VNode {
  return Field({
    name: "name",
    label: t(lang, "signup.name"),
    value,
    autocomplete: "name",
    required: true,
    maxlength: NAME_MAX,
    hint: t(lang, "signup.name_hint"),
    error,
  });
}

/** The account's address: `username` to a password manager when logging in. */
export function EmailField({ lang, value, error, login = false }: AccountFieldProps & { login?: boolean }): VNode {
  return Field({
    name: "email",
    label: t(lang, "signup.email"),
    type: "email",
    value,
    autocomplete: login ? "username" : "email",
    required: true,
    verbatim: true,
    error,
  });
}

/** A new password (with its minimum and strength meter), or the current one when logging in. */
export function AccountPasswordField({ lang, error, login = false }: Omit<AccountFieldProps, "value"> & { login?: boolean }): VNode {
  return PasswordInput({
    lang,
    name: "password",
    label: t(lang, login ? "login.password" : "signup.password"),
    autocomplete: login ? "current-password" : "new-password",
    meter: !login,
    error,
  });
}

/** The language the account reads its pages and mail in, each option named in its own language. */
export function LanguageField({ lang, value, error }: AccountFieldProps): VNode {
  return SelectField({
    name: "language",
    label: t(lang, "signup.language"),
    value: value ?? lang,
    options: LANGS.map((code) => ({ value: code, label: t(code, `language.${code}`), lang: code })),
    error,
  });
}
