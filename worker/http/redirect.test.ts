import { describe, expect, it } from "vitest";
import { call, form, makeTenant, sessionCookie } from "../test/helpers";
import { sameOriginPath } from "./redirect";

const ORIGIN = "https://demo.communities.test";

/** Values an attacker puts in `next=` to send a signed-in browser elsewhere: each must land on `/`. */
const OFF_SITE = [
  "//evil.test",
  "//evil.test/path",
  "/\\evil.test",
  "\\\\evil.test",
  "/\t/evil.test",
  "\t//evil.test",
  "/\n/evil.test",
  "/\r\n/evil.test",
  "/\r/evil.test",
  "/\t\n\r/evil.test",
  " //evil.test",
  "///evil.test",
  "/.//evil.test",
  "/..//evil.test",
  "https://evil.test",
  "https://evil.test/",
  "http:evil.test",
  "HTTPS://EVIL.TEST",
  "javascript:alert(1)",
  "java\tscript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "https://demo.communities.test.evil.test/",
  "https://demo.communities.test@evil.test/",
  "http://demo.communities.test/",
  "https://demo.communities.test:8443/",
  "\u0000//evil.test",
];
/** Odd values that stay on the origin (percent-encoded, relative): they may keep their path, never leave. */
const ODD_BUT_LOCAL = ["/%09/evil.test", "%2F%2Fevil.test", "/\u3000/evil.test", "https:/evil.test", "x".repeat(5000), ""];
const HOSTILE = [...OFF_SITE, ...ODD_BUT_LOCAL];

describe("sameOriginPath (every next= goes through it)", () => {
  it.each(HOSTILE.map((v) => [JSON.stringify(v).slice(0, 60), v]))("lands %s on / or a same-origin path", (_, value) => {
    const out = sameOriginPath(value, ORIGIN);
    expect(out.startsWith("/")).toBe(true);
    expect(out.startsWith("//")).toBe(false);
    expect(out).not.toMatch(/[\s\\]/);
    expect(new URL(out, ORIGIN).origin).toBe(ORIGIN);
  });

  it("sends every value that would leave the origin to /", () => {
    for (const value of OFF_SITE) {
      expect(sameOriginPath(value, ORIGIN), JSON.stringify(value)).toBe("/");
    }
  });

  it("keeps same-origin paths with their query and fragment", () => {
    expect(sameOriginPath("/g/chess?tab=chat#latest", ORIGIN)).toBe("/g/chess?tab=chat#latest");
    expect(sameOriginPath("https://demo.communities.test/admin/members?q=a", ORIGIN)).toBe("/admin/members?q=a");
    expect(sameOriginPath("/a/../b", ORIGIN)).toBe("/b");
    expect(sameOriginPath("/%2F%2Fevil.test", ORIGIN)).toBe("/%2F%2Fevil.test");
    expect(sameOriginPath(undefined, ORIGIN)).toBe("/");
    expect(sameOriginPath(["/a"], ORIGIN, "/admin")).toBe("/admin");
    expect(sameOriginPath("/x", "not an origin")).toBe("/");
  });
});

/** Where a browser would go: the Location resolved against the page's own URL. */
function landsOn(res: Response, host: string): string {
  const location = res.headers.get("location");
  expect(location).not.toBeNull();
  const url = new URL(location!, `http://${host}/login`);
  expect(url.origin).toBe(`http://${host}`);
  return url.pathname;
}

describe("next= on requests: never a Location off the origin, never a 5xx", () => {
  it("GET /login (signed in) and POST /login, for every hostile value", async () => {
    const tenant = await makeTenant();
    for (const value of HOSTILE) {
      const label = JSON.stringify(value).slice(0, 60);
      const page = await call(tenant.host, "GET", `/login?next=${encodeURIComponent(value)}`);
      expect(page.status, label).toBe(200);
      const hidden = /name="next" value="([^"]*)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "/";
      expect(hidden.startsWith("/") && !hidden.startsWith("//"), label).toBe(true);
      expect(new URL(hidden, `http://${tenant.host}/login`).origin, label).toBe(`http://${tenant.host}`);

      const signedIn = await call(tenant.host, "GET", `/login?next=${encodeURIComponent(value)}`, { cookie: tenant.owner.cookie });
      expect(signedIn.status, label).toBe(303);
      landsOn(signedIn, tenant.host);
    }
    for (const value of OFF_SITE) {
      const res = await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: tenant.owner.password, next: value }));
      expect(res.status, JSON.stringify(value)).toBe(303);
      // Resolved against this request's own origin (http here, so "http:evil.test" is a local path).
      expect(landsOn(res, tenant.host), JSON.stringify(value)).toBe(sameOriginPath(value, `http://${tenant.host}`));
    }
  });

  it("raw CR and LF in the query string of /login answer without a 5xx", async () => {
    const tenant = await makeTenant();
    for (const raw of ["/%0d%0aSet-Cookie:%20x=1", "/%0aLocation:%20https://evil.test", "%0d%0a//evil.test", "/%09/evil.test"]) {
      const out = await call(tenant.host, "GET", `/login?next=${raw}`);
      expect(out.status, raw).toBe(200);
      const signedIn = await call(tenant.host, "GET", `/login?next=${raw}`, { cookie: tenant.owner.cookie });
      expect(signedIn.status, raw).toBe(303);
      expect(signedIn.headers.get("set-cookie") ?? "", raw).not.toContain("x=1");
      landsOn(signedIn, tenant.host);
    }
  });

  it("a same-origin next is honoured by login, sign-up and logout", async () => {
    const tenant = await makeTenant();
    const ok = await call(tenant.host, "POST", "/login", form({ email: tenant.owner.email, password: tenant.owner.password, next: "/members?q=a#top" }));
    expect(ok.headers.get("location")).toBe("/members?q=a#top");

    const signupPage = await (await call(tenant.host, "GET", `/signup?next=${encodeURIComponent("/g/chess")}`)).text();
    expect(signupPage).toContain('name="next" value="/g/chess"');
    const signedUp = await call(tenant.host, "POST", "/signup", form({ name: "Nina", email: "nina@example.org", password: "a long enough password", language: "en", next: "/g/chess" }));
    expect(signedUp.status).toBe(303);
    expect(signedUp.headers.get("location")).toBe("/g/chess");
    const evil = await call(tenant.host, "POST", "/signup", form({ name: "Eve", email: "eve@example.org", password: "a long enough password", language: "en", next: "/\t/evil.test" }));
    expect(evil.headers.get("location")).toBe("/");

    const out = await call(tenant.host, "POST", "/logout", { ...form({ next: "/%09/evil.test" }), cookie: sessionCookie(ok) });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/%09/evil.test");
    const out2 = await call(tenant.host, "POST", "/logout", form({ next: "https://evil.test/" }));
    expect(out2.headers.get("location")).toBe("/");
  });

  it("the view-as toggle returns only to a page of this origin, and survives a junk Referer", async () => {
    const tenant = await makeTenant();
    const back = await call(tenant.host, "POST", "/admin/view-as", { ...form({ as: "member", next: "/admin/groups?x=1" }), cookie: tenant.owner.cookie });
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe("/admin/groups?x=1");
    for (const referer of ["https://evil.test/admin", "::::not a url", `http://${tenant.host}/\t/evil.test`, "//evil.test"]) {
      const res = await call(tenant.host, "POST", "/admin/view-as", { ...form({ as: "admin" }, undefined, { referer }), cookie: tenant.owner.cookie });
      expect(res.status, referer).toBe(303);
      landsOn(res, tenant.host);
    }
  });
});
