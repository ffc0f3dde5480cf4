import { z } from "zod";
import { BalancerApplyPayload } from "./balancer-apply";
import { OUTPUT_TAIL_MAX_CHARS } from "./protocol";

const MINUTE_MS = 60_000;

/** A job payload: a JSON object, checked against its kind's schema. */
export const JobPayload = z.record(z.string(), z.json());
export type JobPayload = z.infer<typeof JobPayload>;
const noPayload = z.strictObject({});
const backendName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be an HAProxy backend name");
const serverName = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "must be an HAProxy server name");
const backupRef = z.strictObject({ backupId: z.string().min(1).max(64) });
const configText = z.strictObject({
  config: z
    .string()
    .min(1, "must not be empty")
    // 512 Ki characters stays under D1's 2 MB value limit even for multi-byte text.
    .max(512 * 1024, "must be at most 512 KiB"),
});
const serverSelector = z.strictObject({
  backend: backendName,
  /** One server of the backend; absent means every server of it. */
  server: serverName.optional(),
});

/**
 * The closed job catalog. A kind's payload schema is strict, `timeoutMs` bounds one run on the
 * agent, and `service` names the service the job needs on the VM (null: none).
 */
export const JOB_CATALOG = {
  "haproxy.install": { payload: noPayload, timeoutMs: 10 * MINUTE_MS, service: "haproxy" },
  "haproxy.reload": { payload: noPayload, timeoutMs: MINUTE_MS, service: "haproxy" },
  "haproxy.start": { payload: noPayload, timeoutMs: MINUTE_MS, service: "haproxy" },
  "haproxy.restart": { payload: noPayload, timeoutMs: MINUTE_MS, service: "haproxy" },
  "haproxy.backup": { payload: noPayload, timeoutMs: 2 * MINUTE_MS, service: "haproxy" },
  "haproxy.restore": { payload: backupRef, timeoutMs: 2 * MINUTE_MS, service: "haproxy" },
  "haproxy.drain": { payload: serverSelector, timeoutMs: MINUTE_MS, service: "haproxy" },
  "haproxy.ready": { payload: serverSelector, timeoutMs: MINUTE_MS, service: "haproxy" },
  "haproxy.config.apply": { payload: configText, timeoutMs: 2 * MINUTE_MS, service: "haproxy" },
  "nginx.install": { payload: noPayload, timeoutMs: 10 * MINUTE_MS, service: "nginx" },
  "nginx.reload": { payload: noPayload, timeoutMs: MINUTE_MS, service: "nginx" },
  "nginx.start": { payload: noPayload, timeoutMs: MINUTE_MS, service: "nginx" },
  "nginx.restart": { payload: noPayload, timeoutMs: MINUTE_MS, service: "nginx" },
  "nginx.backup": { payload: noPayload, timeoutMs: 2 * MINUTE_MS, service: "nginx" },
  "nginx.restore": { payload: backupRef, timeoutMs: 2 * MINUTE_MS, service: "nginx" },
  "nginx.config.apply": { payload: configText, timeoutMs: 2 * MINUTE_MS, service: "nginx" },
  // The service is the payload's `target`: rollouts queue it for the pool's profile only.
  "balancer.apply": { payload: BalancerApplyPayload, timeoutMs: 2 * MINUTE_MS, service: null },
  "agent.update": {
    payload: z.strictObject({
      version: z.string().regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "must be a semantic version"),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters"),
    }),
    timeoutMs: 5 * MINUTE_MS,
    service: null,
  },
} as const;

export type JobKind = keyof typeof JOB_CATALOG;
export const JOB_KINDS = Object.keys(JOB_CATALOG) as [JobKind, ...JobKind[]];
export const JobKind = z.enum(JOB_KINDS);

/**
 * The least role that may queue each kind: admin for what changes the files or code a VM runs
 * as root (raw config apply, restore, install, agent update), operator for the rest.
 */
export const JOB_ROLE: Record<JobKind, "operator" | "admin"> = {
  "haproxy.install": "admin",
  "haproxy.reload": "operator",
  "haproxy.start": "operator",
  "haproxy.restart": "operator",
  "haproxy.backup": "operator",
  "haproxy.restore": "admin",
  "haproxy.drain": "operator",
  "haproxy.ready": "operator",
  "haproxy.config.apply": "admin",
  "nginx.install": "admin",
  "nginx.reload": "operator",
  "nginx.start": "operator",
  "nginx.restart": "operator",
  "nginx.backup": "operator",
  "nginx.restore": "admin",
  "nginx.config.apply": "admin",
  // Operators edit the managed balancer and roll it out (DESIGN.md): the text is rendered by the
  // control plane from the model, never typed in, and only rollouts queue this kind.
  "balancer.apply": "operator",
  "agent.update": "admin",
};

export const JobStatus = z.enum([
  /** Waiting for its canary on a standby (CANARY_KINDS queued for the active). */
  "held",
  "queued",
  "delivered",
  "running",
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
]);
export type JobStatus = z.infer<typeof JobStatus>;
export const FINISHED_JOB_STATUSES: readonly JobStatus[] = [
  "succeeded",
  "failed",
  "timed_out",
  "cancelled",
];

/**
 * The kinds that change the configuration a balancer runs. One of these queued for the pool's
 * active member runs there only after the same kind and payload succeeded on a standby (a
 * canary), unless the request says `force: true` or no other member is online.
 */
export const CANARY_KINDS: readonly JobKind[] = [
  "haproxy.config.apply",
  "nginx.config.apply",
  "haproxy.restore",
  "nginx.restore",
];

/** Bounds of how long a job may wait for its member before it times out. */
export const JOB_DEADLINE_S = { min: 10, max: 7 * 24 * 3600, default: 3600 } as const;

/**
 * Body of `POST /api/v1/members/:memberId/jobs`. The payload is checked against the kind's
 * schema by `parseJobPayload`, so its errors name the payload's fields.
 */
export const CreateJob = z.strictObject({
  kind: JobKind,
  payload: JobPayload.default({}),
  idempotencyKey: z.string().trim().min(1).max(128).optional(),
  deadlineS: z
    .number()
    .int()
    .min(JOB_DEADLINE_S.min)
    .max(JOB_DEADLINE_S.max)
    .default(JOB_DEADLINE_S.default),
  /** Skip the standby canary for a config change queued for the active (see CANARY_KINDS). */
  force: z.boolean().optional(),
});
export type CreateJob = z.infer<typeof CreateJob>;

/** Validates a job payload against its kind's schema. */
export function parseJobPayload(kind: JobKind, payload: unknown) {
  return JOB_CATALOG[kind].payload.safeParse(payload);
}

export const JobListQuery = z.object({
  status: z
    .string()
    .transform((value) => value.split(","))
    .pipe(z.array(JobStatus))
    .optional(),
});

export const Job = z.object({
  id: z.string(),
  poolId: z.string(),
  memberId: z.string(),
  kind: JobKind,
  payload: JobPayload,
  status: JobStatus,
  idempotencyKey: z.string().nullable(),
  createdAt: z.number(),
  deadlineAt: z.number(),
  deliveredAt: z.number().nullable(),
  deliveryCount: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  exitCode: z.number().nullable(),
  outputTail: z.string().nullable(),
  createdBy: z.string(),
  /** SHA-256 of kind and payload for CANARY_KINDS (what a canary proves), else null. */
  contentHash: z.string().nullable(),
  /** The canary job this job waits (or waited) for, or, on a canary, the job it guards. */
  canaryJobId: z.string().nullable(),
  /** One line on the canary: "waiting for canary job_… on edge-b", "no canary: …". */
  canaryNote: z.string().nullable(),
});
export type Job = z.infer<typeof Job>;

/** A job as an agent receives it in a heartbeat response. */
export const JobDelivery = z.object({
  id: z.string(),
  kind: JobKind,
  payload: JobPayload,
  timeoutMs: z.number(),
  deadlineAt: z.number(),
  attempt: z.number(),
});
export type JobDelivery = z.infer<typeof JobDelivery>;

/** Body of `POST /agent/v1/jobs/:id/ack`: the agent is starting the job now. */
export const JobAck = z.strictObject({ startedAt: z.number().int().nonnegative().optional() });
export type JobAck = z.infer<typeof JobAck>;

/** Body of `POST /agent/v1/jobs/:id/result`. */
export const JobResult = z
  .strictObject({
    status: z.enum(["succeeded", "failed"]),
    exitCode: z.number().int().nullable(),
    outputTail: z
      .string()
      .max(
        OUTPUT_TAIL_MAX_CHARS,
        `must be at most ${OUTPUT_TAIL_MAX_CHARS} characters: send the tail`,
      )
      .default(""),
    startedAt: z.number().int().nonnegative(),
    finishedAt: z.number().int().nonnegative(),
  })
  .refine((result) => result.finishedAt >= result.startedAt, {
    path: ["finishedAt"],
    message: "must not be before startedAt: a job cannot finish before it starts",
  });
export type JobResult = z.infer<typeof JobResult>;

/**
 * One row of `GET /api/v1/members/:memberId/job-kinds`: whether the member may run `kind` now
 * (the pool's profile, and for generic pools the services its agent reports installed) and,
 * when not, why and what to do.
 */
export const JobKindAvailability = z.object({
  kind: JobKind,
  allowed: z.boolean(),
  reason: z.string().optional(),
});
export type JobKindAvailability = z.infer<typeof JobKindAvailability>;
