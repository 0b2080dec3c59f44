// Development only: mark a custom domain verified in the local database, as Cloudflare for SaaS would in production.
import { persistArgs, wrangler } from "./local-db.mjs";

const hostname = (process.argv[2] ?? "").trim().toLowerCase();
if (!/^[a-z0-9.-]+$/.test(hostname)) {
  console.error("usage: npm run dev:verify-domain -- <hostname>");
  process.exit(2);
}
const now = Date.now();
// The oldest pending claim wins, as if its owner had published its TXT record and Cloudflare
// had activated the hostname and its certificate; the other pending claims on it end.
const winner = `(SELECT id FROM domain_claims WHERE hostname = '${hostname}' AND status = 'pending' ORDER BY created_at LIMIT 1)`;
wrangler([
  "d1", "execute", "DB", "--local", ...persistArgs, "--command",
  `UPDATE domain_claims SET status = 'ended', ended_at = ${now} WHERE hostname = '${hostname}' AND status = 'pending' AND id <> ${winner} AND NOT EXISTS (SELECT 1 FROM domain_claims WHERE hostname = '${hostname}' AND status IN ('verified', 'active'));` +
    ` UPDATE domain_claims SET status = 'active', hostname_status = 'active', ssl_status = 'active', verified_at = ${now}, activated_at = ${now} WHERE id = ${winner} AND NOT EXISTS (SELECT 1 FROM domain_claims WHERE hostname = '${hostname}' AND status IN ('verified', 'active'));` +
    ` UPDATE domain_claims SET status = 'active', hostname_status = 'active', ssl_status = 'active', activated_at = ${now} WHERE hostname = '${hostname}' AND status = 'verified';`,
]);
console.log(`${hostname} is verified: it serves its community within 10 seconds (host cache).`);
