import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { t } from "../../web/i18n";
import { BILLING_SETTINGS_PATH, BillingSettingsPage } from "../../web/pages/invoices/billing-settings";
import { requireUser } from "../auth/sessions";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant, viewingAsMember } from "../http/context";
import { formAction, readForm, refusalAt, signedIn, withDone } from "../http/forms";
import { doneNotice, pageContext, renderPage } from "../http/render";
import { assertMay, portalRequest, type PortalRequest } from "../memberships/http";
import { secretsKeyOf } from "./sealed";
import { billingFormOf, billingFormPatch, billingFormValues, type BillingFormValues } from "./settings-form";
import { billingLocks, lockedBy, stripeConnected, updateBillingSettings, type BillingLocks } from "./settings";

// /admin/invoices/settings: the billing settings for the community's owners and admins (the form on `updateBillingSettings`).

const NOTICES = { saved: "billing.done.saved", disconnected: "billing.done.disconnected" } as const;

/** The owner or admin (not viewing as a member), or the redirect to log in; anyone else gets the 403 page. */
async function billingAdmin(c: Context<AppEnv>): Promise<PortalRequest | Response> {
  const tenant = requireTenant(c);
  const out = signedIn(c, BILLING_SETTINGS_PATH);
  if (out) return out;
  assertMay({ tenantRole: requireUser(c).tenantRole, viewingAsMember: viewingAsMember(c) }, "manageBilling", tenant);
  return portalRequest(c);
}

type Typed = { values: BillingFormValues; errors: Record<string, string>; formError?: string | undefined };

async function settingsPage(c: Context<AppEnv>, req: PortalRequest, locks: BillingLocks, typed?: Typed, status: ContentfulStatusCode = 200) {
  const ctx = pageContext(c);
  return renderPage(
    c,
    t(ctx.lang, "billing.title"),
    BillingSettingsPage({
      ctx,
      viewingAsMember: viewingAsMember(c),
      values: typed?.values ?? billingFormOf(ctx.lang, req.billing),
      locks,
      connected: await stripeConnected(req.t),
      secretsAvailable: secretsKeyOf(c.env) !== null,
      webhookUrl: `${requestOrigin(c)}/api/v1/payments/stripe/webhook`,
      errors: typed?.errors ?? {},
      formError: typed?.formError,
      ...doneNotice(c, NOTICES),
    }),
    status,
  );
}

export const billingSettingsPages = new Hono<AppEnv>()
  .get(BILLING_SETTINGS_PATH, async (c) => {
    const req = await billingAdmin(c);
    return req instanceof Response ? req : settingsPage(c, req, await billingLocks(req.t));
  })
  .post(BILLING_SETTINGS_PATH, async (c) => {
    const req = await billingAdmin(c);
    if (req instanceof Response) return req;
    const [form, locks] = [await readForm(c), await billingLocks(req.t)];
    const values = billingFormValues(form, billingFormOf(pageContext(c).lang, req.billing));
    return formAction(c, {
      run: () => updateBillingSettings(req.t, req.tenant.name, billingFormPatch(form, values, locks), req.clock.now, lockedBy(req.t), secretsKeyOf(c.env)),
      render: (f) => {
        const shown = refusalAt(c, f, "stripeSecretKey", ["payments_unavailable"]);
        return settingsPage(c, req, locks, { values, errors: shown.errors, formError: shown.formError }, shown.status);
      },
      done: () => withDone(BILLING_SETTINGS_PATH, "saved"),
    });
  })
  .post(`${BILLING_SETTINGS_PATH}/disconnect`, async (c) => {
    const req = await billingAdmin(c);
    if (req instanceof Response) return req;
    await updateBillingSettings(req.t, req.tenant.name, { stripe: null }, req.clock.now, lockedBy(req.t), secretsKeyOf(c.env));
    return c.redirect(withDone(BILLING_SETTINGS_PATH, "disconnected"), 303);
  });
