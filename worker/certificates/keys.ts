import {
  childAt,
  childrenOf,
  DerError,
  encodeDer,
  encodedOf,
  encodeOid,
  oidOf,
  readDer,
  TAG,
} from "./der";
import { type KeyAlgorithm, keyAlgorithmOf, OID, type ParsedCertificate } from "./x509";

/** A private key as WebCrypto imports it (PKCS#8), whichever PEM encoding it came in. */
export interface ParsedKey {
  pkcs8: Uint8Array;
  /** Null when the key is of a kind Baton does not accept. */
  algorithm: KeyAlgorithm | null;
  oid: string;
}

const VERSION_0 = encodeDer(TAG.integer, new Uint8Array([0]));
const NULL = encodeDer(TAG.null);

/** `SEQUENCE { 0, algorithm, OCTET STRING key }`: a traditional key wrapped as PKCS#8. */
function wrapPkcs8(algorithm: Uint8Array, key: Uint8Array): Uint8Array {
  return encodeDer(TAG.sequence, VERSION_0, algorithm, encodeDer(TAG.octetString, key));
}

/**
 * Reads a private key from its PEM label and DER: PKCS#8 (`PRIVATE KEY`), PKCS#1
 * (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`). Throws DerError when the bytes are not one.
 */
export function parsePrivateKey(label: string, der: Uint8Array): ParsedKey {
  const pkcs8 =
    label === "RSA PRIVATE KEY"
      ? wrapPkcs8(encodeDer(TAG.sequence, encodeOid(OID.rsaEncryption), NULL), der)
      : label === "EC PRIVATE KEY"
        ? wrapSec1(der)
        : der;
  const root = readDer(pkcs8);
  if (root.tag !== TAG.sequence || root.end !== pkcs8.length) throw new DerError("not a key");
  const { oid, algorithm } = keyAlgorithmOf(childAt(root, 1, TAG.sequence));
  childAt(root, 2, TAG.octetString);
  return { pkcs8, algorithm, oid };
}

/** SEC1 names its curve in `[0] parameters`; PKCS#8 wants it in the algorithm identifier. */
function wrapSec1(der: Uint8Array): Uint8Array {
  const parameters = childrenOf(readDer(der)).find((child) => child.tag === 0xa0);
  if (!parameters) throw new DerError("EC key without its curve");
  const curve = childAt(parameters, 0, TAG.oid);
  oidOf(curve);
  return wrapPkcs8(encodeDer(TAG.sequence, encodeOid(OID.ecPublicKey), encodedOf(curve)), der);
}

/** The members of a JWK that make up a public key. */
interface PublicJwk {
  kty?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

function importParams(algorithm: KeyAlgorithm): {
  name: string;
  hash?: string;
  namedCurve?: string;
} {
  return algorithm.kind === "rsa"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
    : { name: "ECDSA", namedCurve: algorithm.curve };
}

/** The public half as JWK members: `n`+`e` for RSA, `crv`+`x`+`y` for EC. */
function publicParts(jwk: PublicJwk): string {
  return [jwk.kty, jwk.n, jwk.e, jwk.crv, jwk.x, jwk.y].join(" ");
}

/**
 * The public half of a private key, as comparable text (its JWK's `kty n e crv x y`): WebCrypto
 * imports the key and derives it. Throws when WebCrypto refuses the key.
 */
export async function publicPartsOfKey(key: ParsedKey): Promise<string> {
  if (!key.algorithm) throw new DerError("unsupported key");
  const imported = await crypto.subtle.importKey(
    "pkcs8",
    key.pkcs8,
    importParams(key.algorithm),
    true,
    ["sign"],
  );
  return publicParts((await crypto.subtle.exportKey("jwk", imported)) as PublicJwk);
}

/** The certificate's public key as the same comparable text; null when it cannot be read. */
export async function publicPartsOfCertificate(
  certificate: ParsedCertificate,
): Promise<string | null> {
  if (!certificate.keyAlgorithm) return null;
  try {
    const params = importParams(certificate.keyAlgorithm);
    const imported = await crypto.subtle.importKey("spki", certificate.spki, params, true, [
      "verify",
    ]);
    return publicParts((await crypto.subtle.exportKey("jwk", imported)) as PublicJwk);
  } catch {
    return null;
  }
}

/** `rsa-2048`, `ecdsa-p256`: for people and the API. */
export function keyTypeOf(certificate: ParsedCertificate, key: ParsedKey): string {
  const algorithm = key.algorithm;
  if (algorithm?.kind === "ec") return `ecdsa-${algorithm.curve.toLowerCase().replace("-", "")}`;
  // RSA's size is the modulus's: the first INTEGER of RSAPublicKey inside the SPKI's BIT STRING.
  const spki = readDer(certificate.spki);
  const bits = childAt(spki, 1, TAG.bitString);
  const rsaKey = readDer(bits.bytes.subarray(bits.contentStart + 1, bits.end));
  const modulus = childAt(rsaKey, 0, TAG.integer);
  let length = modulus.end - modulus.contentStart;
  if (modulus.bytes[modulus.contentStart] === 0) length -= 1;
  return `rsa-${length * 8}`;
}
