// Custom domains in the browser.
//   - the demo owner claims a hostname for the community (API) and one for the group "makers";
//   - without JavaScript, the form on /admin/domains adds a hostname and the page lists the DNS
//     records to create, with Verify and Remove buttons; Remove takes it away;
//   - screenshots of /admin/domains and /admin/groups/makers/domains in French and English at
//     1280x800 and 360x740 (no horizontal scrolling at 360 px).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, LANGS, apiLogin, eachViewport, openPage, postJson, ready, steps, t, tenant, uniqueSuffix, usePage } from "./harness.mjs";

const suffix = uniqueSuffix();
const communityHost = `communaute-${suffix}.example.org`;
const groupHost = `makers-${suffix}.example.org`;
let sid = null;
const ownerSid = async () => sid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password));

describe("Domains: claim hostnames for the community and a group (API)", () => {
  const step = steps();
  before(ready);
  step("the owner claims a hostname: 201 pending, with the claim's TXT record and the CNAME", async () => {
    sid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const res = await postJson("/api/v1/tenant/domains", { hostname: communityHost }, sid);
    assert(res.status === 201, `POST /api/v1/tenant/domains answered ${res.status}: ${res.body.slice(0, 200)}`);
    const body = JSON.parse(res.body);
    assert(body.status === "pending", `status ${body.status}`);
    const types = body.verification.map((r) => `${r.type} ${r.name}`);
    assert(types.includes(`TXT _communities-verify.${communityHost}`), `records: ${types.join(", ")}`);
    assert(types.includes(`CNAME ${communityHost}`), `records: ${types.join(", ")}`);
  });
  step("the owner claims a hostname for the group makers", async () => {
    const res = await postJson("/api/v1/groups/makers/domains", { hostname: groupHost }, sid);
    assert(res.status === 201, `POST /api/v1/groups/makers/domains answered ${res.status}: ${res.body.slice(0, 200)}`);
  });
});

describe("Domains: the form works without JavaScript (en, 360x740)", () => {
  const step = steps();
  const lang = "en";
  const extra = `extra-${suffix}.example.org`;
  let context, page;
  before(async () => ({ context, page } = await openPage({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true }, { sid: await ownerSid() })));
  after(() => context?.close());
  step("add a hostname with the form: the page lists its DNS records, Verify and Remove", async () => {
    await page.goto(`${tenant}/admin/domains?lang=${lang}`);
    await page.locator("main").getByLabel(t(lang, "domains.hostname"), { exact: true }).fill(extra);
    await Promise.all([page.waitForURL((url) => url.search.includes("done=added")), page.getByRole("button", { name: t(lang, "domains.add"), exact: true }).click()]);
    const card = page.locator(".domain-card", { hasText: extra });
    assert((await card.count()) === 1, "the new hostname is not listed");
    assert((await card.locator(".dns-table tbody tr").count()) >= 2, "fewer than two DNS records shown");
    assert(await card.getByRole("button", { name: t(lang, "domains.verify_label", { hostname: extra }) }).isVisible(), "no Verify button");
  }, { page: () => page });
  step("Verify answers on the page (still pending: nothing is published)", async () => {
    await Promise.all([page.waitForURL((url) => url.search.includes("done=checked")), page.getByRole("button", { name: t(lang, "domains.verify_label", { hostname: extra }) }).click()]);
    assert((await page.locator("main").innerText()).includes(t(lang, "domains.notice.checked")), "no 'checked' notice");
  }, { page: () => page });
  step("Remove takes it away", async () => {
    await Promise.all([page.waitForURL((url) => url.search.includes("done=removed")), page.getByRole("button", { name: t(lang, "domains.remove_label", { hostname: extra }) }).click()]);
    assert((await page.locator(".domain-card", { hasText: extra }).count()) === 0, "still listed after Remove");
  }, { page: () => page });
});

eachViewport("Domains: screenshots", ({ tag, width, options, step }) => {
  const page = usePage(options, () => (sid ? { sid } : { as: DEMO.owner }));
  for (const lang of LANGS) {
    step.shot(page, { url: () => `${tenant}/admin/domains?lang=${lang}`, file: `admin-domains-${lang}-${tag}.png`, lang, width, expectText: communityHost });
    step.shot(page, { url: () => `${tenant}/admin/groups/makers/domains?lang=${lang}`, file: `admin-group-domains-${lang}-${tag}.png`, lang, width, expectText: groupHost });
  }
});
