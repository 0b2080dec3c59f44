// The member portal's administration, in the browser, as the demo community's owner:
//   - /admin/portal: untick a switch and save (the unticked box stores false), tick it again;
//   - the status banner: an end before the start is refused beside "Until", then saved with its
//     window typed in the community's timezone (Europe/Paris), then cleared;
//   - /admin/portal/announcements: publish one for the Makers group, edit it, delete it;
//   - the community's portal settings are put back as they were, for the files after this one;
//   - screenshots of both pages in French and English, at 1280x800 and 360x740.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { DEMO, eachViewport, field, LANGS, mainText, openPage, pageApi as api, settle, steps, t, tenant } from "./harness.mjs";

describe("Member portal administration: switches, banner, announcements (en, 1280x800)", () => {
  const step = steps();
  const lang = "en";
  let opened, page, saved;
  const title = `Printer maintenance ${Date.now().toString(36)}`;
  before(async () => {
    opened = await openPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 }, { as: DEMO.owner });
    page = opened.page;
  });
  after(async () => {
    // Put the community's portal settings back as they were (a later file may read the demo's banner or messages).
    if (saved && page) await api(page, "/api/v1/tenant", "PATCH", saved);
    await opened?.context.close();
  });

  step("opens /admin/portal from the admin navigation", async () => {
    await page.goto(`${tenant}/admin?lang=${lang}`);
    const before = (await api(page, "/api/v1/tenant")).body;
    saved = { features: before.features, welcomeMessage: before.welcomeMessage, cancellationMessage: before.cancellationMessage, status: before.status };
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/portal"), page.locator(".admin-nav").getByRole("link", { name: t(lang, "admin.nav.portal") }).click()]);
    assert((await mainText(page)).includes(t(lang, "portal.switches.title")));
  });

  step("an unticked switch is stored off, and on again once ticked", async () => {
    const box = page.getByRole("checkbox", { name: t(lang, "portal.switch.changeMembership.label") });
    await box.uncheck();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "switches"), page.getByRole("button", { name: t(lang, "portal.switches.save") }).click()]);
    assert((await mainText(page)).includes(t(lang, "portal.done.switches")));
    assert.equal((await api(page, "/api/v1/tenant")).body.features.changeMembership, false);
    assert.equal(await box.isChecked(), false);
    await box.check();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "switches"), page.getByRole("button", { name: t(lang, "portal.switches.save") }).click()]);
    assert.equal((await api(page, "/api/v1/tenant")).body.features.changeMembership, true);
  });

  step("the banner: an end before its start is refused beside “Until”; then saved in the community's timezone", async () => {
    await page.locator("#field-state-restricted").check();
    await field(page, t(lang, "portal.status.message")).fill("Second floor closed for works");
    await field(page, t(lang, "portal.status.from")).fill("2030-01-10T10:00");
    await field(page, t(lang, "portal.status.until")).fill("2030-01-10T09:00");
    await page.getByRole("button", { name: t(lang, "portal.status.save") }).click();
    await settle(page);
    assert.equal((await page.locator("#field-until-error").innerText()).trim(), t(lang, "field.until_after_from"));
    assert.equal(await field(page, t(lang, "portal.status.message")).inputValue(), "Second floor closed for works");
    await field(page, t(lang, "portal.status.until")).fill("2030-01-10T18:00");
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "status"), page.getByRole("button", { name: t(lang, "portal.status.save") }).click()]);
    const status = (await api(page, "/api/v1/tenant")).body.status;
    // The demo community is in Europe/Paris: 10:00 in January is 09:00 UTC.
    assert.deepEqual(status, { state: "restricted", message: "Second floor closed for works", from: "2030-01-10T09:00:00.000Z", until: "2030-01-10T17:00:00.000Z" });
    assert((await mainText(page)).includes(t(lang, "portal.status.not_showing")));
  });

  step("clears the banner", async () => {
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "cleared"), page.getByRole("button", { name: t(lang, "portal.status.clear") }).click()]);
    assert.equal((await api(page, "/api/v1/tenant")).body.status, null);
    assert((await mainText(page)).includes(t(lang, "portal.status.none")));
  });

  step("publishes an announcement for the Makers group", async () => {
    await Promise.all([page.waitForURL((u) => u.pathname === "/admin/portal/announcements"), page.getByRole("link", { name: t(lang, "portal.tab.announcements") }).click()]);
    await field(page, t(lang, "announcements.field.title")).fill(title);
    await field(page, t(lang, "announcements.field.body")).fill("The **3D printer** is serviced on Friday.");
    await page.getByRole("checkbox", { name: "Makers", exact: true }).check();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "created"), page.getByRole("button", { name: t(lang, "announcements.create") }).click()]);
    const row = page.locator("tr", { hasText: title });
    assert((await row.innerText()).includes("Makers"));
    const mine = (await api(page, "/api/v1/announcements")).body.items.find((a) => a.title === title);
    assert.deepEqual(mine.groups, ["makers"]);
  });

  step("edits it, then deletes it", async () => {
    await Promise.all([page.waitForURL((u) => /^\/admin\/portal\/announcements\/[^/]+$/.test(u.pathname)), page.locator("tr", { hasText: title }).getByRole("link", { name: t(lang, "announcements.edit") }).click()]);
    await field(page, t(lang, "announcements.field.title")).fill(`${title} (moved)`);
    await page.getByRole("checkbox", { name: "Makers", exact: true }).uncheck();
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "saved"), page.getByRole("button", { name: t(lang, "announcements.save") }).click()]);
    const row = page.locator("tr", { hasText: `${title} (moved)` });
    assert((await row.innerText()).includes(t(lang, "announcements.everyone")));
    await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "deleted"), row.getByRole("button", { name: t(lang, "announcements.delete_label", { title: `${title} (moved)` }) }).click()]);
    assert(!(await mainText(page)).includes(title));
  });
});

eachViewport("Member portal administration screenshots", ({ tag, width, options, step }) => {
  let opened;
  before(async () => {
    opened = await openPage(options, { as: DEMO.owner });
  });
  after(() => opened?.context.close());
  for (const lang of LANGS) {
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/portal?lang=${lang}`, file: `admin-portal-${lang}-${tag}.png`, lang, width, expectText: t(lang, "portal.status.title") });
    step.shot(() => opened?.page, { url: () => `${tenant}/admin/portal/announcements?lang=${lang}`, file: `admin-portal-announcements-${lang}-${tag}.png`, lang, width, expectText: t(lang, "announcements.new_title") });
  }
});
