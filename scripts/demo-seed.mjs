// The demo community's D1 rows as SQL statements: the tenant, its owner and member, the groups
// `makers` and `founders`, and the member portal's first look (three plans, the paid group
// `bureaux` that the plan "Équipe" opens, the member on "Flex" since three weeks, a welcome and
// a cancellation message, one announcement for everyone and a status banner).
//
// Pure (no Node API): scripts/local-db.mjs writes these statements to a file for `wrangler d1
// execute`, and worker/dev/demo-seed.test.ts runs them against the test database and reads them
// back through the API. Every row respects the checks the API applies (currency = the billing
// settings' EUR, amounts in cents, tax rates in basis points, notice 0..365, days in the
// community's timezone, the status window `until` > `from`).
//
// Invoices (issue 15): the community's billing settings (seller, address, VAT number, a valid
// IBAN and BIC, EUR, an invoice day chosen so that a month ago and a few days ago were invoice
// days, the member's plan starting in between), three members billed for tickets and services
// without a plan, and one-off charges. The invoices themselves are issued by the real run
// (scripts/demo-invoices.mjs runs the development clock on those days once the server answers).
//
// Idempotent: fixed ids and INSERT OR IGNORE, so a second run changes nothing. The portal's
// messages, banner and announcement are written only while the plan "Flex" does not exist yet
// (a state seeded before the portal gets them once; what an admin changes or deletes later is
// never put back).

export const DEMO = {
  subdomain: "demo",
  tenantId: "demo-tenant",
  timezone: "Europe/Paris",
  owner: { email: "owner@demo.example", password: "demo-owner-2026", name: "Camille Martin" },
  member: { email: "member@demo.example", password: "demo-member-2026", name: "Noah Dubois" },
  /** The member portal (worker/plans, worker/memberships): amounts in EUR cents. */
  plans: {
    flex: { id: "demo-plan-flex", name: "Flex" },
    resident: { id: "demo-plan-resident", name: "Résident" },
    team: { id: "demo-plan-team", name: "Équipe" },
  },
  paidGroup: { id: "demo-bureaux", slug: "bureaux", name: "Bureaux privés" },
  membership: { id: "demo-membership-member", startedDaysAgo: 21 },
  announcement: { id: "demo-announcement-jade", title: "Nouvelle salle de réunion au 2e étage" },
  status: { state: "restricted", message: "Accès restreint le week-end\u202f: badge obligatoire, accueil fermé. En semaine, l’espace est ouvert de 8\u00a0h à 20\u00a0h." },
  /** Billing (issue 15): a French SAS with a valid VAT number, IBAN (mod 97) and BIC; invoices numbered AC2026-0001. */
  billing: {
    sellerName: "Atelier Commun SAS",
    sellerAddress: "12 rue des Lilas\n75011 Paris\nFrance",
    sellerTaxId: "FR40123456824",
    iban: "FR7630006000011234567890189",
    bic: "AGRIFRPP",
    numberPrefix: "AC",
    paymentTermsDays: 14,
  },
  /** Members billed without a plan (event tickets, services), each with one-off charges before the first invoice day. */
  billedMembers: [
    { id: "demo-member-lea", email: "lea.moreau@demo.example", name: "Léa Moreau", language: "fr" },
    { id: "demo-member-lukasz", email: "lukasz@demo.example", name: "Łukasz Őry-Ærø Ștefan", language: "en" },
    { id: "demo-member-sofia", email: "sofia.rossi@demo.example", name: "Sofia Rossi", language: "fr" },
  ],
};

/** The one-off charges the seed writes (EUR cents before tax, tax in basis points); all invoiced on the first invoice day. */
const CHARGES = [
  { id: "demo-charge-member-workshop", userId: "demo-member", description: "Atelier découverte impression 3D (billet)", amount: 4_500, taxBp: 2000 },
  { id: "demo-charge-lea-ticket", userId: "demo-member-lea", description: "Soirée réseau des indépendants (billet)", amount: 1_500, taxBp: 2000 },
  { id: "demo-charge-lea-room", userId: "demo-member-lea", description: "Salle Jade, 3\u00a0h", amount: 9_000, taxBp: 2000 },
  { id: "demo-charge-lukasz-day", userId: "demo-member-lukasz", description: "Pass journée (5 jours)", amount: 10_000, taxBp: 2000 },
  { id: "demo-charge-sofia-domiciliation", userId: "demo-member-sofia", description: "Domiciliation commerciale (trimestre)", amount: 27_000, taxBp: 2000 },
  { id: "demo-charge-sofia-book", userId: "demo-member-sofia", description: "Livre «\u00a0L’économie circulaire\u00a0» (taux réduit)", amount: 1_099, taxBp: 550 },
];

const DAY_MS = 86_400_000;

/**
 * The community's invoice day: the day of the month of the latest of the days 14 to 3 days
 * before `now` that is at most the 28th. So a few days ago was an invoice day (the member's
 * first invoice: their plan started three weeks ago) and so was a month before it (their
 * workshop ticket), whatever the date of the first `npm start`.
 */
export function demoInvoiceDay(now) {
  for (let back = 3; back <= 14; back++) {
    const d = Number(dayIn(now - back * DAY_MS, DEMO.timezone).slice(8, 10));
    if (d <= 28) return d;
  }
  throw new Error("unreachable: at most three days of twelve are after the 28th");
}
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const json = (v) => q(JSON.stringify(v));

/** The calendar day (YYYY-MM-DD) of `ms` in `timeZone`. */
export function dayIn(ms, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const WELCOME = [
  "## Bienvenue à l’Atelier Commun\u202f!",
  "",
  "L’accueil vous attend **du lundi au vendredi, de 9\u00a0h à 19\u00a0h**. Le réseau wifi s’appelle `atelier-commun`, son mot de passe est affiché à l’accueil.",
  "",
  "- Café et thé à volonté dans la cuisine du rez-de-chaussée",
  "- Soirées bricolage tous les jeudis avec les [Makers](/g/makers)",
  "- Une question sur votre formule\u202f? Tout est dans l’onglet [Abonnement](/membership).",
].join("\n");

const CANCELLATION = [
  "Nous sommes tristes de vous voir partir.",
  "",
  "Votre accès continue jusqu’au dernier jour indiqué ci-dessous. Pensez à rendre votre badge à l’accueil et à vider votre casier avant cette date.",
].join("\n");

const ANNOUNCEMENT_BODY = [
  "La salle **Jade** (8 places, écran et visioconférence) est ouverte au 2e étage.",
  "",
  "Réservez-la à l’accueil ou par e-mail\u202f: premier arrivé, premier servi.",
].join("\n");

/** What each plan offers (PlanInput's columns): prices per month in EUR cents, French VAT 20 %. */
const PLANS = [
  {
    ...DEMO.plans.flex,
    description: "Un poste en open space, quand vous voulez\u202f: sans engagement, 2\u00a0heures de salle de réunion par mois.",
    priceAmount: 19_000,
    approvalRequired: false,
    noticeDays: 0,
    setupFeeAmount: 0,
    creditMinutes: 120,
  },
  {
    ...DEMO.plans.resident,
    description: "Votre bureau attitré avec caisson et casier, 8\u00a0heures de salle de réunion par mois. Sur validation de l’équipe, préavis d’un mois.",
    priceAmount: 34_000,
    approvalRequired: true,
    noticeDays: 30,
    setupFeeAmount: 5_000,
    creditMinutes: 480,
  },
  {
    ...DEMO.plans.team,
    description: "Un bureau privé fermé pour 4\u00a0personnes, 20\u00a0heures de salle de réunion par mois et l’accès au groupe «\u00a0Bureaux privés\u00a0».",
    priceAmount: 149_000,
    approvalRequired: false,
    noticeDays: 60,
    setupFeeAmount: 15_000,
    creditMinutes: 1200,
  },
];

/** The statements, in order; `ownerHash` and `memberHash` are password hashes (worker/auth/passwords.ts's format). */
export function demoSeedStatements({ now, ownerHash, memberHash }) {
  const t = DEMO.tenantId;
  const noPortalYet = `NOT EXISTS (SELECT 1 FROM plans WHERE id = ${q(DEMO.plans.flex.id)})`;
  const started = now - DEMO.membership.startedDaysAgo * DAY_MS;
  // Before the first invoice day (at most 45 days back): the billed members and their charges.
  const billedSince = now - 50 * DAY_MS;
  const status = { state: DEMO.status.state, message: DEMO.status.message, from: now - DAY_MS, until: now + 365 * DAY_MS };
  const group = (id, slug, name, description, joinPolicy, questions) =>
    `INSERT OR IGNORE INTO groups (id, tenant_id, slug, name, description, join_policy, questions, links, owner_id, created_at)
     VALUES (${q(id)}, '${t}', ${q(slug)}, ${q(name)}, ${q(description)}, ${q(joinPolicy)}, ${json(questions)}, '[]', 'demo-owner', ${now});`;
  const inGroup = (groupId, userId, role) =>
    `INSERT OR IGNORE INTO memberships (tenant_id, group_id, user_id, role, created_at)
     SELECT '${t}', ${q(groupId)}, ${q(userId)}, ${q(role)}, ${now} WHERE EXISTS (SELECT 1 FROM groups WHERE id = ${q(groupId)} AND tenant_id = '${t}');`;
  return [
    `INSERT OR IGNORE INTO tenants (id, name, subdomain, signup_policy, default_language, timezone, primary_color, features, created_at)
     VALUES ('${t}', 'Atelier Commun', ${q(DEMO.subdomain)}, 'open', 'fr', ${q(DEMO.timezone)}, '#0f766e', '{}', ${now});`,
    `INSERT OR IGNORE INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
     VALUES ('demo-owner', '${t}', ${q(DEMO.owner.email)}, ${q(DEMO.owner.name)}, ${q(ownerHash)}, 'fr', 'owner', 'active', ${now}, ${now});`,
    `INSERT OR IGNORE INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
     VALUES ('demo-member', '${t}', ${q(DEMO.member.email)}, ${q(DEMO.member.name)}, ${q(memberHash)}, 'en', 'member', 'active', ${now}, ${now});`,
    group("demo-makers", "makers", "Makers", "Fabrication numérique, impression 3D et soirées bricolage du jeudi.", "open", []),
    group("demo-founders", "founders", "Cercle des fondateurs", "Entraide entre fondatrices et fondateurs de startups du lieu.", "approval", [{ id: "q1", label: "Sur quel projet travaillez-vous ?", required: true }]),
    inGroup("demo-makers", "demo-owner", "owner"),
    inGroup("demo-founders", "demo-owner", "owner"),
    inGroup("demo-makers", "demo-member", "member"),

    // The member portal. Once: the messages, the banner and the announcement (before the plans exist).
    `UPDATE tenants SET welcome_message = ${q(WELCOME)}, cancellation_message = ${q(CANCELLATION)}, status = ${json(status)}
     WHERE id = '${t}' AND ${noPortalYet};`,
    `INSERT OR IGNORE INTO announcements (id, tenant_id, title, body, email, plan_ids, group_ids, until, created_by, created_at, updated_at)
     SELECT ${q(DEMO.announcement.id)}, '${t}', ${q(DEMO.announcement.title)}, ${q(ANNOUNCEMENT_BODY)}, 0, '[]', '[]', NULL, 'demo-owner', ${now}, ${now}
     WHERE ${noPortalYet};`,
    // The paid group the plan "Équipe" opens (its owner stays in it whatever the plans say).
    group(DEMO.paidGroup.id, DEMO.paidGroup.slug, DEMO.paidGroup.name, "Le coin des équipes en bureau privé\u202f: grande salle, livraisons et entraide entre voisins de palier.", "open", []),
    inGroup(DEMO.paidGroup.id, "demo-owner", "owner"),
    ...PLANS.map(
      (p) => `INSERT OR IGNORE INTO plans (id, tenant_id, name, description, price_amount, currency, interval_months, tax_rate_bp, approval_required, hidden, notice_days, setup_fee_amount, credit_minutes, credit_categories, archived_at, created_at, updated_at)
     VALUES (${q(p.id)}, '${t}', ${q(p.name)}, ${q(p.description)}, ${p.priceAmount}, 'EUR', 1, 2000, ${p.approvalRequired ? 1 : 0}, 0, ${p.noticeDays}, ${p.setupFeeAmount}, ${p.creditMinutes}, '[]', NULL, ${now}, ${now});`,
    ),
    `INSERT OR IGNORE INTO plan_groups (tenant_id, plan_id, group_id)
     SELECT '${t}', ${q(DEMO.plans.team.id)}, ${q(DEMO.paidGroup.id)} WHERE EXISTS (SELECT 1 FROM groups WHERE id = ${q(DEMO.paidGroup.id)} AND tenant_id = '${t}');`,
    // The member on "Flex" since three weeks, confirmed (a plan without approval).
    `INSERT OR IGNORE INTO plan_memberships (id, tenant_id, user_id, plan_id, status, starts_on, periods_from, created_at, confirmed_at, updated_at)
     SELECT ${q(DEMO.membership.id)}, '${t}', 'demo-member', ${q(DEMO.plans.flex.id)}, 'active', ${q(dayIn(started, DEMO.timezone))}, ${q(dayIn(started, DEMO.timezone))}, ${started}, ${started}, ${started}
     WHERE EXISTS (SELECT 1 FROM users WHERE id = 'demo-member' AND tenant_id = '${t}');`,

    // Invoices (issue 15): billing settings once (what the owner changes later stays), the members
    // billed without a plan, and the one-off charges the first invoice run will carry.
    `INSERT OR IGNORE INTO billing_settings (tenant_id, currency, invoice_day, number_prefix, payment_terms_days, default_tax_rate_bp, seller_name, seller_address, seller_tax_id, iban, bic, updated_at)
     VALUES ('${t}', 'EUR', ${demoInvoiceDay(now)}, ${q(DEMO.billing.numberPrefix)}, ${DEMO.billing.paymentTermsDays}, 2000, ${q(DEMO.billing.sellerName)}, ${q(DEMO.billing.sellerAddress)}, ${q(DEMO.billing.sellerTaxId)}, ${q(DEMO.billing.iban)}, ${q(DEMO.billing.bic)}, ${now});`,
    ...DEMO.billedMembers.map(
      (m) => `INSERT OR IGNORE INTO users (id, tenant_id, email, name, password_hash, language, tenant_role, status, email_verified_at, created_at)
     VALUES (${q(m.id)}, '${t}', ${q(m.email)}, ${q(m.name)}, NULL, ${q(m.language)}, 'member', 'active', ${billedSince}, ${billedSince});`,
    ),
    ...CHARGES.map(
      (c) => `INSERT OR IGNORE INTO charges (id, tenant_id, user_id, membership_id, kind, description, amount, currency, tax_rate_bp, period_start, period_end, invoice_id, created_at)
     SELECT ${q(c.id)}, '${t}', ${q(c.userId)}, NULL, 'one_off', ${q(c.description)}, ${c.amount}, 'EUR', ${c.taxBp}, NULL, NULL, NULL, ${billedSince}
     WHERE EXISTS (SELECT 1 FROM users WHERE id = ${q(c.userId)} AND tenant_id = '${t}');`,
    ),
  ];
}
