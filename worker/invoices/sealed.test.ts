import { describe, expect, it } from "vitest";
import { seal, SealedError, secretsKeyOf, unseal } from "./sealed";

const KEY = "0123456789abcdef0123456789abcdef-test";
const ctx = { tenantId: "t_1", purpose: "stripe.secretKey" };
const PLAIN = "sk_test_51AbCdEfGhIjKlMnOpQrStUv";

/** Flips one bit of the ciphertext part of a sealed value (keeps it valid base64url). */
function tamper(sealed: string): string {
  const [v, iv, ct] = sealed.split(".");
  const bytes = Uint8Array.from(atob(ct!.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  bytes[0]! ^= 1;
  const b64 = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return `${v}.${iv}.${b64}`;
}

describe("sealed secrets (AES-GCM under the deployment secret)", () => {
  it("round-trips, as v1.<iv>.<ciphertext> in base64url with a fresh 96-bit IV each time", async () => {
    const a = await seal(KEY, ctx, PLAIN);
    const b = await seal(KEY, ctx, PLAIN);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a.split(".")[1]).not.toBe(b.split(".")[1]);
    expect(a).not.toContain(PLAIN);
    expect(a).not.toContain("sk_test");
    expect(await unseal(KEY, ctx, a)).toBe(PLAIN);
    expect(await unseal(KEY, ctx, b)).toBe(PLAIN);
    expect(await unseal(KEY, ctx, await seal(KEY, ctx, "Łukasz ✓"))).toBe("Łukasz ✓");
  });

  it("refuses a tampered ciphertext, another key, another tenant or purpose, and what is not a sealed value", async () => {
    const sealed = await seal(KEY, ctx, PLAIN);
    await expect(unseal(KEY, ctx, tamper(sealed))).rejects.toBeInstanceOf(SealedError);
    await expect(unseal(`${KEY}-other`, ctx, sealed)).rejects.toBeInstanceOf(SealedError);
    await expect(unseal(KEY, { ...ctx, tenantId: "t_2" }, sealed)).rejects.toBeInstanceOf(SealedError);
    await expect(unseal(KEY, { ...ctx, purpose: "stripe.webhookSecret" }, sealed)).rejects.toBeInstanceOf(SealedError);
    for (const bad of ["", PLAIN, "v2" + sealed.slice(2), `${sealed}.x`, "v1.!!.??", "v1.AAAA.AAAA"]) {
      await expect(unseal(KEY, ctx, bad)).rejects.toBeInstanceOf(SealedError);
    }
  });

  it("reads the deployment secret, blank as missing", () => {
    expect(secretsKeyOf({})).toBeNull();
    expect(secretsKeyOf({ SECRETS_KEY: "  " })).toBeNull();
    expect(secretsKeyOf({ SECRETS_KEY: KEY })).toBe(KEY);
  });
});
