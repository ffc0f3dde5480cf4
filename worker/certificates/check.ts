import type { UploadCertificate } from "../../shared/certificates";
import type { ErrorCode } from "../../shared/errors";
import { DerError } from "./der";
import {
  keyTypeOf,
  type ParsedKey,
  parsePrivateKey,
  publicPartsOfCertificate,
  publicPartsOfKey,
} from "./keys";
import { type PemBlock, pemBlocks, toPem } from "./pem";
import { signedBy } from "./signatures";
import { type ParsedCertificate, parseCertificate } from "./x509";

/** An upload that passed every check: the chain leaf first, its key, the file the VM gets. */
export interface CheckedUpload {
  chain: ParsedCertificate[];
  leaf: ParsedCertificate;
  keyType: string;
  /** Chain then key, re-encoded as clean PEM: exactly what the agent writes. */
  pem: string;
}

const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);
const DAY = (at: number) => new Date(at).toISOString().slice(0, 10);

export type CertificateField = "certificate" | "privateKey";

/** Why an upload was refused: a stable API error code, the field it concerns, what to do. */
export class CertificateRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly field: CertificateField,
    message: string,
  ) {
    super(message);
  }
}

function refuse(code: ErrorCode, field: CertificateField, message: string): never {
  throw new CertificateRefusal(code, field, message);
}

/** Who a certificate is for, in a message: its CN, else its subject. */
const named = (certificate: ParsedCertificate) =>
  certificate.commonName ?? (certificate.subject || "(no subject)");

function readChain(text: string): ParsedCertificate[] {
  const blocks = pemBlocks(text).filter((block) => block.label === "CERTIFICATE");
  if (blocks.length === 0) {
    refuse(
      "certificate_unreadable",
      "certificate",
      "No certificate found: paste the PEM chain, starting with -----BEGIN CERTIFICATE-----",
    );
  }
  return blocks.map((block, index) => {
    try {
      if (!block.der) throw new DerError("not base64");
      return parseCertificate(block.der);
    } catch (error) {
      if (!(error instanceof DerError)) throw error;
      return refuse(
        "certificate_unreadable",
        "certificate",
        `Certificate ${index + 1} of the chain is damaged (${error.message}): paste it again from the file your CA sent`,
      );
    }
  });
}

function readKey(text: string): { block: PemBlock; key: ParsedKey } {
  const blocks = pemBlocks(text);
  if (blocks.some((block) => block.label === "ENCRYPTED PRIVATE KEY")) {
    refuse(
      "private_key_unreadable",
      "privateKey",
      "The private key is encrypted with a passphrase: decrypt it first (openssl pkey -in key.pem -out key-plain.pem) and upload that; Baton stores it encrypted",
    );
  }
  const found = blocks.filter((block) => KEY_LABELS.has(block.label));
  if (found.length !== 1) {
    refuse(
      "private_key_unreadable",
      "privateKey",
      found.length === 0
        ? "No private key found: paste the PEM key, starting with -----BEGIN PRIVATE KEY----- (or RSA/EC PRIVATE KEY)"
        : `Found ${found.length} private keys: paste only the one for this certificate`,
    );
  }
  const [{ label, der }] = found as [{ label: string; der: Uint8Array | null }];
  try {
    if (!der) throw new DerError("not base64");
    return { block: { label, der }, key: parsePrivateKey(label, der) };
  } catch (error) {
    if (!(error instanceof DerError)) throw error;
    return refuse(
      "private_key_unreadable",
      "privateKey",
      `The private key is damaged (${error.message}): paste it again from the file it was generated into`,
    );
  }
}

const UNSUPPORTED_KEY =
  "supported are RSA and ECDSA on P-256 or P-384, which HAProxy and nginx serve everywhere";

/** A position in the chain for messages: 1-based, and what it holds. */
const at = (chain: ParsedCertificate[], index: number) =>
  `certificate ${index + 1} (${named(chain[index] as ParsedCertificate)})`;

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/** Leaf first, then each certificate's issuer: the order servers must send them in. */
function checkOrder(chain: ParsedCertificate[]): void {
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i] as ParsedCertificate;
    const parent = chain[i + 1] as ParsedCertificate;
    if (sameBytes(child.issuerDer, parent.subjectDer)) continue;
    refuse(
      "chain_out_of_order",
      "certificate",
      `The chain is out of order: ${at(chain, i)} was issued by ${child.issuer || "(no issuer)"}, but the next one is ${parent.subject || "(no subject)"}. Put the leaf first, then the certificate that issued it, and so on up (leave out certificates that are not part of this chain)`,
    );
  }
}

/** Names alone can line up by accident (an old or cross-signed CA of the same name): check who signed. */
async function checkSignatures(chain: ParsedCertificate[]): Promise<void> {
  for (let i = 0; i + 1 < chain.length; i++) {
    if (
      (await signedBy(chain[i] as ParsedCertificate, chain[i + 1] as ParsedCertificate)) !== false
    )
      continue;
    refuse(
      "chain_signature_invalid",
      "certificate",
      `${at(chain, i + 1)} has the right name but did not sign ${at(chain, i)}: it is another CA certificate of the same name (an older or cross-signed one). Use the intermediate your CA sent with this certificate`,
    );
  }
}

function checkDates(chain: ParsedCertificate[], now: number): void {
  chain.forEach((certificate, index) => {
    if (certificate.notAfter <= now) {
      refuse(
        "certificate_expired",
        "certificate",
        `${index === 0 ? "The certificate" : `The chain's ${at(chain, index)}`} expired on ${DAY(certificate.notAfter)}: renew it with your CA and upload the new one`,
      );
    }
    if (certificate.notBefore > now) {
      refuse(
        "certificate_not_yet_valid",
        "certificate",
        `${index === 0 ? "The certificate" : `The chain's ${at(chain, index)}`} is valid only from ${new Date(certificate.notBefore).toISOString()}: upload it then, or check this machine's clock and the CA's dates`,
      );
    }
  });
}

/**
 * Checks an upload the way a TLS server and its clients would: the key must be the leaf's (the
 * public halves compared), the chain leaf first with each certificate issued (named and signed)
 * by the next, every certificate inside its validity at `now`. Throws CertificateRefusal with a
 * stable code per failure and the field it concerns.
 */
export async function checkUpload(input: UploadCertificate, now: number): Promise<CheckedUpload> {
  const chain = readChain(input.certificate);
  const { block, key } = readKey(input.privateKey);
  const leaf = chain[0] as ParsedCertificate;
  if (!key.algorithm) {
    refuse(
      "key_unsupported",
      "privateKey",
      `The private key's algorithm (${key.oid}) is not supported: ${UNSUPPORTED_KEY}`,
    );
  }
  if (!leaf.keyAlgorithm) {
    refuse(
      "key_unsupported",
      "certificate",
      `The certificate's key algorithm (${leaf.keyOid}) is not supported: ${UNSUPPORTED_KEY}`,
    );
  }
  const keyParts = await readPublicParts(key);
  const owners = await Promise.all(chain.map(publicPartsOfCertificate));
  if (owners[0] !== keyParts) {
    const index = owners.indexOf(keyParts);
    if (index > 0) {
      refuse(
        "chain_out_of_order",
        "certificate",
        `The private key belongs to ${at(chain, index)}, not the first one: put the certificate for this key (the leaf) first`,
      );
    }
    refuse(
      "key_mismatch",
      "privateKey",
      `The private key does not belong to the certificate for ${named(leaf)}: upload the key made with its signing request (openssl x509 -noout -pubkey -in cert.pem and openssl pkey -pubout -in key.pem must print the same)`,
    );
  }
  checkOrder(chain);
  await checkSignatures(chain);
  checkDates(chain, now);
  const pem =
    chain.map((certificate) => toPem({ label: "CERTIFICATE", der: certificate.der })).join("") +
    toPem(block);
  return { chain, leaf, keyType: keyTypeOf(leaf, key), pem };
}

async function readPublicParts(key: ParsedKey): Promise<string> {
  try {
    return await publicPartsOfKey(key);
  } catch {
    return refuse(
      "private_key_unreadable",
      "privateKey",
      "The private key could not be read (damaged, or not the key type its header says): paste it again from the file it was generated into",
    );
  }
}
