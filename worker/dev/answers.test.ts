import { describe, expect, it } from "vitest";
import { devMailAnswer } from "../mail/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { clockAnswer } from "./answers";

describe("dev answers.ts (clock and mailbox)", () => {
  it("parses real answers of the development clock and mailbox", async () => {
    const tenant = await makeTenant();
    await signUpMember(tenant, "mail@example.com");
    await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: "mail@example.com" } });
    const ran = await call(tenant.host, "POST", "/api/v1/dev/scheduled", { json: { at: new Date().toISOString() } });
    expect(ran.status).toBe(200);
    clockAnswer.strict().parse(await ran.json());
    const mail = await call(tenant.host, "GET", "/api/v1/dev/mail?to=mail@example.com");
    const items = devMailAnswer.parse(await mail.json());
    expect(items.length).toBeGreaterThan(0);
  });
});
