// The whole browser suite, in one process, one app and one Chromium: `npm run test:e2e` (which
// builds the client first) runs `node --test-reporter=spec web/e2e/suite.mjs`.
//
// Each feature's checks are a node:test file, web/e2e/<feature>.test.mjs, on the shared harness
// (harness.mjs: the app, the browser, the login/API helpers, the catalogs, shot()). The files run
// in the order below, which is the order their data builds up in the one throw-away database
// (the profiles add a field the makers must fill; the avatars come last, so the screenshots
// before them show initials). A file also runs alone: `node --test-reporter=spec web/e2e/<feature>.test.mjs`.
// Screenshots: artifacts/screenshots/ (emptied first); the server's log: artifacts/e2e-server.log.
import { freshScreenshots } from "./harness.mjs";
import "./demo.test.mjs";
import "./auth.test.mjs";
import "./groups.test.mjs";
import "./invitations.test.mjs";
import "./profiles.test.mjs";
import "./discussions.test.mjs";
import "./domains.test.mjs";
import "./auth-limits.test.mjs";
import "./members.test.mjs";
import "./group-invitations.test.mjs";
import "./language.test.mjs";
import "./group-ux.test.mjs";
import "./admin-portal.test.mjs";
import "./billing-settings.test.mjs";
import "./portal.test.mjs";
import "./invoice-payments.test.mjs";
import "./member-invoices.test.mjs";
import "./avatars.test.mjs";
import "./admin-invoices.test.mjs";
import "./invoice-flow.test.mjs";
import "./helpdesk.test.mjs";
import "./bookings.test.mjs";
import "./events.test.mjs";
import "./integrations.test.mjs";

freshScreenshots();
