import { describe, expect, it } from "vitest";
import { answer, isStrict, noContent } from "../test/answers";
import { call, makeGroup, makeTenant } from "../test/helpers";
import { announcementAnswer, announcementListAnswer, oneAnnouncementAnswer } from "./answers";

// The announcement routes' answers parsed by their schemas (answers.ts), every route called for real.

describe("announcements: the answers match their schemas", () => {
  it("publish (targeted, with an end), list, change, delete", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    await makeGroup(tenant, { slug: "makers", name: "Makers" });
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const { announcement } = await answer(oneAnnouncementAnswer, await call(tenant.host, "POST", "/api/v1/announcements", { cookie: admin, json: { title: "Fire drill", body: "On **Tuesday**.", groups: ["makers"], until } }), 201);
    expect(announcement).toMatchObject({ title: "Fire drill", email: false, plans: [], groups: ["makers"], until });
    isStrict(announcementAnswer, announcement);
    const plain = (await answer(oneAnnouncementAnswer, await call(tenant.host, "POST", "/api/v1/announcements", { cookie: admin, json: { title: "Welcome", body: "Hello" } }), 201)).announcement;
    expect(plain.until).toBeNull();
    const list = await answer(announcementListAnswer, await call(tenant.host, "GET", "/api/v1/announcements", { cookie: admin }));
    expect(list.items.map((a) => a.id).sort()).toEqual([announcement.id, plain.id].sort());
    const changed = await answer(oneAnnouncementAnswer, await call(tenant.host, "PATCH", `/api/v1/announcements/${announcement.id}`, { cookie: admin, json: { title: "Fire drill (moved)", until: null } }));
    expect(changed.announcement).toMatchObject({ title: "Fire drill (moved)", until: null });
    await noContent(await call(tenant.host, "DELETE", `/api/v1/announcements/${plain.id}`, { cookie: admin }));
  });
});
