import { describe, expect, it } from "vitest";
import { call, makeTenant, sessionCookie } from "../test/helpers";
import { acceptedAnswer, meAnswer, signupAnswer, userEnvelope } from "./answers";

// The answer schemas of the OpenAPI document cannot lie: real answers parse with them (strictly).
describe("auth answers.ts", () => {
  it("parses real sign-up, login, me and reset answers", async () => {
    const tenant = await makeTenant();
    const signup = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: "ann@example.com", password: "a long enough password", name: "Ann" } });
    expect(signup.status).toBe(201);
    signupAnswer.strict().parse(await signup.json());
    const login = await call(tenant.host, "POST", "/api/v1/auth/login", { json: { email: "ann@example.com", password: "a long enough password" } });
    expect(login.status).toBe(200);
    userEnvelope.strict().parse(await login.json());
    const me = await call(tenant.host, "GET", "/api/v1/me", { cookie: sessionCookie(login) });
    meAnswer.strict().parse(await me.json());
    const owner = await call(tenant.host, "GET", "/api/v1/me", { cookie: tenant.owner.cookie });
    expect(meAnswer.parse(await owner.json()).tenantRole).toBe("owner");
    const reset = await call(tenant.host, "POST", "/api/v1/auth/password-reset", { json: { email: "ann@example.com" } });
    expect(reset.status).toBe(202);
    acceptedAnswer.parse(await reset.json());
  });
});
