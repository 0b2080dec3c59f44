// The demo community's events (issue 17), created through the JSON API once the server answers
// (as scripts/demo-invoices.mjs): upcoming events and past ones, one with a ticket price (the demo
// member registers: the ticket waits on their next invoice), and one full, with a waitlist (capacity
// 2: the owner and Inès go, the demo member waits). Times are wall-clock times in the community's
// timezone, a few days from `now`.
//
// Pure (no Node API) so that worker/events/demo.test.ts runs it against the test app: `api` is
// `(method, path, {json, cookie}) => Promise<{status, body, cookie}>` on the demo host. Idempotent:
// nothing is done once the community has an event (what the owner changes later stays).
import { DEMO, dayIn } from "./demo-seed.mjs";

const DAY_MS = 86_400_000;

/** A third member who takes the last seat of the full event (signed up through the API). */
export const DEMO_EVENTS_MEMBER = { email: "ines.garcia@demo.example", password: "demo-ines-2026", name: "Inès Garcia", language: "fr" };

async function must(res, what) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

/** The UTC instant of `HH:MM` on the day `days` from `now`, wall-clock in `timeZone` (Paris: +01:00 or +02:00). */
export function wallInstant(now, days, hhmm, timeZone = DEMO.timezone) {
  const day = dayIn(now + days * DAY_MS, timeZone);
  for (const offset of ["+01:00", "+02:00", "+00:00", "+03:00"]) {
    const ms = Date.parse(`${day}T${hhmm}:00${offset}`);
    const back = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(ms);
    if (back === hhmm && dayIn(ms, timeZone) === day) return new Date(ms).toISOString();
  }
  return new Date(Date.parse(`${day}T${hhmm}:00Z`)).toISOString();
}

/** Creates the demo events (see above); answers what it did. */
export async function seedDemoEvents(api, { now = Date.now() } = {}) {
  const login = await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.owner.email, password: DEMO.owner.password } }), "login as the demo owner");
  const owner = login.cookie;
  const as = (cookie, method, path, json) => must(api(method, path, { json, cookie }), `${method} ${path}`);
  const any = async (when) => (await as(owner, "GET", `/api/v1/events?when=${when}&limit=1`)).body.items.length > 0;
  if ((await any("upcoming")) || (await any("past"))) return { seeded: false };

  const billing = (await as(owner, "GET", "/api/v1/billing/settings")).body;
  const at = (days, from, to) => ({ startsAt: wallInstant(now, days, from), endsAt: wallInstant(now, days, to) });
  const create = async (json) => (await as(owner, "POST", "/api/v1/events", json)).body.event;

  // Past events (admins may create them after the fact; registration is closed).
  await create({ title: "Soirée de lancement de l’espace", type: "social", description: "Visite des lieux, **buffet** et présentation des ateliers de l’année.", location: "Grande salle", ...at(-24, "18:30", "22:00") });
  await create({ title: "Apéro des makers", type: "social", group: "makers", description: "Le rendez-vous du jeudi\u202f: on montre ses projets, on s’entraide.", location: "Atelier", ...at(-6, "18:00", "20:00") });

  // Upcoming: a free breakfast, a paid masterclass, a full workshop with a waitlist, a group's evening.
  const breakfast = await create({ title: "Petit-déjeuner des membres", type: "social", description: "Viennoiseries, café et tour de table des nouveaux.", location: "Cuisine, rez-de-chaussée", capacity: 30, ...at(3, "08:30", "10:00") });
  const masterclass = await create({
    title: "Masterclass\u202f: facturer ses clients sereinement",
    type: "workshop",
    description: "Devis, factures, relances et TVA pour les indépendants, avec une experte-comptable.\n\n- supports fournis\n- questions-réponses",
    location: "Salle Jade",
    capacity: 20,
    price: { amount: 2_500, currency: billing.currency },
    taxRate: 20,
    ...at(10, "18:00", "20:00"),
  });
  const workshop = await create({ title: "Atelier impression 3D", type: "workshop", description: "Deux places devant l’imprimante\u202f: de la modélisation à la première pièce.", location: "Atelier", capacity: 2, ...at(6, "14:00", "17:00") });
  await create({ title: "Soirée réparation de vélos", type: "workshop", group: "makers", description: "Apportez votre vélo, on apporte les outils.", location: "Cour", ...at(13, "18:00", "21:00") });

  const member = (await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.member.email, password: DEMO.member.password } }), "login as the demo member")).cookie;
  let ines = (await api("POST", "/api/v1/auth/login", { json: { email: DEMO_EVENTS_MEMBER.email, password: DEMO_EVENTS_MEMBER.password } })).cookie;
  if (!ines) ines = (await must(api("POST", "/api/v1/auth/signup", { json: DEMO_EVENTS_MEMBER }), "sign up Inès")).cookie;

  await as(member, "POST", `/api/v1/events/${breakfast.id}/attend`, {});
  await as(ines, "POST", `/api/v1/events/${breakfast.id}/attend`, {});
  // The member has an active membership: the 25.00 € ticket (+ 20 % VAT) waits on their next invoice.
  await as(member, "POST", `/api/v1/events/${masterclass.id}/attend`, {});
  // Capacity 2: the owner and Inès go, the member waits.
  await as(owner, "POST", `/api/v1/events/${workshop.id}/attend`, {});
  await as(ines, "POST", `/api/v1/events/${workshop.id}/attend`, {});
  const waiting = (await as(member, "POST", `/api/v1/events/${workshop.id}/attend`, {})).body.status;
  return { seeded: true, events: 6, waitlisted: waiting };
}
