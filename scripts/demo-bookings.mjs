// The demo community's rooms, desks and a week of bookings (issue 16), made through the API once the
// server answers, as scripts/demo-invoices.mjs does: the owner creates three meeting rooms and
// two kinds of desks in two categories ("Salles de réunion" and "Bureaux"), with opening hours in
// the community's timezone and prices per plan (desks free on every plan, meeting rooms cheaper for
// residents and teams); the plans' monthly credits are limited to meeting rooms (what their
// descriptions promise); then the owner books the current week (Monday to Saturday, the
// community's timezone, relative to `now`) for several demo members and for themselves — as an
// admin books for anyone, past days included. The demo member (on "Flex", 2 hours of credits)
// books within their credits, so their next invoice shows no booking charge; the members billed
// without a plan pay the resources' own prices.
//
// Pure (no Node API) so that worker/dev/demo-seed.test.ts runs it against the test app: `api` is
// `(method, path, {json, cookie}) => Promise<{status, body, cookie}>` on the demo host. Idempotent:
// nothing is done once the community has a resource (what the owner changes later stays). A slot
// already taken (an event holding a room, say) is skipped, not an error.
import { DEMO, dayIn } from "./demo-seed.mjs";

const DAY_MS = 86_400_000;
const ROOMS = "Salles de réunion";
const DESKS = "Bureaux";

const weekdays = (from, to) => [1, 2, 3, 4, 5].map((day) => ({ day, from, to }));

/** The resources (EUR cents per hour, before tax); `planPrices` by the demo plans' keys. */
export const DEMO_RESOURCES = [
  {
    key: "jade",
    name: "Salle Jade",
    category: ROOMS,
    description: "Au 2e étage\u202f: 8 places, grand écran, visioconférence et tableau blanc.",
    units: 1,
    capacity: 8,
    price: 3_000,
    planPrices: { resident: 2_000, team: 1_500 },
    minMinutes: 30,
    maxMinutes: 480,
    cancellationHours: 24,
    openingHours: [...weekdays("08:00", "20:00"), { day: 6, from: "10:00", to: "18:00" }],
  },
  {
    key: "lovelace",
    name: "Salle Lovelace",
    category: ROOMS,
    description: "Petite salle lumineuse pour 4 personnes, écran 55 pouces.",
    units: 1,
    capacity: 4,
    price: 2_000,
    planPrices: { resident: 1_200, team: 1_000 },
    minMinutes: 30,
    maxMinutes: 240,
    cancellationHours: 12,
    openingHours: weekdays("08:00", "20:00"),
  },
  {
    key: "cabine",
    name: "Cabine téléphonique",
    category: ROOMS,
    description: "Deux cabines insonorisées pour vos appels, sans réservation de plus d’une heure.",
    units: 2,
    capacity: 1,
    price: 500,
    planPrices: { resident: 0, team: 0 },
    minMinutes: 15,
    maxMinutes: 60,
    cancellationHours: 1,
    openingHours: [...weekdays("07:30", "12:30"), ...weekdays("13:30", "21:00")],
  },
  {
    key: "nomade",
    name: "Poste nomade",
    category: DESKS,
    description: "Un poste en open space, écran 27 pouces et prise USB-C. Gratuit avec toutes les formules.",
    units: 6,
    capacity: 1,
    price: 400,
    planPrices: { flex: 0, resident: 0, team: 0 },
    minMinutes: 60,
    maxMinutes: null,
    cancellationHours: 2,
    openingHours: [...weekdays("08:00", "20:00"), { day: 6, from: "10:00", to: "18:00" }],
  },
  {
    key: "lumiere",
    name: "Bureau fixe Lumière",
    category: DESKS,
    description: "Bureau attitré près de la verrière, accessible jour et nuit avec le badge.",
    units: 1,
    capacity: 1,
    price: 600,
    planPrices: { resident: 0, team: 0 },
    minMinutes: 60,
    maxMinutes: null,
    cancellationHours: 24,
    openingHours: null,
  },
];

/** The week's bookings: ISO weekday, the community's wall-clock times, who (a demo user id), and the title the owner gives it. */
export const DEMO_BOOKINGS = [
  { day: 1, resource: "jade", from: "09:00", to: "10:30", userId: "demo-owner", title: "Point hebdo de l’équipe" },
  { day: 1, resource: "nomade", from: "09:00", to: "18:00", userId: "demo-member-lea", title: null },
  { day: 1, resource: "lovelace", from: "14:00", to: "15:00", userId: "demo-member", title: "Client call" },
  { day: 2, resource: "nomade", from: "09:00", to: "17:00", userId: "demo-member", title: null },
  { day: 2, resource: "jade", from: "10:00", to: "12:00", userId: "demo-member-sofia", title: "Atelier design" },
  { day: 2, resource: "cabine", from: "11:00", to: "11:30", userId: "demo-member-lukasz", title: null },
  { day: 3, resource: "lovelace", from: "09:30", to: "11:00", userId: "demo-member-lea", title: "Entretien de recrutement" },
  { day: 3, resource: "lumiere", from: "08:00", to: "19:00", userId: "demo-member-lukasz", title: null },
  { day: 3, resource: "jade", from: "16:00", to: "18:00", userId: "demo-owner", title: "Préparation de la soirée makers" },
  { day: 4, resource: "jade", from: "09:00", to: "10:00", userId: "demo-member", title: "Project review" },
  { day: 4, resource: "nomade", from: "09:00", to: "18:00", userId: "demo-member-sofia", title: null },
  { day: 4, resource: "nomade", from: "10:00", to: "16:00", userId: "demo-member-lea", title: null },
  { day: 5, resource: "lovelace", from: "10:00", to: "12:00", userId: "demo-member-sofia", title: "Revue de sprint" },
  { day: 5, resource: "jade", from: "14:00", to: "17:00", userId: "demo-member-lea", title: "Formation" },
  { day: 5, resource: "nomade", from: "09:00", to: "13:00", userId: "demo-member-lukasz", title: null },
  { day: 6, resource: "jade", from: "10:00", to: "12:00", userId: "demo-member-sofia", title: "Brunch des indépendants" },
];

async function must(res, what) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

/** The instant (ms) at which the wall clock of `timeZone` reads `day` `time` (the earlier one in a DST overlap). */
export function wallClock(day, time, timeZone) {
  const [y, m, d] = day.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wanted = Date.UTC(y, m - 1, d, hh, mm);
  const fmt = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  const offsetAt = (ms) => {
    const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - ms;
  };
  let guess = wanted - offsetAt(wanted);
  guess = wanted - offsetAt(guess);
  return guess;
}

/** The Monday (YYYY-MM-DD) of the week containing `now` in `timeZone`, and the day `n` days after a day. */
export function mondayOf(now, timeZone = DEMO.timezone) {
  const today = dayIn(now, timeZone);
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  return plusDays(today, -weekday);
}
const plusDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Creates the demo resources and books the current week (see above); answers what it did. */
export async function seedDemoBookings(api, { now = Date.now() } = {}) {
  const login = await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.owner.email, password: DEMO.owner.password } }), "login as the demo owner");
  const cookie = login.cookie;
  const as = (method, path, json, ok = [200, 201]) => api(method, path, { json, cookie }).then((r) => (ok.includes(r.status) ? r : must(Promise.resolve(r), `${method} ${path}`)));
  if ((await as("GET", "/api/v1/resources")).body.items.length > 0) return { seeded: false };

  const billing = (await as("GET", "/api/v1/billing/settings")).body;
  const money = (amount) => ({ amount, currency: billing.currency });
  // Every plan's credits cover meeting rooms only (their descriptions speak of "salle de réunion").
  const plans = (await as("GET", "/api/v1/plans")).body.items;
  for (const plan of plans) {
    if (plan.credits.minutes > 0) await as("PATCH", `/api/v1/plans/${plan.id}`, { credits: { minutes: plan.credits.minutes, categories: [ROOMS] } });
  }
  const ids = {};
  for (const r of DEMO_RESOURCES) {
    const planPrices = {};
    for (const [key, amount] of Object.entries(r.planPrices)) if (DEMO.plans[key]) planPrices[DEMO.plans[key].id] = money(amount);
    const created = await as("POST", "/api/v1/resources", {
      name: r.name,
      category: r.category,
      description: r.description,
      units: r.units,
      capacity: r.capacity,
      pricePerHour: money(r.price),
      planPrices,
      taxRate: 20,
      minMinutes: r.minMinutes,
      maxMinutes: r.maxMinutes,
      cancellationHours: r.cancellationHours,
      openingHours: r.openingHours,
    });
    ids[r.key] = created.body.resource.id;
  }
  const monday = mondayOf(now);
  let booked = 0;
  let skipped = 0;
  for (const b of DEMO_BOOKINGS) {
    const day = plusDays(monday, b.day - 1);
    const res = await as(
      "POST",
      "/api/v1/bookings",
      {
        resourceId: ids[b.resource],
        from: new Date(wallClock(day, b.from, DEMO.timezone)).toISOString(),
        to: new Date(wallClock(day, b.to, DEMO.timezone)).toISOString(),
        userId: b.userId,
        ...(b.title ? { title: b.title } : {}),
      },
      [201, 404, 409],
    );
    if (res.status === 201) booked++;
    else skipped++;
  }
  return { seeded: true, resources: Object.keys(ids).length, booked, skipped, week: monday };
}
