import { decodeBase64Url, encodeBase64Url } from "hono/utils/encode";

/**
 * PBKDF2-SHA256 through WebCrypto. 100,000 iterations is the most Cloudflare Workers allow; the
 * count is stored with each hash so a later change only affects new hashes.
 */
export const PASSWORD_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;

export interface PasswordHash {
  passwordHash: string;
  passwordSalt: string;
  passwordIterations: number;
}

/** base64url without padding (the form stored hashes and tokens use) of a whole buffer. */
function toBase64Url(bytes: Uint8Array<ArrayBuffer>): string {
  return encodeBase64Url(bytes.buffer).replace(/=+$/, "");
}

/** `count` random bytes as base64url: cookie secrets, CSRF tokens, salts. */
export function randomToken(count = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(count)));
}

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    KEY_BITS,
  );
  return new Uint8Array(bits);
}

/** Hashes `password` with a new random salt. */
export async function hashPassword(
  password: string,
  iterations = PASSWORD_ITERATIONS,
): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return {
    passwordHash: toBase64Url(hash),
    passwordSalt: toBase64Url(salt),
    passwordIterations: iterations,
  };
}

/** Whether `password` matches `stored`, compared in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = decodeBase64Url(stored.passwordHash);
  const actual = await derive(
    password,
    decodeBase64Url(stored.passwordSalt),
    stored.passwordIterations,
  );
  if (actual.byteLength !== expected.byteLength) return false;
  return crypto.subtle.timingSafeEqual(actual, expected);
}

// Checked against when the username is unknown, so an unknown name costs as long as a known one.
const DECOY: PasswordHash = {
  passwordHash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  passwordSalt: "AAAAAAAAAAAAAAAAAAAAAA",
  passwordIterations: PASSWORD_ITERATIONS,
};

/** Spends the time of one password check and fails: for unknown usernames. */
export async function verifyDecoy(password: string): Promise<false> {
  await verifyPassword(password, DECOY);
  return false;
}
