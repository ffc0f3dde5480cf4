import { BALANCER_TEXT_MAX_BYTES, type BalancerModel } from "../../shared/balancer";
import { formatCap } from "../../shared/limits";
import type { Db } from "../db/client";
import type { PoolRow } from "../db/schema/pools";
import { ApiError } from "../errors";
import { unknownCertificates } from "./certificate-refs";
import { type Renderings, renderAll } from "./preview";

/**
 * Checks a valid model against its pool before it becomes a revision: its certificates exist
 * in the pool, each rendered file fits the job that applies it, and the pool's own balancer
 * (its profile) can render every field. Returns the renderings for the answer's mapping.
 */
export async function admitModel(
  db: Db,
  pool: Pick<PoolRow, "id" | "name" | "profile">,
  model: BalancerModel,
): Promise<Renderings> {
  const missing = await unknownCertificates(db, pool.id, model);
  if (missing.length > 0) {
    const summary = missing.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
    throw new ApiError("validation_failed", `Invalid body: ${summary}`, missing);
  }
  // The largest revision number: the text saved later is never longer than the one checked.
  const meta = { poolId: pool.id, poolName: pool.name, revision: Number.MAX_SAFE_INTEGER };
  const renderings = renderAll(model, meta);
  for (const [target, rendered] of Object.entries(renderings)) {
    const bytes = new TextEncoder().encode(rendered.text).byteLength;
    if (bytes > BALANCER_TEXT_MAX_BYTES) {
      throw new ApiError(
        "payload_too_large",
        `The ${target} configuration would be ${Math.ceil(bytes / 1024)} KiB; at most ${formatCap(BALANCER_TEXT_MAX_BYTES)} fit in the job that applies it: split the pool or use fewer routes and servers`,
      );
    }
  }
  if (pool.profile === "haproxy" || pool.profile === "nginx") {
    const refusals = renderings[pool.profile].refusals;
    if (refusals.length > 0) {
      const summary = refusals.map((refusal) => `${refusal.path}: ${refusal.message}`).join("; ");
      throw new ApiError(
        "balancer_unsupported",
        `This pool runs ${pool.profile}, which cannot do all of this model: ${summary}`,
        refusals,
      );
    }
  }
  return renderings;
}
