import { Hono } from "hono";
import { t } from "../web/i18n";
import { ErrorPage, NotFoundPage } from "../web/ui/errors";
import { localizeError } from "./http/form-errors";
import { authPages } from "./auth/html";
import { authApi } from "./auth/routes";
import { groupsApi } from "./groups/routes";
import { groupPages } from "./groups/html";
import { adminPages } from "./groups/admin-html";
import { domainPages } from "./tenancy/domains-html";
import { faviconRoute, mediaRoutes } from "./groups/media";
import { membershipApi } from "./groups/membership-routes";
import { discussionsApi } from "./discussions/routes";
import { discussionPages } from "./discussions/html";
import { invitationsApi } from "./invitations/routes";
import { accountsApi, loginLinkPages } from "./accounts/routes";
import { invitationAdminPages, invitationPages, myInvitationPages } from "./invitations/html";
import { importAdminPages } from "./invitations/admin-html";
import { memberAdminPages } from "./accounts/html";
import { sessionLoader } from "./auth/sessions";
import type { AppEnv } from "./env";
import { staticAssets } from "./http/assets";
import { ApiError, isApiPath, sendError, toApiError } from "./http/errors";
import { languagePicker } from "./http/language";
import { originCheck } from "./http/origin";
import { formGuard } from "./http/validate";
import { pageContext, renderPage } from "./http/render";
import { securityHeaders } from "./http/security";
import { devMailApi } from "./mail/routes";
import { devClockApi } from "./dev/routes";
import { tenancy } from "./tenancy/hosts";
import { homePages } from "./tenancy/html";
import { profilesApi } from "./profiles/routes";
import { membersApi } from "./members/routes";
import { memberPages, pendingMembersCount } from "./members/html";
import { joinPrompt, profilePages } from "./profiles/html";
import { membershipPages } from "./memberships/html";
import { platformApi, tenantApi } from "./tenancy/routes";
import { plansApi } from "./plans/routes";
import { planPages } from "./plans/html";
import { membershipsApi } from "./memberships/routes";
import { membershipAdminPages } from "./memberships/admin-html";
import { invoicesApi } from "./invoices/routes";
import { invoiceApi } from "./invoices/invoice-routes";
import { paymentApi } from "./invoices/payment-routes";
import { billingSettingsPages } from "./invoices/settings-html";
import { invoiceAdminPages } from "./invoices/admin-list-html";
import { adminInvoicePages } from "./invoices/admin-html";
import { memberInvoicePages } from "./invoices/member-html";
import { announcementsApi } from "./announcements/routes";
import { dashboardApi } from "./dashboard/routes";
import { portalPages } from "./tenancy/portal-html";
import { announcementPages } from "./announcements/html";
import { membershipTab } from "./dashboard/html";
import { cardPaymentsApi } from "./payments/routes";
import { cardPaymentPages } from "./payments/html";
import { resourcePages } from "./resources/admin-html";
import { resourcesApi } from "./resources/routes";
import { bookingsApi } from "./bookings/routes";
import { helpdeskApi } from "./helpdesk/routes";
import { helpPages } from "./helpdesk/html";
import { helpAdminPages, helpUnreadCount } from "./helpdesk/admin-html";
import { bookingPages } from "./bookings/html";
import { eventPages } from "./events/html";
import { eventAdminPages } from "./events/admin-html";
import { forgetEventsAfterWrites } from "./events/cache";
import { forgetCalendarAfterWrites } from "./bookings/cache";
import { forgetBookingFactsAfterWrites } from "./bookings/facts";
import { deliverWebhooksAfterWrites } from "./webhooks/soon";
import { webhooksApi } from "./webhooks/routes";
import { eventsApi } from "./events/routes";
import { calendarApi } from "./calendar/routes";
import { calendarPages } from "./calendar/html";
import { openApiRoutes } from "./openapi/routes";
import { apiDocsPages } from "./openapi/html";
import { apiTokensApi } from "./tokens/routes";
import { integrationPages } from "./integrations/html";

const api = new Hono<AppEnv>()
  .route("/", platformApi)
  .route("/", tenantApi)
  .route("/", authApi)
  .route("/", groupsApi)
  .route("/", membershipApi)
  .route("/", discussionsApi)
  .route("/", invitationsApi)
  .route("/", accountsApi)
  .route("/", profilesApi)
  .route("/", membersApi)
  .route("/", plansApi)
  .route("/", membershipsApi)
  .route("/", invoicesApi)
  .route("/", invoiceApi)
  .route("/", paymentApi)
  .route("/", cardPaymentsApi)
  .route("/", announcementsApi)
  .route("/", dashboardApi)
  .route("/", resourcesApi)
  .route("/", calendarApi)
  .route("/", bookingsApi)
  .route("/", helpdeskApi)
  .route("/", eventsApi)
  .route("/", apiTokensApi)
  .route("/", webhooksApi)
  .route("/", devMailApi)
  .route("/", devClockApi)
  // The document walks the whole app (the app is made below; read when first asked).
  .route("/", openApiRoutes(() => app));

export const app = new Hono<AppEnv>();

app.use(securityHeaders());
// Host-independent and cheap: answered before tenancy, so probes and benchmarks see the bare Worker.
app.get("/healthz", (c) => c.json({ ok: true }));
app.route("/assets", staticAssets);
app.use(tenancy());
app.use(sessionLoader());
app.use(languagePicker());
app.use(originCheck());
app.use(formGuard());
app.use("/g/:slug/join", joinPrompt());
app.use("/admin/*", pendingMembersCount());
app.use(helpUnreadCount());
app.use(membershipTab());
// What runs after a write (forget the per-isolate reads it may have changed, then send the
// webhooks it queued) is registered for the writing methods only: a page view never passes
// through it (a HEAD is dispatched as a GET).
app.on(["POST", "PUT", "PATCH", "DELETE"], "*", forgetEventsAfterWrites(), forgetCalendarAfterWrites(), forgetBookingFactsAfterWrites(), deliverWebhooksAfterWrites());

app.route("/api/v1", api);
app.route("/", apiDocsPages);
app.route("/media", mediaRoutes);
app.route("/", faviconRoute);
app.route("/", homePages);
app.route("/", authPages);
app.route("/", groupPages);
app.route("/", discussionPages);
app.route("/", adminPages);
app.route("/", domainPages);
app.route("/", invitationPages);
app.route("/", myInvitationPages);
app.route("/", importAdminPages);
app.route("/", memberPages);
app.route("/", memberAdminPages);
app.route("/", invitationAdminPages);
app.route("/", loginLinkPages);
app.route("/", calendarPages);
app.route("/", profilePages);
app.route("/", planPages);
app.route("/", resourcePages);
app.route("/", portalPages);
app.route("/", announcementPages);
app.route("/", membershipPages);
app.route("/", bookingPages);
app.route("/", membershipAdminPages);
app.route("/", billingSettingsPages);
app.route("/", invoiceAdminPages);
// After the settings, list and charges pages: /admin/invoices/settings and …/charges are not invoice ids.
app.route("/", adminInvoicePages);
app.route("/", cardPaymentPages);
app.route("/", memberInvoicePages);
app.route("/", helpPages);
app.route("/", helpAdminPages);
app.route("/", eventPages);
app.route("/", eventAdminPages);
app.route("/", integrationPages);

app.notFound((c) => {
  if (isApiPath(c.req.path)) return sendError(c, new ApiError(404, "not_found", "No such endpoint."));
  const ctx = pageContext(c);
  return renderPage(c, t(ctx.lang, "error.not_found"), NotFoundPage({ ctx, kind: "page" }), 404);
});

/** Errors a page shows in the reader's language (the others keep the API's message). */
app.onError((err, c) => {
  const apiError = toApiError(err);
  if (apiError.status >= 500) console.error(`${c.req.method} ${c.req.path} failed`, err);
  if (isApiPath(c.req.path)) return sendError(c, apiError);
  for (const [k, v] of Object.entries(apiError.headers ?? {})) c.header(k, v);
  const ctx = pageContext(c);
  if (apiError.code === "no_community") return renderPage(c, t(ctx.lang, "error.no_community"), NotFoundPage({ ctx, kind: "no_community" }), 404);
  if (apiError.status === 404) return renderPage(c, t(ctx.lang, "error.not_found"), NotFoundPage({ ctx, kind: "page" }), 404);
  const message = apiError.status >= 500 ? t(ctx.lang, "error.generic") : localizeError(ctx.lang, apiError);
  return renderPage(c, String(apiError.status), ErrorPage({ ctx, status: apiError.status, message }), apiError.status);
});
