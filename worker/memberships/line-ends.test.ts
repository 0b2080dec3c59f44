import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember } from "../test/helpers";

// A textarea posts CRLF line ends (HTML's form encoding); the text stored and answered keeps LF
// only, whichever way it came: the billing address, a plan's description, an announcement's
// body and the community's messages are printed on invoices and rendered as Markdown.
describe("multi-line text is stored with LF line ends", () => {
  it("billing address, plan description, announcement body, welcome and cancellation messages", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    const planRes = await call(tenant.host, "POST", "/api/v1/plans", { cookie: owner, json: { name: "Desk", description: "Line one\r\nLine two\rLine three", price: { amount: 9000, currency: "EUR" }, intervalMonths: 1 } });
    expect(planRes.status).toBe(201);
    const { plan } = (await planRes.json()) as { plan: { id: string; description: string } };
    expect(plan.description).toBe("Line one\nLine two\nLine three");

    const member = await signUpMember(tenant, `ada@${tenant.host.split(".")[0]}.example`);
    const chosen = await call(tenant.host, "POST", "/api/v1/me/membership", { cookie: member.cookie, json: { planId: plan.id, billing: { name: "Ada", address: "1 Main St\r\n75001 Paris\r\nFrance" } } });
    expect(chosen.status).toBe(201);
    const patched = await call(tenant.host, "PATCH", "/api/v1/me/membership/billing", { cookie: member.cookie, json: { address: "2 Side St\r\n69001 Lyon" } });
    expect(patched.status).toBe(200);
    const mine = (await (await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: member.cookie })).json()) as { billing: { address: string } };
    expect(mine.billing.address).toBe("2 Side St\n69001 Lyon");

    // At sign-up too (POST /auth/signup with a plan and billing details).
    const signup = await call(tenant.host, "POST", "/api/v1/auth/signup", { json: { email: `bo@${tenant.host.split(".")[0]}.example`, password: "a long enough password", name: "Bo", planId: plan.id, billing: { name: "Bo", address: "3 Quay\r\nNantes" } } });
    expect(signup.status).toBe(201);
    const boCookie = signup.headers.getSetCookie().find((c) => c.startsWith("sid="))!.split(";")[0]!;
    const bo = (await (await call(tenant.host, "GET", "/api/v1/me/membership", { cookie: boCookie })).json()) as { billing: { address: string } };
    expect(bo.billing.address).toBe("3 Quay\nNantes");

    const a = await call(tenant.host, "POST", "/api/v1/announcements", { cookie: owner, json: { title: "Keys", body: "First\r\n\r\nSecond" } });
    expect(a.status).toBe(201);
    expect(((await a.json()) as { announcement: { body: string } }).announcement.body).toBe("First\n\nSecond");

    const settings = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: owner, json: { welcomeMessage: "Hello\r\nthere", cancellationMessage: "Bye\r\nnow" } });
    expect(settings.status).toBe(200);
    const read = (await (await call(tenant.host, "GET", "/api/v1/tenant", { cookie: owner })).json()) as { welcomeMessage: string; cancellationMessage: string };
    expect([read.welcomeMessage, read.cancellationMessage]).toEqual(["Hello\nthere", "Bye\nnow"]);
  });
});
