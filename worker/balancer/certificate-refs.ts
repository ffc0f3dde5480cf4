import type { BalancerModel } from "../../shared/balancer";
import type { FieldIssue } from "../../shared/errors";
import type { Db } from "../db/client";

/**
 * TODO(certs): replace with `certificateExists` from worker/certificates/store.ts once the certs
 * branch is merged (balancer contract). Until then every well-formed id is taken as existing.
 */
async function certificateExists(_db: Db, _poolId: string, _certId: string): Promise<boolean> {
  return true;
}

/** The binds naming a certificate the pool does not have, as field issues. */
export async function unknownCertificates(
  db: Db,
  poolId: string,
  model: BalancerModel,
): Promise<FieldIssue[]> {
  const issues: FieldIssue[] = [];
  for (const [f, frontend] of model.frontends.entries()) {
    for (const [b, bind] of frontend.binds.entries()) {
      if (!bind.tls) continue;
      if (await certificateExists(db, poolId, bind.tls.certificateId)) continue;
      issues.push({
        path: `frontends.${f}.binds.${b}.tls.certificateId`,
        message: `names no certificate of this pool (${bind.tls.certificateId}); upload it first with POST /api/v1/pools/${poolId}/certificates`,
      });
    }
  }
  return issues;
}
