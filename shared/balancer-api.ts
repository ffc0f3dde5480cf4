import { z } from "zod";
import { BalancerModel, BalancerTarget } from "./balancer";

/**
 * What the balancer API answers (issue #16): the revision shapes, the per-field mapping and
 * refusals of each target, and the queries of the revision and render routes.
 */

/** How faithfully a target renders a field: the same behaviour, or the nearest it has. */
export const MappingFidelity = z.enum(["same", "nearest"]);

/** What a target wrote for one field of the model (`backends.0.healthCheck`). */
export const BalancerMappingEntry = z.object({
  path: z.string(),
  renders: z.string(),
  fidelity: MappingFidelity,
  note: z.string().optional(),
});
export type BalancerMappingEntry = z.infer<typeof BalancerMappingEntry>;

/** A field a target cannot render at all: its file says so and leaves it out. */
export const BalancerRefusal = z.object({ path: z.string(), message: z.string() });
export type BalancerRefusal = z.infer<typeof BalancerRefusal>;

const perTarget = <T extends z.ZodType>(schema: T) =>
  z.object({ haproxy: z.array(schema), nginx: z.array(schema) });

/** One stored revision, without its rendered texts (`GET …/balancer/render` has them). */
export const BalancerRevisionSummary = z.object({
  revision: z.number(),
  author: z.string(),
  createdAt: z.number(),
  haproxySha256: z.string(),
  nginxSha256: z.string(),
});
export type BalancerRevisionSummary = z.infer<typeof BalancerRevisionSummary>;

export const BalancerRevision = BalancerRevisionSummary.extend({ model: BalancerModel });
export type BalancerRevision = z.infer<typeof BalancerRevision>;

/** `GET|PUT /api/v1/pools/:poolId/balancer`. `created` only on PUT: false when unchanged. */
export const BalancerAnswer = z.object({
  balancer: BalancerRevision.nullable(),
  created: z.boolean().optional(),
  mapping: perTarget(BalancerMappingEntry),
  refusals: perTarget(BalancerRefusal),
});
export type BalancerAnswer = z.infer<typeof BalancerAnswer>;

/** Unified diffs (3 lines of context) against the revision before; empty when nothing changed. */
export const BalancerRevisionDiff = z.object({
  previousRevision: z.number().nullable(),
  model: z.string(),
  haproxy: z.string(),
  nginx: z.string(),
});
export type BalancerRevisionDiff = z.infer<typeof BalancerRevisionDiff>;

/** `GET /api/v1/pools/:poolId/balancer/revisions/:n`. */
export const BalancerRevisionAnswer = z.object({
  revision: BalancerRevision,
  diff: BalancerRevisionDiff,
});

/** `GET …/balancer/render?target=haproxy&revision=3`; the newest revision without `revision`. */
export const BalancerRenderQuery = z.object({
  target: BalancerTarget,
  revision: z.coerce.number().int().min(1).optional(),
});

/** `GET …/balancer/revisions/:revision`. */
export const BalancerRevisionParam = z.object({
  revision: z.coerce.number().int("must be a revision number").min(1, "must be at least 1"),
});
