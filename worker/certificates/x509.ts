import {
  childAt,
  childrenOf,
  contentOf,
  DerError,
  type DerNode,
  encodedOf,
  oidOf,
  readDer,
  TAG,
} from "./der";
import { commonNameOf, nameText } from "./names";

/** The public-key algorithms Baton accepts: what HAProxy, nginx and WebCrypto all handle. */
export type KeyAlgorithm = { kind: "rsa" } | { kind: "ec"; curve: "P-256" | "P-384" };

export const OID = {
  rsaEncryption: "1.2.840.113549.1.1.1",
  ecPublicKey: "1.2.840.10045.2.1",
  subjectAltName: "2.5.29.17",
} as const;
const CURVES: Record<string, "P-256" | "P-384"> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
};

/** What Baton reads from one X.509 certificate. Times are epoch milliseconds. */
export interface ParsedCertificate {
  der: Uint8Array;
  subject: string;
  issuer: string;
  commonName: string | null;
  /** The names and addresses it is valid for (subjectAltName: DNS names and IP addresses). */
  sans: string[];
  notBefore: number;
  notAfter: number;
  /** DER of the names, compared byte for byte to check who issued whom. */
  subjectDer: Uint8Array;
  issuerDer: Uint8Array;
  /** SubjectPublicKeyInfo, as WebCrypto imports it ("spki"). */
  spki: Uint8Array;
  /** Null when the key is of a kind Baton does not accept (the OID says which). */
  keyAlgorithm: KeyAlgorithm | null;
  keyOid: string;
  /** What the issuer signed (the TBSCertificate's DER), how, and the signature's bytes. */
  signed: { tbs: Uint8Array; algorithmOid: string; signature: Uint8Array };
}

/** The algorithm of an AlgorithmIdentifier (`SEQUENCE { oid, parameters }`), or null if unsupported. */
export function keyAlgorithmOf(identifier: DerNode): {
  oid: string;
  algorithm: KeyAlgorithm | null;
} {
  const oid = oidOf(childAt(identifier, 0));
  if (oid === OID.rsaEncryption) return { oid, algorithm: { kind: "rsa" } };
  if (oid === OID.ecPublicKey) {
    const parameters = childrenOf(identifier)[1];
    const curve = parameters?.tag === TAG.oid ? CURVES[oidOf(parameters)] : undefined;
    return { oid, algorithm: curve ? { kind: "ec", curve } : null };
  }
  return { oid, algorithm: null };
}

function timeOf(node: DerNode): number {
  const text = new TextDecoder().decode(contentOf(node));
  const match =
    node.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) throw new DerError(`unreadable time ${text}`);
  const [, y = "", mo, d, h, mi, s] = match;
  // UTCTime's two-digit years: 50–99 are 1950–1999 (RFC 5280 4.1.2.5.1).
  const year = node.tag === 0x17 ? (Number(y) >= 50 ? 1900 : 2000) + Number(y) : Number(y);
  return Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join(".");
  const groups: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  }
  return groups.join(":");
}

function subjectAltNames(extensions: DerNode | undefined): string[] {
  if (!extensions) return [];
  for (const extension of childrenOf(childAt(extensions, 0, TAG.sequence))) {
    if (oidOf(childAt(extension, 0)) !== OID.subjectAltName) continue;
    const value = childrenOf(extension).at(-1) as DerNode;
    const names = readDer(contentOf(value));
    return childrenOf(names).flatMap((name) => {
      if (name.tag === 0x82) return [new TextDecoder().decode(contentOf(name))];
      if (name.tag === 0x87) return [ipText(contentOf(name))];
      return [];
    });
  }
  return [];
}

/** Reads one DER certificate; throws DerError when it is not one. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const certificate = readDer(der);
  if (certificate.tag !== TAG.sequence || certificate.end !== der.length) {
    throw new DerError("not a certificate");
  }
  const tbsNode = childAt(certificate, 0, TAG.sequence);
  const signatureBits = contentOf(childAt(certificate, 2, TAG.bitString));
  const tbs = childrenOf(tbsNode);
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs; // [0] version is optional
  const [, , issuer, validity, subject, spki] = fields;
  if (!issuer || !validity || !subject || !spki) throw new DerError("certificate fields missing");
  const [notBefore, notAfter] = childrenOf(validity);
  if (!notBefore || !notAfter) throw new DerError("validity missing");
  const { oid, algorithm } = keyAlgorithmOf(childAt(spki, 0, TAG.sequence));
  return {
    der,
    subject: nameText(subject),
    issuer: nameText(issuer),
    commonName: commonNameOf(subject),
    sans: subjectAltNames(fields.find((field) => field.tag === 0xa3)),
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    subjectDer: encodedOf(subject),
    issuerDer: encodedOf(issuer),
    spki: encodedOf(spki),
    keyAlgorithm: algorithm,
    keyOid: oid,
    signed: {
      tbs: encodedOf(tbsNode),
      algorithmOid: oidOf(childAt(childAt(certificate, 1, TAG.sequence), 0)),
      signature: signatureBits.subarray(1), // after the count of unused bits
    },
  };
}
