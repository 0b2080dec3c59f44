// The demo community's help desk (issue 17), written through the API once the server answers:
// a few guides by the owner (in French, the community's language), a public issue by the demo
// member with the owner's answer and the member's thanks, and a private issue (only the member
// and the admins see it) with the owner's answer. The emails go to the dev mailbox.
//
// Pure (no Node API) so that worker/helpdesk/demo.test.ts runs it against the test app: `api` is
// `(method, path, {json, cookie}) => Promise<{status, body, cookie}>` on the demo host (as in
// scripts/demo-invoices.mjs). Idempotent: nothing is done once the community has a guide or an
// issue (what the owner changes later is never put back).
import { DEMO } from "./demo-seed.mjs";

async function must(res, what) {
  const r = await res;
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r;
}

export const DEMO_GUIDES = [
  {
    title: "Réserver une salle de réunion",
    body: "Ouvrez l’onglet **Réservations**, choisissez la salle puis le créneau.\n\n- Le prix pour votre formule s’affiche avant de confirmer.\n- Vos heures incluses sont utilisées en premier.\n- Annulation gratuite jusqu’à 24\u00a0h avant le début.",
  },
  {
    title: "Se connecter au Wi-Fi",
    body: "Réseau **AtelierCommun**\u00a0: le mot de passe est affiché à l’accueil et dans la cuisine.\n\nPour les visiteurs, utilisez le réseau *AtelierInvités* (valable une journée).",
  },
  {
    title: "Imprimer et scanner",
    body: "L’imprimante du 1er étage accepte les impressions depuis votre ordinateur (`imprimante.atelier.local`).\n\n1. Envoyez votre document.\n2. Badgez sur l’imprimante.\n3. Récupérez vos feuilles.\n\nLes pages sont ajoutées à votre prochaine facture.",
  },
  {
    title: "Accès le week-end",
    body: "Le week-end, l’accès se fait **uniquement avec votre badge**. L’accueil est fermé\u00a0; en cas de souci, ouvrez une demande ici, nous répondons le lundi matin.",
  },
];

export const DEMO_ISSUES = {
  public: { title: "Imprimante 3D\u202f: buse bouchée", body: "The Prusa's nozzle seems clogged again: the first layer doesn't stick and filament curls up. Could someone have a look?" },
  publicAnswer: "Merci pour le signalement\u202f! Nous avons fait un *cold pull*, elle fonctionne de nouveau. N’hésitez pas à rouvrir la demande si cela recommence.",
  publicThanks: "Works perfectly now, thank you!",
  private: { title: "Question about my invoice", body: "My last invoice shows a room booking I think I cancelled the day before. Could you check?" },
  privateAnswer: "Bonjour Noah, vous avez raison\u00a0: l’annulation est bien arrivée à temps. Nous retirons la réservation de votre prochaine facture.",
};

/** Writes the demo help desk (see above); answers what it did. */
export async function seedDemoHelpdesk(api) {
  const owner = (await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.owner.email, password: DEMO.owner.password } }), "login as the demo owner")).cookie;
  const as = (cookie) => (method, path, json) => must(api(method, path, { json, cookie }), `${method} ${path}`);
  const byOwner = as(owner);
  const [guides, issues] = [(await byOwner("GET", "/api/v1/guides?limit=1")).body.items, (await byOwner("GET", "/api/v1/issues?limit=1")).body.items];
  if (guides.length > 0 || issues.length > 0) return { seeded: false };
  for (const guide of DEMO_GUIDES) await byOwner("POST", "/api/v1/guides", guide);
  const member = (await must(api("POST", "/api/v1/auth/login", { json: { email: DEMO.member.email, password: DEMO.member.password } }), "login as the demo member")).cookie;
  const byMember = as(member);
  const open = (await byMember("POST", "/api/v1/issues", { ...DEMO_ISSUES.public, private: false })).body.issue;
  await byOwner("POST", `/api/v1/issues/${open.id}/comments`, { body: DEMO_ISSUES.publicAnswer });
  await byMember("POST", `/api/v1/issues/${open.id}/comments`, { body: DEMO_ISSUES.publicThanks });
  await byMember("POST", `/api/v1/issues/${open.id}/close`);
  const secret = (await byMember("POST", "/api/v1/issues", { ...DEMO_ISSUES.private, private: true })).body.issue;
  await byOwner("POST", `/api/v1/issues/${secret.id}/comments`, { body: DEMO_ISSUES.privateAnswer });
  return { seeded: true, guides: DEMO_GUIDES.length, issues: [open.id, secret.id] };
}
