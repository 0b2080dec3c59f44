// Browser checks of the custom domains pages (issue 12 point 4, issue 11 point 5).
// Called by run.mjs with its harness (check, block, assert, …), so the results land in the same report.
//
//   - the demo owner claims a hostname for the community (API) and one for the group "makers";
//   - without JavaScript, the form on /admin/domains adds a hostname and the page lists the DNS
//     records to create, with Verify and Remove buttons; Remove takes it away;
//   - screenshots of /admin/domains and /admin/groups/makers/domains in French and English at
//     1280x800 and 360x740 (no horizontal scrolling at 360 px).

/** @param {Record<string, any>} h the harness of run.mjs */
export async function domainChecks(h) {
  const { browser, tenant, check, block, assert, t, apiLogin, newPage, shot, DEMO, postJson, VIEWPORTS, LANGS } = h;
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const communityHost = `communaute-${suffix}.example.org`;
  const groupHost = `makers-${suffix}.example.org`;
  let sid = null;

  await block("Domains: claim hostnames for the community and a group (API)", async () => {
    await check("the owner claims a hostname: 201 pending, with the claim's TXT record and the CNAME", async () => {
      sid = await apiLogin(DEMO.owner.email, DEMO.owner.password);
      const res = await postJson("/api/v1/tenant/domains", { hostname: communityHost }, sid);
      assert(res.status === 201, `POST /api/v1/tenant/domains answered ${res.status}: ${res.body.slice(0, 200)}`);
      const body = JSON.parse(res.body);
      assert(body.status === "pending", `status ${body.status}`);
      const types = body.verification.map((r) => `${r.type} ${r.name}`);
      assert(types.includes(`TXT _communities-verify.${communityHost}`), `records: ${types.join(", ")}`);
      assert(types.includes(`CNAME ${communityHost}`), `records: ${types.join(", ")}`);
    });
    await check("the owner claims a hostname for the group makers", async () => {
      const res = await postJson("/api/v1/groups/makers/domains", { hostname: groupHost }, sid);
      assert(res.status === 201, `POST /api/v1/groups/makers/domains answered ${res.status}: ${res.body.slice(0, 200)}`);
    });
  });

  await block("Domains: the form works without JavaScript (en, 360x740)", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false, isMobile: true });
    const lang = "en";
    const extra = `extra-${suffix}.example.org`;
    try {
      await context.addCookies([{ name: "sid", value: sid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password)), url: tenant }]);
      const page = await newPage(context);
      await check("add a hostname with the form: the page lists its DNS records, Verify and Remove", async () => {
        await page.goto(`${tenant}/admin/domains?lang=${lang}`);
        await page.locator("main").getByLabel(t(lang, "domains.hostname"), { exact: true }).fill(extra);
        await Promise.all([page.waitForURL((url) => url.search.includes("done=added")), page.getByRole("button", { name: t(lang, "domains.add"), exact: true }).click()]);
        const card = page.locator(".domain-card", { hasText: extra });
        assert((await card.count()) === 1, "the new hostname is not listed");
        assert((await card.locator(".dns-table tbody tr").count()) >= 2, "fewer than two DNS records shown");
        assert(await card.getByRole("button", { name: t(lang, "domains.verify_label", { hostname: extra }) }).isVisible(), "no Verify button");
      }, { page });
      await check("Verify answers on the page (still pending: nothing is published)", async () => {
        await Promise.all([page.waitForURL((url) => url.search.includes("done=checked")), page.getByRole("button", { name: t(lang, "domains.verify_label", { hostname: extra }) }).click()]);
        assert((await page.locator("main").innerText()).includes(t(lang, "domains.notice.checked")), "no 'checked' notice");
      }, { page });
      await check("Remove takes it away", async () => {
        await Promise.all([page.waitForURL((url) => url.search.includes("done=removed")), page.getByRole("button", { name: t(lang, "domains.remove_label", { hostname: extra }) }).click()]);
        assert((await page.locator(".domain-card", { hasText: extra }).count()) === 0, "still listed after Remove");
      }, { page });
    } finally {
      await context.close();
    }
  });

  for (const { tag, viewport, isMobile = false, hasTouch = false } of VIEWPORTS) {
    await block(`Domains: screenshots at ${viewport.width}x${viewport.height}`, async () => {
      const context = await browser.newContext({ viewport, isMobile, hasTouch, deviceScaleFactor: 1 });
      try {
        await context.addCookies([{ name: "sid", value: sid ?? (await apiLogin(DEMO.owner.email, DEMO.owner.password)), url: tenant }]);
        const page = await newPage(context);
        for (const lang of LANGS) {
          await shot(page, { url: `${tenant}/admin/domains?lang=${lang}`, file: `admin-domains-${lang}-${tag}.png`, lang, width: viewport.width, expectText: communityHost });
          await shot(page, { url: `${tenant}/admin/groups/makers/domains?lang=${lang}`, file: `admin-group-domains-${lang}-${tag}.png`, lang, width: viewport.width, expectText: groupHost });
        }
      } finally {
        await context.close();
      }
    });
  }
}
