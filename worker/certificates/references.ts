import type { Db } from "../db/client";

/**
 * The balancer revisions of the pool whose model names the certificate, which must not lose it
 * (a rollout or a rollback would write a config pointing at a missing file).
 *
 * HOOK for the balancer model (issue #16 part A, worker/balancer/revisions.ts): the
 * `balancer_revisions` table does not exist on this branch yet. Once it does, answer the
 * revision numbers whose model has a bind with this `certificateId` (the latest revision and the
 * live one at least). Until then no revision can reference a certificate.
 */
export async function revisionsUsingCertificate(
  _db: Db,
  _poolId: string,
  _certId: string,
): Promise<number[]> {
  return [];
}
