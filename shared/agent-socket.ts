import { z } from "zod";
import { HaproxyStatReport } from "./haproxy-stat";
import { Heartbeat } from "./heartbeat";
import { FireSchedule } from "./schedules";

export { Transport } from "./heartbeat";

import { JobAck, JobDelivery, JobResult } from "./jobs";

/**
 * The agent's WebSocket to its pool's coordinator (`GET /agent/v1/connect`, decision 0023): the
 * same calls as the HTTP agent API, as typed messages. The agent sends requests with an `id`;
 * the coordinator answers each with a `reply` carrying that id, and pushes jobs, cancels and
 * interval changes the moment they happen. HTTP heartbeats stay the fallback.
 */

/** The upgrade's path under the control plane's base URL. */
export const CONNECT_PATH = "/agent/v1/connect";
/** The agent's hostname on the upgrade (a heartbeat body carries it on HTTP). */
export const HOSTNAME_HEADER = "X-Baton-Hostname";

/**
 * The keep-alive message and its answer. The coordinator's runtime answers it without waking
 * the object (setWebSocketAutoResponse), so it costs no billed request.
 */
export const SOCKET_PING = '{"type":"ping"}';
export const SOCKET_PONG = '{"type":"pong"}';

/**
 * The largest message either side sends, in bytes (Cloudflare's WebSocket message limit is
 * 1 MiB). A larger HAProxy status table goes over HTTP instead.
 */
export const SOCKET_MESSAGE_MAX_BYTES = 1024 * 1024;

/** Close codes of the coordinator (4000–4999 are the application's). */
export const SOCKET_CLOSE = {
  /** A newer connection of the same member took over. */
  replaced: 4000,
  /** The caller's checks failed (secret rotated, address no longer allowed, member removed). */
  refused: 4001,
  /** The message was not one of the protocol's. */
  badMessage: 4002,
} as const;

const requestId = z.number().int().nonnegative();
const id64 = z.string().min(1).max(64);

/** Agent → coordinator: one request, answered by a `reply` with the same `id`. */
export const SocketRequest = z.discriminatedUnion("type", [
  z.object({ type: z.literal("heartbeat"), id: requestId, body: Heartbeat }),
  z.object({ type: z.literal("job.ack"), id: requestId, jobId: id64, body: JobAck }),
  z.object({ type: z.literal("job.result"), id: requestId, jobId: id64, body: JobResult }),
  z.object({ type: z.literal("haproxy.stat"), id: requestId, body: HaproxyStatReport }),
  z.object({
    type: z.literal("schedule.fire"),
    id: requestId,
    scheduleId: id64,
    body: FireSchedule,
  }),
]);
export type SocketRequest = z.infer<typeof SocketRequest>;

/**
 * A request's envelope as the coordinator reads it first: the body is checked afterwards by
 * the same code the HTTP route runs, so both transports refuse the same bodies the same way.
 */
export const SocketEnvelope = z.object({
  type: z.enum(["heartbeat", "job.ack", "job.result", "haproxy.stat", "schedule.fire"]),
  id: requestId,
  jobId: id64.optional(),
  scheduleId: id64.optional(),
  body: z.unknown(),
});
export type SocketEnvelope = z.infer<typeof SocketEnvelope>;

/** The answer to request `id`: the HTTP route's body, or its error with the HTTP status. */
export const SocketReply = z.discriminatedUnion("ok", [
  z.object({ type: z.literal("reply"), id: requestId, ok: z.literal(true), body: z.unknown() }),
  z.object({
    type: z.literal("reply"),
    id: requestId,
    ok: z.literal(false),
    status: z.number().int(),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type SocketReply = z.infer<typeof SocketReply>;

/** Coordinator → agent: a reply, or news the coordinator pushes unasked. */
export const SocketPush = z.union([
  SocketReply,
  z.discriminatedUnion("type", [
    /** Jobs queued for this member, delivered now instead of on the next heartbeat. */
    z.object({ type: z.literal("jobs"), jobs: z.array(JobDelivery) }),
    /** An operator cancelled this job: do not start it. */
    z.object({ type: z.literal("cancel"), jobId: id64 }),
    /** The heartbeat interval to keep from now on. */
    z.object({ type: z.literal("interval"), intervalMs: z.number().int().positive() }),
    /** Send a heartbeat now (the control plane wants fresh facts). */
    z.object({ type: z.literal("report-now") }),
    z.object({ type: z.literal("pong") }),
  ]),
]);
export type SocketPush = z.infer<typeof SocketPush>;
