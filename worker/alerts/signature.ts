const encoder = new TextEncoder();

function hmacKey(secret: string, usage: "sign" | "verify") {
  const algorithm = { name: "HMAC", hash: "SHA-256" };
  return crypto.subtle.importKey("raw", encoder.encode(secret), algorithm, false, [usage]);
}

/** What is signed: the timestamp binds the signature to one send, so a replay is visibly old. */
function signedText(timestamp: string | number, body: string) {
  return encoder.encode(`${timestamp}.${body}`);
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, the X-Baton-Signature header. */
export async function signBody(
  secret: string,
  timestamp: string | number,
  body: string,
): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, "sign"),
    signedText(timestamp, body),
  );
  const hex = [...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `sha256=${hex}`;
}

/**
 * Whether `header` (X-Baton-Signature) signs this timestamp and body with `secret`. For receivers
 * and tests; a receiver should also reject timestamps older than a few minutes and dedupe on
 * X-Baton-Delivery. WebCrypto's HMAC verify compares in constant time.
 */
export async function verifySignature(
  secret: string,
  timestamp: string | number,
  body: string,
  header: string | null | undefined,
): Promise<boolean> {
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header ?? "")?.[1];
  if (!hex) return false;
  const mac = new Uint8Array(32);
  for (let i = 0; i < 32; i++) mac[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret, "verify"),
    mac,
    signedText(timestamp, body),
  );
}
