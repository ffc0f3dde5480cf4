import { z } from "zod";

/** Every event type Baton records: audit of changes and state transitions it observed. */
export const EVENT_TYPES = [
  "pool.created",
  "pool.updated",
  "pool.deleted",
  "member.enrolled",
  "member.updated",
  "member.secret_rotated",
  "member.removed",
  "member.online",
  "member.offline",
  "member.service_changed",
  "job.queued",
  "job.cancelled",
  "job.succeeded",
  "job.failed",
  "job.timed_out",
  "token.created",
  "token.revoked",
  "failover.promoted",
  "failover.no_ready_standby",
  "failover.paused",
  "failover.resumed",
  "member.drained",
  "member.undrained",
  "dns.updated",
  "dns.error",
  "dns.recovered",
  "dns.drift_repaired",
  "dns.account_saved",
  "dns.account_removed",
  "backup.stored",
  "backup.deleted",
  "member.schedules_updated",
  "user.created",
  "user.updated",
  "user.deleted",
  "balancer.revised",
  "certificate.uploaded",
  "certificate.deleted",
  "certificate.expiring",
  "certificate.expired",
  "rollout.started",
  "rollout.succeeded",
  "rollout.failed",
  "rollout.aborted",
  "balancer.drift",
  "balancer.detached",
  "balancer.settings_updated",
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

/** `?type=member.online,member.offline` filters by exact type; `?type=member.*` by prefix. */
export const EventListQuery = z.object({
  type: z
    .string()
    .transform((value) => value.split(","))
    .pipe(
      z.array(
        z
          .string()
          .refine(
            (type) =>
              (EVENT_TYPES as readonly string[]).includes(type) || /^[a-z]+\.\*$/.test(type),
            "must be an event type such as member.online, or a prefix such as member.*",
          ),
      ),
    )
    .optional(),
});

export const Event = z.object({
  id: z.string(),
  poolId: z.string().nullable(),
  memberId: z.string().nullable(),
  type: EventType,
  /**
   * Who caused it: `system` (the coordinator), `bootstrap`, `token:<id>`, `user:<id>` (a
   * dashboard user), `agent:<memberId>`.
   */
  actor: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.number(),
});
export type Event = z.infer<typeof Event>;
