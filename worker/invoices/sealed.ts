// Secrets a community gives us (its own Stripe keys) sealed before they reach D1: AES-256-GCM
// (Web Crypto) under a key derived with HKDF-SHA256 from the deployment secret `SECRETS_KEY`
// (a Worker secret; development passes a fixed value of its own, see scripts/local-db.mjs).
// A sealed value is `v1.<iv>.<ciphertext>`, both base64url, with a fresh random 96-bit IV
// each time; the additional data binds it to its tenant and purpose, so a value copied to
// another tenant's row or another column does not open.

export const SEALED_VERSION = "v1";
const INFO = new TextEncoder().encode("edge-communities sealed secrets v1");
const SALT = new TextEncoder().encode("edge-communities");

/** The deployment secret, or null when it is not set (the caller refuses to store keys then). */
export function secretsKeyOf(env: { SECRETS_KEY?: string | undefined }): string | null {
  const s = env.SECRETS_KEY?.trim();
  return s ? s : null;
}

const keys = new Map<string, Promise<CryptoKey>>();

/** The AES-GCM key derived from the deployment secret (kept per isolate: one derivation per secret). */
function aesKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"])
      .then((base) => crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: SALT, info: INFO }, base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]));
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** What a sealed value belongs to (its tenant and purpose), authenticated with it but not stored in it. */
export type SealedContext = { tenantId: string; purpose: string };
const aad = (ctx: SealedContext) => new TextEncoder().encode(`${ctx.tenantId}\u0000${ctx.purpose}`);

/** `plaintext` sealed as `v1.<iv>.<ciphertext>` (base64url), a new random IV each call. */
export async function seal(secret: string, ctx: SealedContext, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(ctx) }, await aesKey(secret), new TextEncoder().encode(plaintext));
  return `${SEALED_VERSION}.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(ct))}`;
}

export class SealedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedError";
  }
}

/**
 * The plaintext of a value `seal` wrote with the same secret and context. Throws
 * `SealedError` when it was altered, sealed under another secret or for another tenant or
 * purpose, or is not a sealed value at all.
 */
export async function unseal(secret: string, ctx: SealedContext, sealed: string): Promise<string> {
  const [version, ivText, ctText, ...rest] = sealed.split(".");
  const iv = ivText === undefined ? null : fromBase64Url(ivText);
  const ct = ctText === undefined ? null : fromBase64Url(ctText);
  if (version !== SEALED_VERSION || rest.length > 0 || !iv || iv.length !== 12 || !ct || ct.length < 16) throw new SealedError("Not a sealed value.");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: aad(ctx) }, await aesKey(secret), ct);
    return new TextDecoder().decode(plain);
  } catch {
    throw new SealedError("The sealed value does not open with this key.");
  }
}
