import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are UTC milliseconds. Every tenant-owned table carries tenant_id.

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  subdomain: text("subdomain").notNull().unique(),
  signupPolicy: text("signup_policy", { enum: ["open", "approval", "invite_only"] }).notNull().default("open"),
  defaultLanguage: text("default_language").notNull().default("fr"),
  timezone: text("timezone").notNull().default("Europe/Paris"),
  primaryColor: text("primary_color").notNull().default("#4f46e5"),
  accentColor: text("accent_color"),
  logoKey: text("logo_key"),
  faviconKey: text("favicon_key"),
  features: text("features", { mode: "json" }).$type<Record<string, boolean>>().notNull().default(sql`'{}'`),
  /** Who may create groups: every active member, or tenant owners and admins only. */
  groupCreation: text("group_creation", { enum: ["everyone", "admins"] }).notNull().default("everyone"),
  /** Markdown on every member's dashboard, and where a member cancels (member portal). */
  welcomeMessage: text("welcome_message"),
  cancellationMessage: text("cancellation_message"),
  /** The status banner: `{state, message, from?, until?}` with times as UTC ms. */
  status: text("status", { mode: "json" }).$type<TenantStatus>(),
  createdAt: integer("created_at").notNull(),
});

export type TenantStatus = { state: "open" | "temporarily_closed" | "restricted"; message: string; from: number | null; until: number | null };

export const domains = sqliteTable(
  "domains",
  {
    hostname: text("hostname").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id"),
    status: text("status", { enum: ["pending", "active"] }).notNull().default("pending"),
    verificationName: text("verification_name").notNull(),
    verificationValue: text("verification_value").notNull(),
    providerId: text("provider_id"),
    createdAt: integer("created_at").notNull(),
    verifiedAt: integer("verified_at"),
  },
  (t) => [index("domains_tenant").on(t.tenantId)],
);

/**
 * Claims on custom hostnames (branch domains). Several tenants may claim one hostname
 * while it is unproven; the first to prove it (its own TXT record) holds it: at most
 * one claim per hostname is `verified` or `active` (partial unique index), and only an
 * `active` one serves (ownership proven, Cloudflare hostname and certificate active).
 * Supersedes the `domains` table, which is no longer read.
 */
export const domainClaims = sqliteTable(
  "domain_claims",
  {
    id: text("id").primaryKey(),
    hostname: text("hostname").notNull(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    groupId: text("group_id"),
    status: text("status", { enum: ["pending", "verified", "active", "ended", "expired"] }).notNull().default("pending"),
    /** This claim's own proof of ownership: a TXT record only the hostname's owner can publish. */
    proofName: text("proof_name").notNull(),
    proofValue: text("proof_value").notNull(),
    providerId: text("provider_id"),
    hostnameStatus: text("hostname_status").notNull().default("pending"),
    sslStatus: text("ssl_status").notNull().default("initializing"),
    /** JSON: the DNS records the provider asks for (ownership TXT, certificate TXT, CNAME). */
    records: text("records", { mode: "json" }).$type<{ type: "TXT" | "CNAME"; name: string; value: string }[]>().notNull().default(sql`'[]'`),
    createdAt: integer("created_at").notNull(),
    checkedAt: integer("checked_at"),
    verifiedAt: integer("verified_at"),
    activatedAt: integer("activated_at"),
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("domain_claims_hostname_tenant").on(t.hostname, t.tenantId),
    uniqueIndex("domain_claims_holder").on(t.hostname).where(sql`status in ('verified', 'active')`),
    index("domain_claims_tenant").on(t.tenantId),
    index("domain_claims_status_checked").on(t.status, t.checkedAt),
  ],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    language: text("language"),
    // "moderator": the community's staff, a moderator in every group without being an admin.
    tenantRole: text("tenant_role", { enum: ["owner", "admin", "moderator", "member"] }).notNull().default("member"),
    // "staged": created by a file import that has not committed yet (cannot sign in).
    // "suspended": by an admin, until unsuspended; "disabled" (older rows) is treated the same.
    status: text("status", { enum: ["staged", "active", "pending_approval", "suspended", "disabled"] }).notNull().default("active"),
    bio: text("bio"),
    /** Set by admins at provisioning; exported, never shown to the member. */
    extraInfo: text("extra_info"),
    importId: text("import_id"),
    emailVerifiedAt: integer("email_verified_at"),
    createdAt: integer("created_at").notNull(),
    /** `fold(name)` (worker/http/search.ts), written with every name; null on rows the backfill has not reached yet. */
    searchText: text("search_text"),
  },
  (t) => [
    uniqueIndex("users_tenant_email").on(t.tenantId, t.email),
    // Keeps the scheduled backfill of search_text cheap once every row is folded.
    index("users_search_unfolded").on(t.id).where(sql`search_text is null`),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    // SHA-256 of the cookie token, hex. The token itself is never stored.
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_user").on(t.tenantId, t.userId), index("sessions_expiry").on(t.expiresAt)],
);

export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    // reset: forgot password; setup: choose a first password; login: one-time sign-in link;
    // handoff: the new owner's way from the root host's /new to their community (2 minutes).
    purpose: text("purpose", { enum: ["reset", "setup", "login", "handoff"] }).notNull().default("reset"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("password_resets_user").on(t.tenantId, t.userId)],
);

// No longer written (every limit is in rate_limits, worker/http/limits.ts); kept so no migration drops it.
export const throttles = sqliteTable("throttles", {
  key: text("key").primaryKey(),
  count: integer("count").notNull(),
  windowStart: integer("window_start").notNull(),
  blockedUntil: integer("blocked_until"),
});

/**
 * Counters of every limit in the product (fixed windows). The CHECK is the guard:
 * a reservation that would pass `max` fails its statement, and with it the whole
 * batch, so several limits are reserved all together or not at all.
 */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").primaryKey(),
    count: integer("count").notNull(),
    max: integer("max").notNull(),
    windowStart: integer("window_start").notNull(),
    windowMs: integer("window_ms").notNull(),
  },
  (t) => [index("rate_limits_window_end").on(t.windowStart), check("rate_limits_within_max", sql`${t.count} <= ${t.max}`)],
);

export const groups = sqliteTable(
  "groups",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    slug: text("slug").notNull(),
    previousSlug: text("previous_slug"),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    joinPolicy: text("join_policy", { enum: ["approval", "open", "invite"] }).notNull().default("approval"),
    questions: text("questions", { mode: "json" })
      .$type<{ id: string; label: string; required: boolean }[]>()
      .notNull()
      .default(sql`'[]'`),
    links: text("links", { mode: "json" }).$type<{ title: string; url: string }[]>().notNull().default(sql`'[]'`),
    primaryColor: text("primary_color"),
    logoKey: text("logo_key"),
    coverKey: text("cover_key"),
    faviconKey: text("favicon_key"),
    ownerId: text("owner_id").notNull(),
    createdAt: integer("created_at").notNull(),
    deletedAt: integer("deleted_at"),
  },
  (t) => [
    uniqueIndex("groups_tenant_slug").on(t.tenantId, t.slug),
    index("groups_tenant_previous_slug").on(t.tenantId, t.previousSlug),
    index("groups_deleted").on(t.deletedAt),
  ],
);

export const memberships = sqliteTable(
  "memberships",
  {
    tenantId: text("tenant_id").notNull(),
    groupId: text("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "admin", "moderator", "member"] }).notNull().default("member"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("memberships_user").on(t.tenantId, t.userId),
    index("memberships_group_role").on(t.groupId, t.role, t.createdAt),
  ],
);

// A banned user is out of the group and cannot rejoin until unbanned.
export const groupBans = sqliteTable(
  "group_bans",
  {
    tenantId: text("tenant_id").notNull(),
    groupId: text("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    bannedBy: text("banned_by").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    // SHA-256 of the link's token; replaced on resend so the old link dies.
    tokenHash: text("token_hash").notNull().unique(),
    // The reminder carries its own link; both work until one is used (the raw tokens are never stored).
    reminderTokenHash: text("reminder_token_hash").unique(),
    // "staged": written by a file import that has not committed yet (invisible, never emailed).
    // "declined": the invited person said no (from their account, or from the link).
    status: text("status", { enum: ["staged", "pending", "accepted", "revoked", "expired", "declined"] }).notNull().default("pending"),
    importId: text("import_id"),
    tenantRole: text("tenant_role", { enum: ["admin", "member"] }).notNull().default("member"),
    groupRole: text("group_role", { enum: ["moderator", "member"] }).notNull().default("member"),
    groupIds: text("group_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    firstName: text("first_name"),
    lastName: text("last_name"),
    message: text("message"),
    language: text("language"),
    invitedBy: text("invited_by"),
    invitedAt: integer("invited_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    remindedAt: integer("reminded_at"),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [
    index("invitations_tenant_email").on(t.tenantId, t.email, t.status),
    index("invitations_due").on(t.status, t.invitedAt),
    index("invitations_import").on(t.importId),
  ],
);

export type MailAttachment = { filename: string; contentType: string; /** base64 */ content: string };

// A mail message's columns, shared by the outbox and the development mailbox
// (a fresh set for each table: drizzle binds a column to its table).
const mailColumns = () => ({
  id: text("id").primaryKey(),
  tenantId: text("tenant_id").notNull(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html").notNull(),
  /** Files sent with the email (`MailAttachment[]`, contents in base64), null when none. */
  attachments: text("attachments", { mode: "json" }).$type<MailAttachment[]>(),
});

// Mail leaves only through this table: written in the same batch as the data
// that causes it, drained by deliverOutbox() after the response and by cron.
export const outbox = sqliteTable(
  "outbox",
  {
    ...mailColumns(),
    status: text("status", { enum: ["staged", "pending", "sending", "sent", "failed"] }).notNull().default("pending"),
    importId: text("import_id"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    claimedUntil: integer("claimed_until"),
    /**
     * The provider call this row was first claimed into (worker/mail/outbox.ts): a retry claims
     * the same group again, so a retried batch is the same batch (same idempotency key).
     */
    batchId: text("batch_id"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [index("outbox_due").on(t.status, t.nextAttemptAt), index("outbox_tenant").on(t.tenantId, t.createdAt), index("outbox_import").on(t.importId), index("outbox_batch").on(t.batchId)],
);

// The development mail transport's mailbox (ENVIRONMENT = "development" only).
export const devMail = sqliteTable(
  "dev_mail",
  {
    ...mailColumns(),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [index("dev_mail_to").on(t.tenantId, t.to, t.sentAt)],
);

// ── member profiles ──────────────────────────────────────────────────────

/** A custom profile field defined by the tenant's admins. */
export const profileFields = sqliteTable(
  "profile_fields",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: text("type", { enum: ["text", "long_text", "number", "date", "select", "multi_select", "boolean", "url", "phone"] }).notNull(),
    options: text("options", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    // "member": the member sees it (others only when public); "admins": never shown to members.
    visibility: text("visibility", { enum: ["member", "admins"] }).notNull().default("member"),
    editable: integer("editable", { mode: "boolean" }).notNull().default(true),
    required: integer("required", { mode: "boolean" }).notNull().default(false),
    public: integer("public", { mode: "boolean" }).notNull().default(false),
    filterable: integer("filterable", { mode: "boolean" }).notNull().default(false),
    askAtSignup: integer("ask_at_signup", { mode: "boolean" }).notNull().default(false),
    /** Group ids; empty means every member of the community. */
    groupIds: text("group_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("profile_fields_tenant_key").on(t.tenantId, t.key), index("profile_fields_tenant_position").on(t.tenantId, t.position)],
);

/** One typed value (JSON text) per (tenant, user, field). */
export const profileValues = sqliteTable(
  "profile_values",
  {
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    fieldId: text("field_id").notNull().references(() => profileFields.id, { onDelete: "cascade" }),
    value: text("value").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.fieldId] }), index("profile_values_field").on(t.tenantId, t.fieldId), index("profile_values_user").on(t.tenantId, t.userId)],
);

/** What a member's profile holds beside the users row: the avatar for now. */
export const memberProfiles = sqliteTable(
  "member_profiles",
  {
    userId: text("user_id").primaryKey().references(() => users.id, { onDelete: "cascade" }),
    tenantId: text("tenant_id").notNull(),
    avatarKey: text("avatar_key"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("member_profiles_tenant").on(t.tenantId)],
);

// ---------------------------------------------------------------------------------------------
// Member portal: billing settings, plans and the memberships members hold on them. A plan
// membership is not a group membership (`memberships` above): it is what a member pays for.

/** A community's billing settings; a tenant without a row has the defaults (EUR, invoices on the 1st). */
export const billingSettings = sqliteTable(
  "billing_settings",
  {
    tenantId: text("tenant_id").primaryKey().references(() => tenants.id, { onDelete: "cascade" }),
    currency: text("currency").notNull().default("EUR"),
    invoiceDay: integer("invoice_day").notNull().default(1),
    numberPrefix: text("number_prefix").notNull().default("INV"),
    paymentTermsDays: integer("payment_terms_days").notNull().default(14),
    defaultTaxRateBp: integer("default_tax_rate_bp").notNull().default(0),
    /** The seller on invoices; null name means the community's name. */
    sellerName: text("seller_name"),
    sellerAddress: text("seller_address").notNull().default(""),
    sellerTaxId: text("seller_tax_id"),
    iban: text("iban"),
    bic: text("bic"),
    updatedAt: integer("updated_at").notNull(),
    /** The community's own Stripe keys, sealed (`v1.<iv>.<ciphertext>`, worker/invoices/sealed.ts); null when not connected. */
    stripeSecretKey: text("stripe_secret_key"),
    stripeWebhookSecret: text("stripe_webhook_secret"),
  },
  (t) => [
    check("billing_settings_invoice_day", sql`${t.invoiceDay} between 1 and 28`),
    check("billing_settings_terms", sql`${t.paymentTermsDays} between 0 and 365`),
    check("billing_settings_tax_rate", sql`${t.defaultTaxRateBp} between 0 and 10000`),
  ],
);

export const plans = sqliteTable(
  "plans",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** Minor units of the tenant's currency, per interval. */
    priceAmount: integer("price_amount").notNull(),
    currency: text("currency").notNull(),
    intervalMonths: integer("interval_months").notNull().default(1),
    /** Basis points: 20 % is 2000. */
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    approvalRequired: integer("approval_required", { mode: "boolean" }).notNull().default(false),
    hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
    noticeDays: integer("notice_days").notNull().default(0),
    setupFeeAmount: integer("setup_fee_amount").notNull().default(0),
    creditMinutes: integer("credit_minutes").notNull().default(0),
    /** Resource categories the credits apply to; empty means every category. */
    creditCategories: text("credit_categories", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    archivedAt: integer("archived_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("plans_tenant").on(t.tenantId, t.archivedAt),
    check("plans_price", sql`${t.priceAmount} >= 0 and ${t.setupFeeAmount} >= 0 and ${t.creditMinutes} >= 0`),
    check("plans_interval", sql`${t.intervalMonths} between 1 and 12`),
    check("plans_notice", sql`${t.noticeDays} between 0 and 365`),
    check("plans_tax_rate", sql`${t.taxRateBp} between 0 and 10000`),
  ],
);

/** The groups a plan opens (paid groups): a group listed here is joined only with one of its plans. */
export const planGroups = sqliteTable(
  "plan_groups",
  {
    tenantId: text("tenant_id").notNull(),
    planId: text("plan_id").notNull().references(() => plans.id, { onDelete: "cascade" }),
    groupId: text("group_id").notNull().references(() => groups.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.planId, t.groupId] }), index("plan_groups_group").on(t.tenantId, t.groupId)],
);

export const planMemberships = sqliteTable(
  "plan_memberships",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    planId: text("plan_id").notNull().references(() => plans.id),
    status: text("status", { enum: ["pending_approval", "active", "canceling", "canceled"] }).notNull(),
    /** Days (YYYY-MM-DD) in the tenant's timezone. */
    startsOn: text("starts_on").notNull(),
    /** Where billing periods are counted from: the start, or the day a plan change took effect. */
    periodsFrom: text("periods_from").notNull(),
    cancelsOn: text("cancels_on"),
    changePlanId: text("change_plan_id").references(() => plans.id),
    changeOn: text("change_on"),
    billingName: text("billing_name"),
    billingAddress: text("billing_address"),
    billingTaxId: text("billing_tax_id"),
    createdAt: integer("created_at").notNull(),
    confirmedAt: integer("confirmed_at"),
    endedAt: integer("ended_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    // One membership at a time: of concurrent requests exactly one gets in.
    uniqueIndex("plan_memberships_one_open").on(t.tenantId, t.userId).where(sql`status <> 'canceled'`),
    index("plan_memberships_tenant_status").on(t.tenantId, t.status),
    index("plan_memberships_user").on(t.tenantId, t.userId, t.createdAt),
  ],
);

/** Announcements on members' dashboards: everyone, or members of some groups or plans. */
export const announcements = sqliteTable(
  "announcements",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Markdown. */
    body: text("body").notNull(),
    email: integer("email", { mode: "boolean" }).notNull().default(false),
    planIds: text("plan_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    groupIds: text("group_ids", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    until: integer("until"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("announcements_tenant").on(t.tenantId, t.createdAt)],
);

// ---------------------------------------------------------------------------------------------
// Invoices (branch inv-core): charges are the one way money reaches an invoice; an issued
// invoice is a snapshot (seller, buyer, lines) never edited; numbers come from a counter per
// tenant, series and year, incremented in the batch that inserts the invoice.

export const CHARGE_KINDS = ["plan_period", "setup_fee", "one_off", "booking", "event"] as const;

/** Money owed by a member, waiting for (or carried by) an invoice. Amounts are before tax, in minor units. */
export const charges = sqliteTable(
  "charges",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    membershipId: text("membership_id").references(() => planMemberships.id, { onDelete: "set null" }),
    kind: text("kind", { enum: CHARGE_KINDS }).notNull(),
    description: text("description").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    periodStart: text("period_start"),
    periodEnd: text("period_end"),
    invoiceId: text("invoice_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    // A plan period (and a membership's setup fee) is charged once, whatever the job's retries.
    uniqueIndex("charges_membership_period").on(t.membershipId, t.kind, t.periodStart).where(sql`membership_id is not null and period_start is not null`),
    index("charges_user").on(t.tenantId, t.userId, t.invoiceId),
    index("charges_invoice").on(t.invoiceId),
    check("charges_tax_rate", sql`${t.taxRateBp} between 0 and 10000`),
  ],
);

/** An issued invoice: its lines, seller and buyer are snapshots taken at issue (JSON). */
export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    // An issued invoice outlives its member's account (the law keeps it; its buyer is a snapshot):
    // removing the member only forgets whom it billed.
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    membershipId: text("membership_id"),
    number: text("number").notNull(),
    status: text("status", { enum: ["open", "paid", "void"] }).notNull().default("open"),
    issuedOn: text("issued_on").notNull(),
    dueOn: text("due_on").notNull(),
    seller: text("seller", { mode: "json" }).$type<InvoiceParty>().notNull(),
    buyer: text("buyer", { mode: "json" }).$type<InvoiceParty>().notNull(),
    lines: text("lines", { mode: "json" }).$type<InvoiceLineSnapshot[]>().notNull(),
    subtotal: integer("subtotal").notNull(),
    tax: integer("tax").notNull(),
    total: integer("total").notNull(),
    paid: integer("paid").notNull().default(0),
    currency: text("currency").notNull(),
    createdAt: integer("created_at").notNull(),
    // Void + credit note (branch inv-pay): the invoice keeps its number, the credit note has its own series.
    voidReason: text("void_reason"),
    voidedAt: integer("voided_at"),
    creditNoteNumber: text("credit_note_number"),
    creditNoteIssuedOn: text("credit_note_issued_on"),
  },
  (t) => [
    uniqueIndex("invoices_number").on(t.tenantId, t.number),
    uniqueIndex("invoices_credit_note_number").on(t.tenantId, t.creditNoteNumber).where(sql`credit_note_number is not null`),
    index("invoices_user").on(t.tenantId, t.userId, t.issuedOn),
    index("invoices_tenant_issued").on(t.tenantId, t.issuedOn),
    // Dunning (inv-dunning): the open invoices by due day, across tenants.
    index("invoices_open_due").on(t.dueOn).where(sql`status = 'open'`),
  ],
);

export const PAYMENT_METHODS = ["bank_transfer", "cash", "card", "other"] as const;

/** Money received for an invoice (branch inv-pay); `invoices.paid` is the sum of its payments, kept in the same batch. */
export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    // No foreign key to invoices: D1 cannot turn foreign keys off, so a future rebuild of the
    // invoices table (drizzle-kit's way of altering a column) would cascade into the payments.
    invoiceId: text("invoice_id").notNull(),
    /** The member the invoice billed when it was paid; null for an invoice whose member's account was removed. */
    userId: text("user_id"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    method: text("method", { enum: PAYMENT_METHODS }).notNull(),
    paidOn: text("paid_on").notNull(),
    note: text("note"),
    /** The provider's id of the payment (a Stripe Checkout session): a payment is recorded once per reference. */
    providerRef: text("provider_ref"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("payments_provider_ref").on(t.tenantId, t.providerRef).where(sql`provider_ref is not null`),
    index("payments_invoice").on(t.invoiceId, t.paidOn),
    check("payments_amount", sql`${t.amount} > 0`),
  ],
);

/** The last sequence given per tenant, series (`invoice`, `credit_note`) and year. */
export const documentCounters = sqliteTable(
  "document_counters",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    series: text("series", { enum: ["invoice", "credit_note"] }).notNull(),
    year: integer("year").notNull(),
    sequence: integer("sequence").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.series, t.year] })],
);

/** A community's invoice run that finished on an invoice day: later runs of that day skip it, later charges wait for the next one. */
export const invoiceRuns = sqliteTable(
  "invoice_runs",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    finishedAt: integer("finished_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);

/**
 * Dunning (branch inv-dunning): one row per reminder sent for an unpaid invoice, 3, 10 and 20
 * days after its due day. The primary key makes each (invoice, step) reminder go once; the row
 * carries the id of its outbox email, written in the same D1 batch.
 */
export const invoiceReminders = sqliteTable(
  "invoice_reminders",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    // No foreign key to invoices: issued invoices are never deleted, and a table rebuild of
    // `invoices` (drizzle-kit's way to alter a column) must not cascade into the reminders sent.
    invoiceId: text("invoice_id").notNull(),
    /** Days after the due day: 3, 10 or 20. */
    step: integer("step").notNull(),
    /** The job's day (the tenant's timezone) that sent it. */
    sentOn: text("sent_on").notNull(),
    mailId: text("mail_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.invoiceId, t.step] }), index("invoice_reminders_tenant").on(t.tenantId, t.sentOn)],
);

// ---------------------------------------------------------------------------------------------
// Resources and bookings (branch bk-core): rooms, desks and equipment members book; a booking is
// inserted by one conditional statement that checks the resource's `units` at every instant.

/** One opening window: ISO weekday (1 = Monday), wall-clock `HH:MM` in the tenant's timezone, `to` may be `24:00`. */
export type OpeningWindow = { day: number; from: string; to: string };

export const resources = sqliteTable(
  "resources",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    category: text("category").notNull(),
    description: text("description").notNull().default(""),
    imageKey: text("image_key"),
    /** How many bookings may run at once. */
    units: integer("units").notNull().default(1),
    /** How many people fit (informative). */
    capacity: integer("capacity"),
    /** Minor units of the tenant's currency, per hour. */
    pricePerHourAmount: integer("price_per_hour_amount").notNull(),
    currency: text("currency").notNull(),
    /** Hourly prices per plan id, minor units. */
    planPrices: text("plan_prices", { mode: "json" }).$type<Record<string, number>>().notNull().default(sql`'{}'`),
    /** Basis points: 20 % is 2000. */
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    minMinutes: integer("min_minutes"),
    maxMinutes: integer("max_minutes"),
    cutoffHours: integer("cutoff_hours"),
    cancellationHours: integer("cancellation_hours"),
    /** null: bookable at any time. */
    openingHours: text("opening_hours", { mode: "json" }).$type<OpeningWindow[]>(),
    hidden: integer("hidden", { mode: "boolean" }).notNull().default(false),
    /** A deleted resource stays for its past bookings; it is gone for everyone else. */
    deletedAt: integer("deleted_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("resources_tenant").on(t.tenantId, t.deletedAt, t.category),
    check("resources_units", sql`${t.units} >= 1`),
    check("resources_price", sql`${t.pricePerHourAmount} >= 0`),
    check("resources_tax_rate", sql`${t.taxRateBp} between 0 and 10000`),
  ],
);

/** Resources an admin hid from one member: they disappear for that member and refuse their bookings. */
export const hiddenResources = sqliteTable(
  "hidden_resources",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    resourceId: text("resource_id").notNull().references(() => resources.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.resourceId] }), index("hidden_resources_tenant").on(t.tenantId, t.userId)],
);

/** A booking of one unit of a resource over the half-open interval [from, to) (UTC ms). */
export const bookings = sqliteTable(
  "bookings",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    resourceId: text("resource_id").notNull().references(() => resources.id),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    title: text("title"),
    fromMs: integer("from_ms").notNull(),
    toMs: integer("to_ms").notNull(),
    /** What the booking costs beyond its credits (minor units), charged through `chargeId`. */
    priceAmount: integer("price_amount").notNull().default(0),
    currency: text("currency").notNull(),
    creditsUsedMinutes: integer("credits_used_minutes").notNull().default(0),
    /** The membership and billing period whose credits it used (null without credits). */
    membershipId: text("membership_id"),
    periodStart: text("period_start"),
    chargeId: text("charge_id"),
    seriesId: text("series_id"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("bookings_resource_from").on(t.resourceId, t.fromMs),
    // The capacity check counts the bookings running at an instant: those ending after it.
    index("bookings_resource_to").on(t.resourceId, t.toMs),
    index("bookings_tenant_from").on(t.tenantId, t.fromMs),
    // The calendar of every resource reads the bookings still running after its start (history stays unread).
    index("bookings_tenant_to").on(t.tenantId, t.toMs),
    index("bookings_user_from").on(t.tenantId, t.userId, t.fromMs),
    index("bookings_credits").on(t.membershipId, t.periodStart),
    index("bookings_series").on(t.seriesId),
    check("bookings_interval", sql`${t.fromMs} < ${t.toMs}`),
  ],
);

// A member's calendar feed (worker/calendar/token.ts): the token is HMAC(secret,
// `tenantId:userId:version`), never stored; replacing it bumps `version` (no row: version 0).
export const calendarFeeds = sqliteTable(
  "calendar_feeds",
  {
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    version: integer("version").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] })],
);

export type Resource = typeof resources.$inferSelect;
export type Booking = typeof bookings.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Events (branch ev-api): the space's events, members register (going, or waitlisted when full).
// An event with `resource_id` holds every unit of that resource over [starts_ms, ends_ms) while it
// is not canceled: the bookings' conditional insert and the event's own conditional insert/update
// each check the other table in one statement, so neither can slip past the other.

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Markdown source, and its HTML rendered once at write with the discussions' renderer. */
    description: text("description").notNull().default(""),
    descriptionHtml: text("description_html").notNull().default(""),
    type: text("type"),
    startsMs: integer("starts_ms").notNull(),
    endsMs: integer("ends_ms").notNull(),
    location: text("location"),
    resourceId: text("resource_id").references(() => resources.id),
    /** null: no limit. */
    capacity: integer("capacity"),
    /** Ticket price in minor units (null: free), in `currency`. */
    priceAmount: integer("price_amount"),
    currency: text("currency"),
    taxRateBp: integer("tax_rate_bp").notNull().default(0),
    /** A group's event: only that group's members see it. */
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /** Profile field keys every registrant answers. */
    fields: text("fields", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    canceledAt: integer("canceled_at"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("events_tenant_starts").on(t.tenantId, t.startsMs),
    index("events_tenant_ends").on(t.tenantId, t.endsMs),
    // The reminders of the day before, every community at once.
    index("events_starts").on(t.startsMs),
    // The resource hold: events of a resource by start (bookings check it at every insert).
    index("events_resource_starts").on(t.resourceId, t.startsMs).where(sql`resource_id is not null`),
    check("events_interval", sql`${t.startsMs} < ${t.endsMs}`),
    check("events_capacity", sql`${t.capacity} is null or ${t.capacity} >= 0`),
    check("events_tax_rate", sql`${t.taxRateBp} between 0 and 10000`),
  ],
);

/** One member's registration: going or waitlisted, in arrival order (`position`). */
export const eventRegistrations = sqliteTable(
  "event_registrations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    eventId: text("event_id").notNull().references(() => events.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["going", "waitlisted"] }).notNull(),
    /** Registration order within the event (1, 2, …), given by the insert itself. */
    position: integer("position").notNull(),
    /** The answers to the event's fields, by key. */
    answers: text("answers", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    /** The ticket's charge (a going registration of a priced event). */
    chargeId: text("charge_id"),
    /** When the reminder of the day before went (null: not yet for the current date). */
    remindedAt: integer("reminded_at"),
    promotedAt: integer("promoted_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("event_registrations_event_user").on(t.eventId, t.userId),
    index("event_registrations_event_status").on(t.eventId, t.status, t.position),
    index("event_registrations_user").on(t.tenantId, t.userId),
  ],
);

export type EventRow = typeof events.$inferSelect;
export type EventRegistration = typeof eventRegistrations.$inferSelect;

export type InvoiceParty = { name: string; address: string; taxId: string | null; iban?: string | null; bic?: string | null; email?: string };
export type InvoiceLineSnapshot = { chargeId: string; kind: (typeof CHARGE_KINDS)[number]; description: string; quantity: number; unitAmount: number; taxRateBp: number; amount: number; tax: number };
export type Charge = typeof charges.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type Group = typeof groups.$inferSelect;
export type Domain = typeof domains.$inferSelect;
export type DomainClaim = typeof domainClaims.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type TenantRole = User["tenantRole"];
export type GroupRole = (typeof memberships.$inferSelect)["role"];
export type ProfileField = typeof profileFields.$inferSelect;
export type UserStatus = User["status"];
export type Plan = typeof plans.$inferSelect;
export type PlanMembership = typeof planMemberships.$inferSelect;
export type BillingSettings = typeof billingSettings.$inferSelect;
export type Announcement = typeof announcements.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Help desk (branch help-api): guides in Markdown with a folded copy for search, issues public
// or private with comments and image attachments, and each reader's last look at an issue (the
// admins' unread count).

/** A guide: Markdown written by an admin or (when the switch allows) a member. */
export const guides = sqliteTable(
  "guides",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /** Markdown. */
    body: text("body").notNull(),
    /** The folded title (http/search.ts `fold`): the list's order. */
    sortKey: text("sort_key").notNull(),
    /** The folded title and body, matched with `instr()`. */
    searchText: text("search_text").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("guides_tenant_sort").on(t.tenantId, t.sortKey, t.id)],
);

/** An issue a member opened: private ones are seen only by their author and the admins. */
export const helpIssues = sqliteTable(
  "help_issues",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /** Markdown. */
    body: text("body").notNull(),
    private: integer("private", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["open", "closed"] }).notNull().default("open"),
    commentCount: integer("comment_count").notNull().default(0),
    /** The latest of its creation, edits, comments, attachments, closing and reopening: the lists' order and the unread count. */
    lastActivityAt: integer("last_activity_at").notNull(),
    closedAt: integer("closed_at"),
    closedBy: text("closed_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("help_issues_tenant_activity").on(t.tenantId, t.lastActivityAt, t.id),
    index("help_issues_author_activity").on(t.tenantId, t.authorId, t.lastActivityAt),
  ],
);

export const helpIssueComments = sqliteTable(
  "help_issue_comments",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    issueId: text("issue_id").notNull().references(() => helpIssues.id, { onDelete: "cascade" }),
    authorId: text("author_id").references(() => users.id, { onDelete: "set null" }),
    /** Markdown. */
    body: text("body").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("help_issue_comments_issue").on(t.issueId, t.createdAt)],
);

/** An image attached to an issue, stored in R2 under the community's prefix (checked from its bytes). */
export const helpIssueAttachments = sqliteTable(
  "help_issue_attachments",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    issueId: text("issue_id").notNull().references(() => helpIssues.id, { onDelete: "cascade" }),
    uploadedBy: text("uploaded_by").references(() => users.id, { onDelete: "set null" }),
    key: text("key").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("help_issue_attachments_issue").on(t.issueId, t.createdAt)],
);

/** When a reader last saw an issue: an issue whose activity is later is unread for them. */
export const helpIssueReads = sqliteTable(
  "help_issue_reads",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    issueId: text("issue_id").notNull().references(() => helpIssues.id, { onDelete: "cascade" }),
    seenAt: integer("seen_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.issueId] })],
);

export type Guide = typeof guides.$inferSelect;
export type HelpIssue = typeof helpIssues.$inferSelect;
export type HelpIssueComment = typeof helpIssueComments.$inferSelect;
export type HelpIssueAttachment = typeof helpIssueAttachments.$inferSelect;

// ---------------------------------------------------------------------------------------------
// API tokens (branch tokens): `Authorization: Bearer` on a community's API, with scopes
// (worker/tokens/scopes.ts). The token is 32 random bytes shown once; only its SHA-256 is kept.
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** JSON array of scopes (`members:read`, …). */
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    /** SHA-256 of the token, hex. */
    hash: text("hash").notNull(),
    createdBy: text("created_by").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
    /** Written at most once a minute per token (worker/tokens/bearer.ts). */
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.hash), index("api_tokens_tenant").on(t.tenantId, t.createdAt)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
// Webhooks (branch webhooks): a community's endpoints, and their deliveries, which are the
// webhooks' outbox (one row per event and endpoint, written in the D1 batch of the change that
// causes it, drained by worker/webhooks/deliver.ts), with each attempt kept for the log.

/** An endpoint a community's admins registered: its URL, the event types it wants, its signing secret. */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** The subscribed event types (`WebhookEventType[]`). */
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** `whsec_…`, sealed (worker/invoices/sealed.ts) under SECRETS_KEY for this tenant. */
    secretSealed: text("secret_sealed").notNull(),
    /** The first failed attempt since the last success (null: not failing). */
    failingSince: integer("failing_since"),
    /** Why it was disabled by the product (`failures`), null when enabled or disabled by an admin. */
    disabledReason: text("disabled_reason"),
    disabledAt: integer("disabled_at"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_tenant").on(t.tenantId, t.createdAt)],
);

/** One event for one endpoint: its id is the `webhook-id`, its payload the body exactly as sent. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The same for every endpoint the event went to. */
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    /** `{type, timestamp, data}` as JSON text, the body of every attempt. */
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "sending", "delivered", "failed"] }).notNull().default("pending"),
    /** Attempts in the current round (a "send again" starts a new round). */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    claimedUntil: integer("claimed_until"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [index("webhook_deliveries_due").on(t.status, t.nextAttemptAt), index("webhook_deliveries_endpoint").on(t.endpointId, t.createdAt)],
);

/** One HTTP attempt of a delivery, for the delivery log. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id, { onDelete: "cascade" }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attemptedAt: integer("attempted_at").notNull(),
    /** The receiver's HTTP status, null when none came (timeout, refused address, network error). */
    statusCode: integer("status_code"),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("webhook_attempts_delivery").on(t.deliveryId, t.attemptedAt)],
);

export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
