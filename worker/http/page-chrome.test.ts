import { describe, expect, it } from "vitest";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { pathnameOf } from "./render";

/** The page's <header> and <footer>, which web/ui/page.ts keeps rendered per distinct input. */
async function chrome(host: string, path: string, cookie?: string) {
  const res = await call(host, "GET", path, cookie ? { cookie } : {});
  expect(res.status).toBe(200);
  const html = await res.text();
  return {
    header: /<header class="site-header">[\s\S]*?<\/header>/.exec(html)?.[0] ?? "",
    footer: /<footer class="site-footer">[\s\S]*?<\/footer>/.exec(html)?.[0] ?? "",
  };
}

describe("page chrome (header and footer, rendered once per input)", () => {
  it("follows the viewer, the community and its settings on the same path, one request after another", async () => {
    const tenant = await makeTenant({ name: "Chrome Alpha" });
    const other = await makeTenant({ name: "Chrome Beta" });
    const member = await signUpMember(tenant, "mia@chrome.example", "Mia Member");

    const owner = await chrome(tenant.host, "/", tenant.owner.cookie);
    expect(owner.header).toContain("Olivia Owner");
    expect(owner.header).toContain('href="/admin"');
    expect(owner.header).toContain("Chrome Alpha");

    const asMember = await chrome(tenant.host, "/", member.cookie);
    expect(asMember.header).toContain("Mia Member");
    expect(asMember.header).not.toContain("Olivia Owner");
    expect(asMember.header).not.toContain('href="/admin"');

    const signedOut = await chrome(tenant.host, "/");
    expect(signedOut.header).toContain('href="/login"');
    expect(signedOut.header).toContain('href="/signup"');
    expect(signedOut.header).not.toContain("Mia Member");

    // Another community's page on the same path carries its own name, never the first one's.
    const elsewhere = await chrome(other.host, "/");
    expect(elsewhere.header).toContain("Chrome Beta");
    expect(elsewhere.header).not.toContain("Chrome Alpha");

    // A settings change shows on the next page: invite-only hides the sign-up link.
    const patch = await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { signupPolicy: "invite_only" } });
    expect(patch.status).toBe(200);
    expect((await chrome(tenant.host, "/")).header).not.toContain('href="/signup"');

    // The current page and language are marked on each path.
    const login = await chrome(tenant.host, "/login");
    expect(login.header).toMatch(/href="\/login" aria-current="page"/);
    expect(signedOut.header).not.toMatch(/href="\/login" aria-current="page"/);
    expect(login.footer).toContain('href="/login?lang=en"');
    expect(signedOut.footer).toContain('href="/?lang=en"');
    const english = await chrome(tenant.host, "/login?lang=en");
    expect(english.footer).toMatch(/hreflang="en"[^>]*aria-current="true"/);
    expect(login.footer).toMatch(/hreflang="fr"[^>]*aria-current="true"/);
  });
});

describe("pathnameOf", () => {
  it("is URL.pathname for the URLs a request can carry", () => {
    for (const url of [
      "http://demo.communities.test/",
      "http://demo.communities.test",
      "https://demo.communities.test:8787/g/makers?cursor=abc&lang=en",
      "http://[::1]:8787/admin/groups/caf%C3%A9/members?x=/y",
      "http://x.test/a%2Fb/c?",
      "http://x.test/?next=/admin",
      "http://user:pass@x.test/me",
    ]) {
      const normalised = new Request(url).url;
      expect(pathnameOf(normalised)).toBe(new URL(normalised).pathname);
    }
  });
});
