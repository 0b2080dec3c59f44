import { base64url, fromBase64url } from "../db/ids";

/** The Workers runtime refuses PBKDF2 above 100,000 iterations: we use exactly that maximum. */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;

// Versioned format: "pbkdf2-sha256$<iterations>$<salt>$<hash>", so the algorithm can be upgraded on next login.
const FORMAT = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password.normalize("NFKC")), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

export type PasswordCheck = { ok: boolean; needsRehash: boolean };

export async function verifyPassword(password: string, stored: string | null): Promise<PasswordCheck> {
  const m = stored ? FORMAT.exec(stored) : null;
  if (!m) {
    // Spend the same time as a real check so a missing account is not observable.
    await derive(password, DUMMY_SALT, PBKDF2_ITERATIONS);
    return { ok: false, needsRehash: false };
  }
  const iterations = Number(m[1]);
  const expected = fromBase64url(m[3]!);
  const actual = await derive(password, fromBase64url(m[2]!), iterations);
  return { ok: timingSafeEqual(actual, expected), needsRehash: iterations !== PBKDF2_ITERATIONS };
}

const DUMMY_SALT = new Uint8Array(SALT_BYTES);

function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
