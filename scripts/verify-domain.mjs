// Development only: mark a custom domain verified in the local database, as Cloudflare for SaaS would in production.
import { persistArgs, wrangler } from "./local-db.mjs";

const hostname = (process.argv[2] ?? "").trim().toLowerCase();
if (!/^[a-z0-9.-]+$/.test(hostname)) {
  console.error("usage: npm run dev:verify-domain -- <hostname>");
  process.exit(2);
}
wrangler(["d1", "execute", "DB", "--local", ...persistArgs, "--command", `UPDATE domains SET status = 'active', verified_at = ${Date.now()} WHERE hostname = '${hostname}'`]);
console.log(`${hostname} is verified: it serves its community within 10 seconds (host cache).`);
