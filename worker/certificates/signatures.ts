import { childrenOf, contentOf, readDer, TAG } from "./der";
import type { ParsedCertificate } from "./x509";

/** Signature algorithms by OID: what WebCrypto verifies with the issuer's key. */
const SIGNATURES: Record<string, { kind: "rsa" | "ec"; hash: string }> = {
  "1.2.840.113549.1.1.5": { kind: "rsa", hash: "SHA-1" },
  "1.2.840.113549.1.1.11": { kind: "rsa", hash: "SHA-256" },
  "1.2.840.113549.1.1.12": { kind: "rsa", hash: "SHA-384" },
  "1.2.840.113549.1.1.13": { kind: "rsa", hash: "SHA-512" },
  "1.2.840.10045.4.3.2": { kind: "ec", hash: "SHA-256" },
  "1.2.840.10045.4.3.3": { kind: "ec", hash: "SHA-384" },
  "1.2.840.10045.4.3.4": { kind: "ec", hash: "SHA-512" },
};
const CURVE_BYTES = { "P-256": 32, "P-384": 48 } as const;

/** X.509 writes ECDSA signatures as `SEQUENCE { r, s }`; WebCrypto wants r and s side by side. */
function rawEcdsa(der: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(2 * size);
  childrenOf(readDer(der)).forEach((integer, index) => {
    if (integer.tag !== TAG.integer) throw new Error("not an ECDSA signature");
    const bytes = contentOf(integer);
    const trimmed = bytes.subarray(Math.max(0, bytes.length - size));
    out.set(trimmed, index * size + size - trimmed.length);
  });
  return out;
}

/**
 * Whether `issuer`'s key signed `child`: true or false when it can be told, null when not (an
 * algorithm WebCrypto lacks, such as RSA-PSS or P-521: those chains are left to the clients).
 */
export async function signedBy(
  child: ParsedCertificate,
  issuer: ParsedCertificate,
): Promise<boolean | null> {
  const algorithm = SIGNATURES[child.signed.algorithmOid];
  const key = issuer.keyAlgorithm;
  if (!algorithm || !key || key.kind !== algorithm.kind) return algorithm && key ? false : null;
  try {
    if (key.kind === "rsa") {
      const params = { name: "RSASSA-PKCS1-v1_5", hash: algorithm.hash };
      const publicKey = await crypto.subtle.importKey("spki", issuer.spki, params, false, [
        "verify",
      ]);
      return await crypto.subtle.verify(
        params.name,
        publicKey,
        child.signed.signature,
        child.signed.tbs,
      );
    }
    const imported = { name: "ECDSA", namedCurve: key.curve };
    const publicKey = await crypto.subtle.importKey("spki", issuer.spki, imported, false, [
      "verify",
    ]);
    const signature = rawEcdsa(child.signed.signature, CURVE_BYTES[key.curve]);
    return await crypto.subtle.verify(
      { name: "ECDSA", hash: algorithm.hash },
      publicKey,
      signature,
      child.signed.tbs,
    );
  } catch {
    return false;
  }
}
