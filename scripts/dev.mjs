// `npm start`: local D1 migrated and seeded, then the Worker on http://localhost:8787.
import { spawn } from "node:child_process";
import { applyMigrations, DEMO, devVars, persistArgs, seedDemo } from "./local-db.mjs";
import { seedDiscussions, seedEvents, seedHelpdesk, seedInvoices } from "./seed-discussions.mjs";

const PORT = process.env.PORT ?? "8787";
const root = `localhost:${PORT}`;

applyMigrations();
seedDemo();

console.log(`
  Platform (create a community):  http://${root}/
  Demo community:                 http://demo.${root}/
    owner   ${DEMO.owner.email}  /  ${DEMO.owner.password}
    member  ${DEMO.member.email}  /  ${DEMO.member.password}
  Emails sent in development:     http://demo.${root}/api/v1/dev/mail
  (curl and Node do not resolve *.localhost: use -H 'Host: demo.${root}' against http://127.0.0.1:${PORT})
`);

const child = spawn(
  "wrangler",
  [
    "dev",
    "--port", PORT,
    "--ip", process.env.HOST_IP ?? "127.0.0.1",
    ...Object.entries(devVars(root)).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    "--test-scheduled",
    ...persistArgs,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
// Discussions and chat live in the group's room: posted through the API once the server answers;
// then the demo invoices, issued by the invoice run on past invoice days (the development clock);
// then the demo events (scripts/demo-events.mjs) and help desk (guides and issues, scripts/demo-helpdesk.mjs).
void seedDiscussions(PORT).then(() => seedInvoices(PORT)).then(() => seedEvents(PORT)).then(() => seedHelpdesk(PORT));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
