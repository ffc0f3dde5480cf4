/**
 * What the agent and the control plane agree on for the managed balancer's apply job
 * (docs/decisions/0027): the job's payload, the certificate answer the agent fetches, and the
 * header comment that names a rendered file's revision. Part of the agent's wire format.
 */
import { z } from "zod";

/** The largest rendered config a job carries: 512 KiB stays under D1's value limit. */
export const BALANCER_TEXT_MAX_CHARS = 512 * 1024;
/** A certificate id as certs mints it (`crt_` + lowercase letters and digits). */
export const CERTIFICATE_ID_PATTERN = /^crt_[a-z0-9]{8,32}$/;
/** The most certificates one revision may reference. */
export const BALANCER_CERTIFICATES_MAX = 64;
/** The largest certificate file (chain and key) the agent accepts. */
export const CERTIFICATE_PEM_MAX_CHARS = 64 * 1024;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");
const certificateId = z
  .string()
  .regex(CERTIFICATE_ID_PATTERN, "must be a certificate id such as crt_0123456789abcdef");

/**
 * `balancer.apply`: one revision of the pool's managed balancer, rendered for the member's
 * service. No key material: the agent fetches each certificate it lacks by id and checks it
 * against `sha256`. The agent treats every field as untrusted (agent/balancer/).
 */
export const BalancerApplyPayload = z.strictObject({
  target: z.enum(["haproxy", "nginx"]),
  revision: z.number().int().positive(),
  /** Hex SHA-256 of `text` in UTF-8. */
  sha256: sha256Hex,
  text: z.string().min(1, "must not be empty").max(BALANCER_TEXT_MAX_CHARS),
  certificates: z
    .array(z.strictObject({ id: certificateId, sha256: sha256Hex }))
    .max(BALANCER_CERTIFICATES_MAX, `must list at most ${BALANCER_CERTIFICATES_MAX} certificates`),
});
export type BalancerApplyPayload = z.infer<typeof BalancerApplyPayload>;

/**
 * Answer of `GET /agent/v1/certificates/:certId`: the chain then the key, and its SHA-256. The
 * same shape as certs' `AgentCertificate` (shared/certificates.ts): written against the contract
 * before certs merged; keep one of the two.
 */
export const AgentCertificateAnswer = z.object({
  id: certificateId,
  pem: z.string().min(1).max(CERTIFICATE_PEM_MAX_CHARS),
  sha256: sha256Hex,
});
export type AgentCertificateAnswer = z.infer<typeof AgentCertificateAnswer>;

/** What the heartbeat says about the managed file on disk (see Heartbeat.balancer). */
export const BalancerOnDisk = z.object({
  revision: z.number().int().positive().nullable(),
  sha256: sha256Hex.nullable(),
});
export type BalancerOnDisk = z.infer<typeof BalancerOnDisk>;

/**
 * The revision a rendered file's header names, or null. The renderers start the text with
 * `# Baton balancer revision N of pool …` (balancerHeader in shared/balancer.ts; both daemons read
 * `#` as a comment); only the first line counts, so a hand edit further down keeps the revision
 * but changes the hash.
 */
export function revisionFromHeader(text: string): number | null {
  const match = /^# Baton balancer revision (\d{1,9}) /.exec(text);
  return match ? Number(match[1]) : null;
}
