import type { BalancerModel } from "../../shared/balancer";
import { newestRevision } from "../balancer/revisions";
import type { Db } from "../db/client";

/** Whether a bind of `model` serves TLS with the certificate `certId`. */
export function modelUsesCertificate(model: BalancerModel, certId: string): boolean {
  return model.frontends.some((frontend) =>
    frontend.binds.some((bind) => bind.tls?.certificateId === certId),
  );
}

/**
 * The balancer revisions of the pool that must keep the certificate: the newest one (what the
 * next rollout applies) when its model names it. Older revisions do not hold a certificate back,
 * so a renewed certificate can replace the old one; rolling back to a revision whose certificate
 * is gone fails on the first member, before it is applied.
 */
export async function revisionsUsingCertificate(
  db: Db,
  poolId: string,
  certId: string,
): Promise<number[]> {
  const newest = await newestRevision(db, poolId);
  return newest && modelUsesCertificate(newest.model, certId) ? [newest.revision] : [];
}
