import type { BalancerModel } from "../../shared/balancer";
import type { FieldIssue } from "../../shared/errors";
import { certificateExists } from "../certificates/store";
import type { Db } from "../db/client";

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
