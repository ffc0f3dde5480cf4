import { z } from "zod";
import { JobDelivery } from "./jobs";
import { refuseHiddenCharacters } from "./names";
import { JobSchedule } from "./schedules";

/** A service's state as its service manager reports it (systemd's ActiveState vocabulary). */
export const ServiceActiveState = z.enum([
  "active",
  "inactive",
  "failed",
  "activating",
  "deactivating",
  "reloading",
  "unknown",
]);
export type ServiceActiveState = z.infer<typeof ServiceActiveState>;

export const ServiceReport = z.object({
  installed: z.boolean(),
  activeState: ServiceActiveState,
  subState: z.string().max(64).optional(),
  version: z.string().max(64).optional(),
  /** When the service entered its current state, epoch ms. */
  since: z.number().int().nonnegative().optional(),
});
export type ServiceReport = z.infer<typeof ServiceReport>;

export const MonitoredService = z.enum(["haproxy", "nginx"]);
export type MonitoredService = z.infer<typeof MonitoredService>;

const count = z.number().int().nonnegative();

/** A summary of HAProxy's runtime API (`show info`, `show stat`) small enough for each beat. */
export const HaproxySummary = z.object({
  version: z.string().max(64).optional(),
  uptimeS: count.optional(),
  currentConnections: count.optional(),
  sessionRate: count.optional(),
  backends: z
    .array(
      z.object({
        name: z.string().max(128),
        status: z.string().max(32),
        serversUp: count,
        serversTotal: count,
        currentSessions: count,
      }),
    )
    .max(256)
    .optional(),
});
export type HaproxySummary = z.infer<typeof HaproxySummary>;

/** nginx's `stub_status` counters, when the agent has a status URL configured. */
export const NginxStatus = z.object({
  activeConnections: count,
  accepts: count,
  handled: count,
  requests: count,
  reading: count,
  writing: count,
  waiting: count,
});
export type NginxStatus = z.infer<typeof NginxStatus>;

export const HostMetrics = z.object({
  cpuPercent: z.number().min(0).max(100),
  memUsedBytes: count,
  memTotalBytes: count,
  load1: z.number().nonnegative(),
  load5: z.number().nonnegative().optional(),
  load15: z.number().nonnegative().optional(),
  diskUsedBytes: count.optional(),
  diskTotalBytes: count.optional(),
  netRxBytesPerS: z.number().nonnegative().optional(),
  netTxBytesPerS: z.number().nonnegative().optional(),
  uptimeS: count.optional(),
});
export type HostMetrics = z.infer<typeof HostMetrics>;

/**
 * The agent's request through its own frontend (BATON_PROBE_URL): `ok` when the balancer
 * answered below 500. A member whose probe fails would not serve the traffic DNS sends it.
 */
export const ServeProbe = z.object({
  url: z.string().max(2048),
  ok: z.boolean(),
  status: z.number().int().min(0).max(999).optional(),
  ms: count,
  error: z.string().max(200).optional(),
});
export type ServeProbe = z.infer<typeof ServeProbe>;

/** What the heartbeat says about the managed file on disk (Heartbeat.balancer). */
export const BalancerOnDisk = z.object({
  revision: z.number().int().positive().nullable(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters")
    .nullable(),
});
export type BalancerOnDisk = z.infer<typeof BalancerOnDisk>;

/**
 * The largest heartbeat round-trip an agent reports, in ms. The agent's request timeout (10 s)
 * keeps real values far below; agents clamp to it so a stalled beat can never get the next one
 * refused.
 */
export const HEARTBEAT_RTT_MAX_MS = 60_000;

/** Which way an agent's heartbeats travel (decision 0023); the member page shows it. */
export const Transport = z.enum(["ws", "http"]);
export type Transport = z.infer<typeof Transport>;

/**
 * Body of `POST /agent/v1/heartbeat`. Only `hostname` and `agentVersion` are required; each
 * probe section is sent when the agent has it.
 */
export const Heartbeat = z.object({
  hostname: z.string().min(1).max(253).superRefine(refuseHiddenCharacters),
  agentVersion: z.string().min(1).max(64).superRefine(refuseHiddenCharacters),
  services: z.partialRecord(MonitoredService, ServiceReport).optional(),
  haproxy: HaproxySummary.optional(),
  nginx: NginxStatus.optional(),
  host: HostMetrics.optional(),
  publicIp: z.ipv4().optional(),
  probe: ServeProbe.optional(),
  /**
   * The managed balancer file on disk now: its revision (from its header comment, null when the
   * header is gone) and the SHA-256 of its bytes, so a hand edit shows as drift. Absent when the
   * agent finds no config file, or from agents older than the field.
   */
  balancer: BalancerOnDisk.optional(),
  runningJob: z.object({ id: z.string().max(64), startedAt: count }).optional(),
  /**
   * Round-trip of this agent's previous accepted heartbeat (request sent → answer read, on a
   * monotonic clock), whole ms. Absent on the first beat, after a failed one, and from agents
   * older than the field.
   */
  rttMs: count.max(HEARTBEAT_RTT_MAX_MS).optional(),
  /** How this beat travelled: over the WebSocket or as an HTTP request (older agents: absent). */
  transport: Transport.optional(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const HeartbeatResponse = z.object({
  jobs: z.array(JobDelivery),
  intervalMs: z.number().int().positive(),
  serverTime: z.number().int(),
  /** The member's scheduled jobs; the agent re-arms its timers when the list changes. */
  schedules: z.array(JobSchedule).default([]),
  /** Sections the control plane wants sent out of band, now. */
  wants: z
    .object({
      /** Post the full `show stat` table to `/agent/v1/haproxy/stat`. */
      haproxyStat: z.boolean().default(false),
    })
    .default({ haproxyStat: false }),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

/** Answer of `GET /agent/v1/whoami`: the caller's address as the control plane sees it. */
export const Whoami = z.object({
  ip: z.string(),
  memberId: z.string(),
  hostname: z.string(),
  ipAllowed: z.boolean(),
});
export type Whoami = z.infer<typeof Whoami>;
