import { z } from "zod";
import { Sha256Hex } from "./sha256";

/** `crt_` + 16 lowercase base32 characters; the balancer model checks the looser form below. */
export const CERTIFICATE_ID_PATTERN = /^crt_[a-z0-9]{8,32}$/;
export const CertificateId = z
  .string()
  .regex(CERTIFICATE_ID_PATTERN, "must be a certificate id (crt_…)");

/** Caps that keep an upload to what a real chain and key need (a long chain is ~10 KB). */
export const CERTIFICATE_PEM_MAX_CHARS = 64 * 1024;
export const PRIVATE_KEY_PEM_MAX_CHARS = 16 * 1024;

/** Days before a certificate's end when Baton raises `certificate.expiring` (once). */
export const CERTIFICATE_EXPIRY_WARNING_DAYS = 14;

/**
 * Where the agent writes a certificate on the VM, relative to the directory of the managed
 * config file (the renderers reference it relatively, so the text is the same on every member):
 * one file per certificate, the chain (leaf first) then the private key, mode 0600, in a
 * directory of mode 0700.
 */
export const CERTIFICATE_DIRECTORY = "baton-certs";
export const certificateFileName = (certId: string) => `${CERTIFICATE_DIRECTORY}/${certId}.pem`;

/** `POST /api/v1/pools/:poolId/certificates`: a PEM chain (leaf first) and its unencrypted key. */
export const UploadCertificate = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters")
    .optional(),
  certificate: z
    .string()
    .min(1, "paste the certificate chain (PEM, leaf first)")
    .max(CERTIFICATE_PEM_MAX_CHARS, `must be at most ${CERTIFICATE_PEM_MAX_CHARS} characters`),
  privateKey: z
    .string()
    .min(1, "paste the private key (PEM)")
    .max(PRIVATE_KEY_PEM_MAX_CHARS, `must be at most ${PRIVATE_KEY_PEM_MAX_CHARS} characters`),
});
export type UploadCertificate = z.infer<typeof UploadCertificate>;

/** A stored certificate as the API shows it: what it is for and until when, never the key. */
export const Certificate = z.object({
  id: z.string(),
  poolId: z.string(),
  name: z.string(),
  /** The leaf's subject, `CN=shop.example.com, O=Example`. */
  subject: z.string(),
  /** DNS names and IP addresses the leaf is valid for. */
  sans: z.array(z.string()),
  issuer: z.string(),
  notBefore: z.number(),
  notAfter: z.number(),
  /** SHA-256 of the leaf's DER, lowercase hex (what `openssl x509 -fingerprint -sha256` shows). */
  fingerprintSha256: Sha256Hex,
  /** `rsa-2048`, `ecdsa-p256`, `ecdsa-p384`. */
  keyType: z.string(),
  /** Certificates in the chain, the leaf included. */
  chainLength: z.number(),
  createdAt: z.number(),
  createdBy: z.string(),
});
export type Certificate = z.infer<typeof Certificate>;

/**
 * `GET /agent/v1/certificates/:certId`: the file the agent writes, chain then key, and its
 * SHA-256 (hex of the UTF-8 `pem`), which the `balancer.apply` job names.
 */
export const AgentCertificate = z.object({
  id: CertificateId,
  pem: z.string(),
  sha256: Sha256Hex,
});
export type AgentCertificate = z.infer<typeof AgentCertificate>;
