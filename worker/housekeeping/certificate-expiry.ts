import { poolsWithExpiryDue } from "../certificates/expiry";
import { coordinatorFor } from "../coordinator/client";
import type { Db } from "../db/client";
import { log } from "../log";

/**
 * The cron's certificate expiry check: finds the pools with a notice due (14 days before a
 * certificate's end, and at its end) and has each pool's coordinator raise them, so they become
 * events and webhook alerts like any other. Each notice is raised once: the coordinator marks it
 * in the batch that saves its event. Most runs find nothing and cost one indexed query.
 */
export async function checkCertificateExpiry(db: Db, env: Env, now: number) {
  const poolIds = await poolsWithExpiryDue(db, now);
  let notices = 0;
  for (const poolId of poolIds) {
    try {
      notices += await coordinatorFor(env, poolId).certificateExpiry(poolId, now);
    } catch (error) {
      // One pool's failure must not hold back the others; the next run tries again.
      log("error", { msg: "certificate expiry check failed", poolId, error: String(error) });
    }
  }
  return { certificatePools: poolIds.length, certificateNotices: notices };
}
