import autocannon from "autocannon";
import { startApp, http } from "../web/e2e/server.mjs";
const extra = process.argv.slice(2);
process.env.DEV_EXTRA = extra.join(" ");
const app = await startApp({ label: "quick", extraArgs: extra });
const login = await http(app.port, app.tenantHost, "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "owner@demo.example", password: "demo-owner-2026" }) });
const cookie = String(login.headers["set-cookie"]).split(";")[0];
const run = (path, headers) => autocannon({ url: `http://127.0.0.1:${app.port}${path}`, connections: 32, duration: 5, headers: { host: app.tenantHost, ...headers } });
for (const [name, path, h] of [["healthz", "/healthz", {}], ["home", "/", { cookie }], ["healthz", "/healthz", {}], ["home", "/", { cookie }]]) {
  const r = await run(path, h);
  console.log(name, Math.round(r.requests.average), "rps p50", r.latency.p50, "p99", r.latency.p99);
}
await app.stop();
