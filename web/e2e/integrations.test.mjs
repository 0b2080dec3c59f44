// Integrations, in the browser (issue 18's journey):
//   - the owner creates an API token on /admin/integrations (a name, one permission ticked), sees
//     it once with its warning, and uses it once with fetch: the API answers with that scope and
//     refuses a write beyond it (403 insufficient_scope);
//   - the owner creates a webhook pointing at a small HTTP receiver this test starts on loopback
//     (development allows http and loopback), subscribed to member.created, and sees its secret once;
//   - a new member signs up (their account becomes active: member.created); the receiver gets the
//     delivery, signed per Standard Webhooks with that secret, and the webhook's delivery log on the
//     page shows it delivered (200);
//   - screenshots of /admin/integrations and the webhook's page (and /api/docs when the reference
//     page is in this tree), French and English, at 1280 and 360 px.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe } from "node:test";
import { Webhook } from "standardwebhooks";
import { join } from "node:path";
import { DEMO, LANGS, mainText, openPage, pageApi as api, postJson, settle, shot, SHOTS, steps, tenant, tenantHttp, uniqueSuffix, VIEWPORTS } from "./harness.mjs";

const suffix = uniqueSuffix(3);
const TOKEN_NAME = `CRM ${suffix}`;
const newcomer = { name: `Nina Hook ${suffix}`, email: `nina-${suffix}@example.org`, password: `nina-pass-${suffix}-Xy!` };

/** The receiver: every request it gets, with its headers and body. */
function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url, headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, received, port: server.address().port })));
}

describe("Integrations: an API token used once, a webhook delivered to a loopback receiver, the delivery log (en, 1280x800)", () => {
  const step = steps();
  let owner, receiver, token, secret, webhookPath;
  before(async () => {
    receiver = await startReceiver();
    owner = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
  });
  after(async () => {
    await owner?.context.close();
    receiver?.server.close();
  });

  step("the owner creates a token with members:read: it is shown once, with its warning", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/integrations?lang=en`);
    await p.locator("#token-name").fill(TOKEN_NAME);
    await p.locator("#scope-members-read").check();
    await p.locator("#token-new button[type=submit]").click();
    await settle(p);
    token = await p.locator("#created-token").inputValue();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert((await mainText(p)).includes("This is the only time the token is shown"));
  }, { page: () => owner?.page });

  step("the token calls the API with its scope (fetch, Authorization: Bearer, no cookie) and is refused beyond it", async () => {
    const call = (path, method = "GET", body) =>
      owner.page.evaluate(
        async ({ path, method, body, token }) => {
          const r = await fetch(path, { method, credentials: "omit", headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
          return { status: r.status, body: await r.json() };
        },
        { path, method, body, token },
      );
    const members = await call("/api/v1/members");
    assert.equal(members.status, 200, JSON.stringify(members.body));
    assert(members.body.items.some((m) => m.email === DEMO.owner.email));
    const write = await call("/api/v1/plans", "POST", { name: "Nope", price: { amount: 100, currency: "EUR" }, intervalMonths: 1 });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.code, "insufficient_scope");
    await owner.page.goto(`${tenant}/admin/integrations?lang=en`);
    const row = owner.page.locator("tr", { hasText: TOKEN_NAME });
    assert((await row.innerText()).includes("members:read"));
    assert(!(await row.innerText()).includes("Never"), "the last-used time is shown");
  }, { page: () => owner?.page });

  step("the owner creates a webhook to the loopback receiver for member.created: its secret is shown once", async () => {
    const p = owner.page;
    await p.goto(`${tenant}/admin/integrations?lang=en`);
    await p.locator("#webhook-url").fill(`http://127.0.0.1:${receiver.port}/hook-${suffix}`);
    await p.locator('[id="new-event-member.created"]').check();
    await p.locator("#webhook-new button[type=submit]").click();
    await settle(p);
    secret = await p.locator("#created-secret").inputValue();
    assert.match(secret, /^whsec_/);
    webhookPath = await p.locator("tr", { hasText: `/hook-${suffix}` }).locator("a").first().getAttribute("href");
    assert.match(webhookPath, /^\/admin\/integrations\/webhooks\//);
  }, { page: () => owner?.page });

  step("a new member's account becomes active: the receiver gets member.created, signed with the webhook's secret", async () => {
    const signup = await postJson("/api/v1/auth/signup", newcomer);
    assert.equal(signup.status, 201, signup.body.slice(0, 300));
    const { user, status } = JSON.parse(signup.body);
    if (status === "pending_approval") assert.equal((await api(owner.page, `/api/v1/members/${user.id}/approve`, "POST")).status, 200);
    const deadline = Date.now() + 30_000;
    let hit;
    while (!(hit = receiver.received.find((r) => r.path === `/hook-${suffix}` && JSON.parse(r.body).type === "member.created" && [JSON.parse(r.body).data?.id, JSON.parse(r.body).data?.member?.id].includes(user.id)))) {
      assert(Date.now() < deadline, `no member.created delivery for ${user.id} in 30 s (received ${receiver.received.length})`);
      // The cron's turn, as the development clock runs it (deliveries also leave right after the write).
      await api(owner.page, "/api/v1/dev/scheduled", "POST", { at: new Date().toISOString() });
      await new Promise((r) => setTimeout(r, 500));
    }
    const verified = new Webhook(secret.replace(/^whsec_/, "")).verify(hit.body, { "webhook-id": hit.headers["webhook-id"], "webhook-timestamp": hit.headers["webhook-timestamp"], "webhook-signature": hit.headers["webhook-signature"] });
    assert.equal(verified.type, "member.created");
  }, { page: () => owner?.page });

  step("the webhook's delivery log shows the delivery, delivered with status 200, and a send-again button", async () => {
    const p = owner.page;
    await p.goto(`${tenant}${webhookPath}?lang=en`);
    const delivery = p.locator(".delivery", { hasText: "member.created" }).first();
    const text = await delivery.innerText();
    assert(text.includes("Delivered"), text);
    assert(text.includes("200"), text);
    assert(await delivery.getByRole("button", { name: /Send the member.created delivery again/ }).isVisible());
  }, { page: () => owner?.page });
});

describe("Integrations screenshots: /admin/integrations, a webhook's page and /api/docs (fr and en, 1280 and 360 px)", () => {
  const step = steps();
  let shots, docs = false, webhookPath;
  before(async () => {
    shots = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    await shots.page.goto(`${tenant}/admin/integrations?lang=en`);
    webhookPath = await shots.page.locator(".webhooks-table a").first().getAttribute("href").catch(() => null);
    docs = (await tenantHttp("/api/docs")).status === 200;
  });
  after(() => shots?.context.close());
  for (const { width, height } of VIEWPORTS.map((v) => v.viewport ?? v)) {
    for (const lang of LANGS) {
      step(`screenshots at ${width} px in ${lang}`, async () => {
        await shots.page.setViewportSize({ width, height });
        await shot(shots.page, { url: `${tenant}/admin/integrations?lang=${lang}`, file: `integrations-${lang}-${width}.png`, lang, width, expectText: lang === "fr" ? "Jetons d’API" : "API tokens" });
        if (webhookPath) await shot(shots.page, { url: `${tenant}${webhookPath}?lang=${lang}`, file: `integrations-webhook-${lang}-${width}.png`, lang, width, expectText: lang === "fr" ? "Journal des envois" : "Delivery log" });
        if (docs) {
          await shots.page.goto(`${tenant}/api/docs?lang=${lang}`);
          await settle(shots.page);
          await shots.page.waitForTimeout(1500);
          await shots.page.screenshot({ path: join(SHOTS, `api-docs-${lang}-${width}.png`), fullPage: false });
        }
      }, { fatal: false, page: () => shots?.page });
    }
  }
});
