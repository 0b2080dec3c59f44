import { describe, expect, it } from "vitest";
import { apiReferenceScript } from "../generated/assets";
import { call, makeTenant, ROOT } from "../test/helpers";

const directives = (csp: string | null) => Object.fromEntries((csp ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

describe("/api/docs", () => {
  it("serves the reference page with our own Redoc script, allowed by that page's CSP only", async () => {
    const tenant = await makeTenant({ name: "Atelier" });
    for (const host of [tenant.host, ROOT]) {
      const res = await call(host, "GET", "/api/docs?lang=en");
      expect(res.status).toBe(200);
      const page = await res.text();
      const src = `/assets/${apiReferenceScript}`;
      expect(page).toContain(`<script src="${src}"></script>`);
      expect(page).toContain('spec-url="/api/v1/openapi.json"');
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/); // no inline script
      expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // nothing from another origin
      const csp = directives(res.headers.get("content-security-policy"));
      expect(csp["script-src"]).toEqual([`http://${host}${src}`]);
      expect(csp["object-src"]).toEqual(["'none'"]);
      expect(csp["frame-ancestors"]).toEqual(["'none'"]);
      // The script is ours, served from our origin.
      const script = await call(host, "GET", src);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect((await script.text()).length).toBeGreaterThan(500_000);
    }
  });

  it("names the page and its chrome in the reader's language", async () => {
    const tenant = await makeTenant({ name: "Atelier" });
    const fr = await (await call(tenant.host, "GET", "/api/docs?lang=fr")).text();
    expect(fr).toContain("<title>Référence de l’API · Atelier</title>");
    expect(fr).toContain('lang="fr"');
    expect(fr).toContain("Retour à Atelier");
    const nl = await (await call(tenant.host, "GET", "/api/docs?lang=nl")).text();
    expect(nl).toContain("<title>API-referentie · Atelier</title>");
    const en = await (await call(ROOT, "GET", "/api/docs?lang=en")).text();
    expect(en).toContain("<title>API reference</title>");
  });

  it("changes no other page's CSP: elsewhere scripts are 'self' and the Redoc script is not named", async () => {
    const tenant = await makeTenant();
    for (const path of ["/login", "/", "/api/v1/openapi.json", "/api/docs/other"]) {
      const res = await call(tenant.host, "GET", path);
      const csp = directives(res.headers.get("content-security-policy"));
      expect(csp["script-src"], path).toEqual(["'self'"]);
      expect(csp["worker-src"], path).toBeUndefined();
      expect(csp["style-src"]?.[1], path).toMatch(/^'nonce-/);
    }
  });
});
