/**
 * Rollouts of the managed balancer (issue #16 part C, docs/decisions/0027): applying one
 * revision member by member, standbys first and the active last, and the pool's parity setting.
 */
import { z } from "zod";

export const RolloutStrategy = z.enum(["rolling", "parallel"]);
export type RolloutStrategy = z.infer<typeof RolloutStrategy>;

/**
 * Body of `POST /api/v1/pools/:poolId/rollouts`. `force` starts even when members are offline:
 * their steps are skipped instead of the rollout being refused. A skipped member keeps what it
 * runs (not ready under parity); one that never had a managed revision gets the live one when
 * it is heard again (scale-out).
 */
export const CreateRollout = z.strictObject({
  revision: z.number().int().positive(),
  strategy: RolloutStrategy.default("rolling"),
  force: z.boolean().default(false),
});
export type CreateRollout = z.infer<typeof CreateRollout>;

/**
 * `rollout`: an operator's; `sync`: the live revision sent to a member that never had one;
 * `repair`: the live revision put back on one member (`POST /members/:id/balancer/reapply`),
 * say after its file was edited by hand (drift).
 */
export const RolloutKind = z.enum(["rollout", "sync", "repair"]);
export type RolloutKind = z.infer<typeof RolloutKind>;

export const RolloutStatus = z.enum(["running", "succeeded", "failed", "aborted"]);
export type RolloutStatus = z.infer<typeof RolloutStatus>;

export const RolloutStepStatus = z.enum(["pending", "running", "succeeded", "failed", "skipped"]);
export type RolloutStepStatus = z.infer<typeof RolloutStepStatus>;

export const RolloutStep = z.object({
  position: z.number().int(),
  memberId: z.string(),
  memberName: z.string(),
  /** The member's role when the rollout started. */
  role: z.enum(["standby", "active"]),
  status: RolloutStepStatus,
  jobId: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  /** What happened, in one line: the job's reason on failure, why it was skipped. */
  note: z.string().nullable(),
});
export type RolloutStep = z.infer<typeof RolloutStep>;

export const Rollout = z.object({
  id: z.string(),
  poolId: z.string(),
  kind: RolloutKind,
  revision: z.number().int(),
  target: z.enum(["haproxy", "nginx"]),
  sha256: z.string(),
  strategy: RolloutStrategy,
  status: RolloutStatus,
  createdBy: z.string(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  /** Why it stopped, when it did not succeed. */
  reason: z.string().nullable(),
  steps: z.array(RolloutStep),
});
export type Rollout = z.infer<typeof Rollout>;

/**
 * Body of `PUT /api/v1/pools/:poolId/balancer/parity`: whether a standby on another revision
 * than the active is not ready. null: the default, on once a managed revision is live.
 */
export const PutConfigParity = z.strictObject({ requireConfigParity: z.boolean().nullable() });
export type PutConfigParity = z.infer<typeof PutConfigParity>;

/** The pool's managed-balancer state: `GET /api/v1/pools/:poolId/balancer/state`. */
export const BalancerState = z.object({
  managed: z.boolean(),
  /** The revision the last completed rollout applied; null before the first. */
  liveRevision: z.number().nullable(),
  requireConfigParity: z.boolean().nullable(),
  /** Whether parity is enforced now (the setting, or its default). */
  parityEnforced: z.boolean(),
});
export type BalancerState = z.infer<typeof BalancerState>;
