/**
 * Encryption at rest for provider credentials: AES-256-GCM with a key derived (SHA-256) from the
 * SECRETS_KEY Worker secret. Stored form: `v1.<base64 iv>.<base64 ciphertext+tag>`.
 */
import { decodeBase64, encodeBase64 } from "hono/utils/encode";

const VERSION = "v1";

async function keyFrom(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function encryptJson(secret: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFrom(secret), plain);
  return `${VERSION}.${encodeBase64(iv.buffer)}.${encodeBase64(sealed)}`;
}

/** Decrypts what `encryptJson` stored; throws if the key is wrong or the text was altered. */
export async function decryptJson(secret: string, stored: string): Promise<unknown> {
  const [version, iv, sealed] = stored.split(".");
  if (version !== VERSION || !iv || !sealed) throw new Error("unknown encrypted value format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: decodeBase64(iv) },
    await keyFrom(secret),
    decodeBase64(sealed),
  );
  return JSON.parse(new TextDecoder().decode(plain));
}
