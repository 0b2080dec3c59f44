import { html } from "htm/preact";
import type { VNode } from "preact";
import { t, tCount, type Lang } from "../../i18n";
import { AccountPasswordField, EmailField, LanguageField, NameField } from "../../ui/account-fields";
import { Alert, Button, ButtonLink, FormMessages, TextareaField } from "../../ui/components";
import { siteName, type PageContext } from "../../ui/page";
import { formInputs, ProfileInputs } from "../profiles/inputs";
import { Island } from "../../ui/island";
import { GroupCover, GroupLogo, groupPath, Paragraphs } from "./shared";
import type { GroupQuestion, GroupView, PaidGroupView } from "./types";
import { includedInText, PlanChoice } from "./plans";

export { groupBrand } from "./shared";

export type JoinMode =
  | "signup"
  | "login"
  | "questions"
  | "pending"
  | "member"
  | "invite_only"
  | "banned"
  /** Signed up in a community that approves new accounts: nothing to join with yet. */
  | "account_pending"
  /** A paid group, a member without a plan that opens it: choose one of its plans and join. */
  | "plans"
  /** A paid group, the member's membership on one of its plans waits for approval. */
  | "plan_pending"
  /** A paid group, the member has a membership on another plan: change plan on /membership. */
  | "plan_other";

/** The most an answer may hold (the textarea's maxlength). */
export const ANSWER_MAX = 1000;

function Identity({ ctx, group }: { ctx: PageContext; group: GroupView }): VNode {
  const [firstParagraph] = Paragraphs({ text: group.description, className: "join-desc" });
  return html`<div class="join-identity">
    ${GroupCover({ group, className: "join-cover" })}
    <div class="join-identity-body">
      ${GroupLogo({ group, className: "join-logo" })}
      <h1 class="join-name">${group.name}</h1>
      <p class="join-meta">${tCount(ctx.lang, "group.members", group.memberCount)}</p>
      ${firstParagraph}
    </div>
  </div>`;
}

function Questions({
  lang,
  questions,
  values,
  errors,
}: {
  lang: Lang;
  questions: GroupQuestion[];
  values: Record<string, string>;
  errors: Record<string, string>;
}): VNode | null {
  if (questions.length === 0) return null;
  return html`<fieldset class="fieldset join-section">
    <legend class="legend">${t(lang, "join.questions_title")}</legend>
    <p class="field-hint join-section-hint">${t(lang, "join.questions_hint")}</p>
    ${questions.map((q) => {
      const name = `answer.${q.id}`;
      return TextareaField({
        name,
        label: q.label,
        value: values[name],
        rows: 2,
        maxlength: ANSWER_MAX,
        required: q.required,
        tag: q.required ? t(lang, "form.required_tag") : undefined,
        error: errors[name],
      });
    })}
  </fieldset>`;
}

/**
 * The profile fields this join needs (ctx.profilePrompt): on the sign-up form, the fields
 * asked at sign-up (`profile.{key}`); then the required fields the group asks for, posted as
 * answers (`answer.profile.{key}`): those still empty, or named by an error.
 */
function ProfilePromptFields({ ctx, mode, values, errors }: { ctx: PageContext; mode: JoinMode; values: Record<string, string>; errors: Record<string, string> }): VNode | null {
  const prompt = ctx.profilePrompt;
  if (!prompt || mode === "login") return null;
  const { lang } = ctx;
  const signupKeys = new Set(prompt.signup.map((f) => f.key));
  const signup = mode === "signup" ? prompt.signup : [];
  const join = prompt.join.filter((f) => (mode === "signup" ? !signupKeys.has(f.key) : f.missing || errors[`fields.${f.key}`] !== undefined));
  if (signup.length === 0 && join.length === 0) return null;
  return html`<fieldset class="fieldset join-section join-profile">
    <legend class="legend">${t(lang, "join.profile_title")}</legend>
    <p class="field-hint join-section-hint">${t(lang, "join.profile_hint")}</p>
    ${signup.length > 0 && ProfileInputs({ lang, fields: signup, values: formInputs(values, "profile."), errors, prefix: "profile." })}
    ${join.length > 0 && ProfileInputs({ lang, fields: join, values: formInputs(values, "answer.profile."), errors, prefix: "answer.profile." })}
  </fieldset>`;
}

function StateCard({
  ctx,
  group,
  tone,
  title,
  body,
  primary,
  live,
  link,
}: {
  ctx: PageContext;
  group: GroupView;
  tone: "success" | "info" | "neutral";
  title: string;
  body: string;
  primary?: boolean;
  /** A waiting applicant's page: opens the group as soon as the request is approved. */
  live?: boolean;
  /** One more way on (the membership page), shown first. */
  link?: { href: string; label: string };
}): VNode {
  const { lang } = ctx;
  const path = groupPath(group.slug);
  return html`<div class=${`join-state join-state-${tone}`}>
    <span class="join-state-icon" aria-hidden="true"></span>
    <h2 class="join-title">${title}</h2>
    <p class="join-state-body">${body}</p>
    ${live && ctx.user && Island({ name: "PendingWatch", props: { slug: group.slug, text: t(lang, "join.pending_live") } })}
    <div class="actions join-state-actions">
      ${link && ButtonLink({ href: link.href, variant: "primary", children: link.label })}
      ${ButtonLink({ href: path, variant: primary ? "primary" : "secondary", children: t(lang, "join.to_group") })}
      ${!ctx.user &&
      tone !== "success" &&
      ButtonLink({ href: `/login?next=${encodeURIComponent(path)}`, variant: "ghost", children: t(lang, "layout.login") })}
    </div>
  </div>`;
}

/**
 * /g/{slug}/join, the page behind the group's unique link: one form that signs up (or
 * logs in), answers the group's questions and joins; or the state the viewer is in.
 * Render it with `brand: groupBrand(group)`.
 */
export function JoinPage({
  ctx,
  group,
  mode,
  values = {},
  errors = {},
  formError,
  paid = null,
  plan = "",
}: {
  ctx: PageContext;
  group: GroupView;
  mode: JoinMode;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  formError?: string;
  /** A paid group's plans and where the reader stands (null for a group no plan opens). */
  paid?: PaidGroupView | null;
  /** The plan chosen beforehand (`?plan=`, from the group page). */
  plan?: string;
}): VNode {
  const { lang, tenant } = ctx;
  const path = groupPath(group.slug);
  const name = group.name;
  const approval = group.joinPolicy === "approval";

  let content: VNode;
  switch (mode) {
    case "pending":
      content = StateCard({ ctx, group, tone: "success", title: t(lang, "join.pending_title"), body: t(lang, "join.pending_body", { group: name }), live: true });
      break;
    case "account_pending":
      content = StateCard({
        ctx,
        group,
        tone: "success",
        title: t(lang, "join.account_pending_title"),
        body: t(lang, "join.account_pending_body", { community: siteName(ctx), group: name }),
      });
      break;
    case "member":
      content = StateCard({ ctx, group, tone: "success", title: t(lang, "join.member_title"), body: t(lang, "join.member_body", { group: name }), primary: true });
      break;
    case "invite_only":
      content = StateCard({ ctx, group, tone: "info", title: t(lang, "join.invite_title"), body: t(lang, "join.invite_body", { group: name }) });
      break;
    case "banned":
      content = StateCard({ ctx, group, tone: "neutral", title: t(lang, "join.banned_title"), body: t(lang, "join.banned_body", { group: name }) });
      break;
    case "plan_pending":
      content = StateCard({
        ctx,
        group,
        tone: "success",
        title: t(lang, "paid.pending_title"),
        body: t(lang, "paid.pending_body", { plan: paid?.current?.name ?? "", group: name }),
        link: { href: "/membership", label: t(lang, "paid.see_membership") },
      });
      break;
    case "plan_other":
      content = StateCard({
        ctx,
        group,
        tone: "info",
        title: t(lang, "paid.other_title"),
        body: t(lang, "paid.other_body", { group: name, plans: (paid?.plans ?? []).map((p) => p.name).join(", "), plan: paid?.current?.name ?? "" }),
        link: { href: "/membership", label: t(lang, "paid.change_plan") },
      });
      break;
    default: {
      const signup = mode === "signup";
      const login = mode === "login";
      const choosing = mode === "plans" && paid !== null;
      const signupOpen = tenant?.signupPolicy !== "invite_only";
      // A plan chosen beforehand travels with a visitor's sign-up or login: one post starts it.
      const chosen = (signup || login) && paid?.plans.some((p) => p.id === (values.planId ?? plan)) ? (values.planId ?? plan) : "";
      const title = choosing
        ? t(lang, "paid.join_title")
        : signup
          ? t(lang, "join.signup_title")
          : login
            ? t(lang, "join.login_title")
            : t(lang, approval ? "join.request_title" : "join.join_title");
      const intro = choosing
        ? t(lang, "paid.join_intro", { group: name })
        : signup
          ? t(lang, "join.signup_intro", { community: siteName(ctx) })
          : login
            ? t(lang, "join.login_intro", { community: siteName(ctx) })
            : group.questions.length > 0
              ? t(lang, "join.questions_intro")
              : t(lang, "join.confirm_intro", { group: name });
      const submit = choosing
        ? t(lang, approval ? "paid.submit_request" : "paid.submit")
        : signup && paid && paid.plans.length > 0 && !chosen
          ? t(lang, "paid.submit_signup")
          : signup
            ? t(lang, approval ? "join.submit_signup_request" : "join.submit_signup")
            : login
              ? t(lang, approval ? "join.submit_login_request" : "join.submit_login")
              : t(lang, approval ? "group.request_join" : "group.join");
      content = html`
        <h2 class="join-title">${title}</h2>
        <p class="join-intro">${intro}</p>
        ${(signup || login) &&
        paid &&
        Alert({ tone: "info", children: paid.plans.length > 0 && !chosen ? `${includedInText(lang, paid)}. ${t(lang, "paid.visitor_notice")}` : includedInText(lang, paid) })}
        ${choosing && paid.plans.some((p) => p.approvalRequired) && Alert({ tone: "info", children: t(lang, "paid.approval_notice") })}
        ${approval && Alert({ tone: "info", children: t(lang, "join.approval_notice") })}
        ${signup && tenant?.signupPolicy === "approval" && Alert({ tone: "info", children: t(lang, "signup.approval_notice") })}
        ${FormMessages({ lang, formError, errors })}
        <form class="form" method="post" action=${`${path}/join`}>
          <input type="hidden" name="mode" value=${mode} />
          ${chosen && html`<input type="hidden" name="planId" value=${chosen} />`}
          ${choosing && PlanChoice({ lang, plans: paid.plans, selected: values.planId ?? plan, error: errors.planId })}
          ${(signup || login) &&
          html`<fieldset class="fieldset join-section">
            <legend class="legend sr-only">${t(lang, signup ? "join.account_new" : "join.account_existing")}</legend>
            ${signup && NameField({ lang, value: values.name, error: errors.name })}
            ${EmailField({ lang, value: values.email, error: errors.email, login: !signup })}
            ${AccountPasswordField({ lang, error: errors.password, login: !signup })}
            ${login && html`<p class="form-aside"><a href="/reset">${t(lang, "login.forgot")}</a></p>`}
            ${signup && LanguageField({ lang, value: values.language, error: errors.language })}
          </fieldset>`}
          ${ProfilePromptFields({ ctx, mode, values, errors })}
          ${Questions({ lang, questions: group.questions, values, errors })}
          ${Button({ children: submit, block: true, size: "lg" })}
        </form>
        ${signup &&
        html`<p class="auth-switch">
          ${t(lang, "signup.have_account")} <a href=${`${path}/join?mode=login`}>${t(lang, "signup.login_link")}</a>
        </p>`}
        ${login &&
        signupOpen &&
        html`<p class="auth-switch">
          ${t(lang, "login.no_account")} <a href=${`${path}/join?mode=signup`}>${t(lang, "login.signup_link")}</a>
        </p>`}
        ${!signup && !login && html`<p class="auth-switch"><a href=${path}>${t(lang, "join.back_to_group")}</a></p>`}
      `;
    }
  }

  return html`<div class="join">
    <div class="card join-card">
      ${Identity({ ctx, group })}
      <div class="join-body">${content}</div>
    </div>
  </div>`;
}
