/**
 * What the agent and the control plane agree on for the managed balancer's apply job
 * (docs/decisions/0027): the job's payload, the certificate answer the agent fetches, and the
 * header comment that names a rendered file's revision. Part of the agent's wire format.
 */
import { z } from "zod";
import { CertificateId } from "./certificates";
import { Sha256Hex } from "./sha256";

/** The largest rendered config a job carries: 512 KiB stays under D1's value limit. */
export const BALANCER_TEXT_MAX_CHARS = 512 * 1024;
/** The most certificates one revision may reference. */
export const BALANCER_CERTIFICATES_MAX = 64;

/**
 * `balancer.apply`: one revision of the pool's managed balancer, rendered for the member's
 * service. No key material: the agent fetches each certificate it lacks by id and checks it
 * against `sha256`. The agent treats every field as untrusted (agent/balancer/).
 */
export const BalancerApplyPayload = z.strictObject({
  target: z.enum(["haproxy", "nginx"]),
  revision: z.number().int().positive(),
  /** Hex SHA-256 of `text` in UTF-8. */
  sha256: Sha256Hex,
  text: z.string().min(1, "must not be empty").max(BALANCER_TEXT_MAX_CHARS),
  certificates: z
    .array(z.strictObject({ id: CertificateId, sha256: Sha256Hex }))
    .max(BALANCER_CERTIFICATES_MAX, `must list at most ${BALANCER_CERTIFICATES_MAX} certificates`),
});
export type BalancerApplyPayload = z.infer<typeof BalancerApplyPayload>;

/**
 * The revision a rendered file's header names, or null. The renderers start the text with
 * `# Baton balancer of pool <name> (<id>), revision N. Managed by Baton…` (balancerHeader in
 * shared/balancer.ts; both daemons read `#` as a comment). The revision comes last so a pool
 * name holding "revision 5" cannot be read for it. Only the first line counts, so a hand edit
 * further down keeps the revision but changes the hash.
 */
export function revisionFromHeader(text: string): number | null {
  const firstLine = text.split("\n", 1)[0] ?? "";
  const match = /^# Baton balancer of pool .*, revision (\d{1,9})\. Managed by Baton/.exec(
    firstLine,
  );
  return match ? Number(match[1]) : null;
}
