import type { CreateJob, JobKind } from "../../shared/jobs";
import type { JobRow } from "../db/schema/jobs";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { policyOf } from "../failover/inputs";
import { admitJob, admitKind } from "../jobs/admission";
import { planCanary, shapeWithCanary } from "./canary-gate";
import { failoverView } from "./commit";
import { refuse } from "./outcome";
import type { PoolState } from "./pool-state";

/**
 * Queues a job for a member of the open pool after its admission checks (kind allowed,
 * restore's backup), for a new job only: an admin's job and a schedule's alike.
 */
export async function queueJob(
  state: PoolState,
  member: MemberRow,
  input: CreateJob,
  actor: string,
) {
  const pool = state.pool as PoolRow;
  const managed = refuseOnManagedPool(state, pool, input);
  if (managed) return managed;
  const admit = () => admitJob(state.db, pool, member, state.members.get(member.id), input);
  const shape = (drafted: JobRow) => withCanary(state, pool, member, input, actor, drafted);
  const queued = await state.jobQueue.enqueue(
    pool.id,
    member,
    input,
    actor,
    state.now(),
    admit,
    shape,
  );
  await state.scheduleAlarm();
  return queued;
}

/** Jobs that write the balancer's config file from something other than a revision. */
const RAW_CONFIG_WRITES: readonly JobKind[] = [
  "haproxy.config.apply",
  "nginx.config.apply",
  "haproxy.restore",
  "nginx.restore",
];

/**
 * `balancer.apply` comes from rollouts only; raw config apply or a restore would overwrite the
 * managed file behind Baton's back, so they are refused until an admin detaches the pool.
 */
function refuseOnManagedPool(state: PoolState, pool: PoolRow, input: CreateJob) {
  if (input.kind === "balancer.apply") {
    return refuse<{ job: JobRow; created: boolean }>(
      "job_not_allowed",
      `balancer.apply is queued by rollouts only: POST /api/v1/pools/${pool.id}/rollouts { "revision": N }`,
    );
  }
  if (RAW_CONFIG_WRITES.includes(input.kind) && state.rollouts.managed()) {
    const live = state.rollouts.live;
    return refuse<{ job: JobRow; created: boolean }>(
      "balancer_managed",
      `${input.kind} would replace the managed config: pool ${pool.name}'s balancer config is managed by Baton${live ? ` (revision ${live.revision} is live)` : ""}; change it with PUT /api/v1/pools/${pool.id}/balancer and a rollout, or have an admin detach it first (POST /api/v1/pools/${pool.id}/balancer/detach)`,
    );
  }
  return null;
}

/** Holds a config change for the active behind a standby canary when it needs one (0018). */
async function withCanary(
  state: PoolState,
  pool: PoolRow,
  member: MemberRow,
  input: CreateJob,
  actor: string,
  drafted: JobRow,
) {
  const now = state.now();
  const plan = await planCanary({
    db: state.db,
    pool,
    member,
    kind: input.kind,
    payload: input.payload,
    force: input.force === true,
    actor,
    view: failoverView(state, now),
    policy: policyOf(pool),
    now,
    rowOf: (id) => state.catalog.get(id),
    unfinished: state.jobQueue.pending(),
    mayRun: (id) => {
      const row = state.catalog.get(id);
      return row ? admitKind(pool, row, state.members.get(id), input.kind).ok : false;
    },
  });
  return shapeWithCanary(plan, drafted, member.name, now);
}
