import { describe, expect, it } from "vitest";
import { call, makeGroup, makeTenant } from "../test/helpers";
import { addedToGroupAnswer, createdAccountAnswer, loginLinkSentAnswer } from "./answers";

describe("accounts answers.ts", () => {
  it("parses real account creation, sign-in link and add-to-group answers", async () => {
    const tenant = await makeTenant();
    const created = await call(tenant.host, "POST", "/api/v1/members", { cookie: tenant.owner.cookie, json: { email: "bo@example.com", name: "Bo", sendEmail: false } });
    expect(created.status).toBe(201);
    const body = createdAccountAnswer.strict().parse(await created.json());
    const link = await call(tenant.host, "POST", `/api/v1/members/${body.user.id}/login-link`, { cookie: tenant.owner.cookie });
    expect(link.status).toBe(202);
    loginLinkSentAnswer.parse(await link.json());
    const group = await makeGroup(tenant, { name: "Readers" });
    const added = await call(tenant.host, "POST", `/api/v1/groups/${group.slug}/members`, { cookie: tenant.owner.cookie, json: { emails: ["bo@example.com", "new@example.com"] } });
    expect(added.status).toBe(200);
    addedToGroupAnswer.strict().parse(await added.json());
  });
});
