import { z } from "zod";
import {
  SOCKET_CLOSE,
  SOCKET_MESSAGE_MAX_BYTES,
  SocketEnvelope,
  type SocketPush,
} from "../../shared/agent-socket";
import type { FiredSchedule } from "../../shared/schedules";
import { ApiError } from "../errors";
import { log } from "../log";
import * as agent from "./agent-calls";
import type { AgentCaller } from "./catalog";
import { type Outcome, ok, refuse } from "./outcome";
import type { PoolState } from "./pool-state";

// Agents' WebSockets (decision 0023). The Worker authenticates the upgrade and hands it here as a
// ticket; the coordinator accepts it with the Hibernation API, so the runtime may evict the object
// between messages: who a socket belongs to lives in its attachment, everything else comes back
// from storage and D1 through PoolState.open, with the restart grace of a fresh Hearing.

/** Header the Worker sets on the upgrade it forwards: who the caller is, as it resolved them. */
export const SOCKET_TICKET_HEADER = "X-Baton-Socket-Ticket";

export const SocketTicket = z.object({
  poolId: z.string(),
  caller: z.object({ memberId: z.string(), secretHash: z.string(), ip: z.string() }),
  hostname: z.string(),
});
export type SocketTicket = z.infer<typeof SocketTicket>;

/** What a socket carries through hibernation (serializeAttachment). */
export interface SocketAttachment extends AgentCaller {
  poolId: string;
  connectedAt: number;
}

/** Refusals after which the socket is closed: the agent must reconnect (and be checked) again. */
const CLOSING_REFUSALS = new Set(["bad_secret", "ip_not_allowed", "hostname_mismatch"]);

/**
 * The upgrade the Worker forwarded: the caller's checks and the hostname, exactly as for an HTTP
 * heartbeat; then the socket is accepted, tagged with the member's id, and replaces any older
 * socket of the same member. A refusal answers with the Outcome as JSON for the Worker to unwrap.
 */
export async function acceptAgentSocket(
  ctx: DurableObjectState,
  state: PoolState,
  request: Request,
): Promise<Response> {
  const ticket = SocketTicket.safeParse(parseJson(request.headers.get(SOCKET_TICKET_HEADER)));
  if (!ticket.success) return Response.json(refuse("internal_error", "Missing socket ticket"));
  const { poolId, caller, hostname } = ticket.data;
  const admitted = await state.withAgent(
    poolId,
    caller,
    { checkIp: true },
    (row) => agent.hostnameMismatch(row, hostname) ?? ok(row),
  );
  if (!admitted.ok) return Response.json(admitted);
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  for (const older of ctx.getWebSockets(caller.memberId)) {
    older.close(SOCKET_CLOSE.replaced, "a newer connection of this member took over");
  }
  ctx.acceptWebSocket(server, [caller.memberId]);
  const attachment: SocketAttachment = { ...caller, poolId, connectedAt: state.now() };
  server.serializeAttachment(attachment);
  send(server, { type: "interval", intervalMs: state.heartbeatIntervalMs });
  return new Response(null, { status: 101, webSocket: client });
}

/**
 * One request from an agent: the same call the HTTP route makes, answered with a `reply`.
 * Resolves with whether the call may have made jobs due (a result releasing held jobs, a fire).
 */
export async function onAgentMessage(
  state: PoolState,
  ws: WebSocket,
  message: string | ArrayBuffer,
): Promise<boolean> {
  const attachment = ws.deserializeAttachment() as SocketAttachment | null;
  const envelope = typeof message === "string" ? readEnvelope(message) : null;
  if (!attachment || !envelope) {
    ws.close(SOCKET_CLOSE.badMessage, "not a Baton agent message");
    return false;
  }
  const { poolId, connectedAt: _, ...caller } = attachment;
  const outcome = await dispatch(state, poolId, caller, envelope);
  send(ws, replyTo(envelope.id, outcome));
  if (!outcome.ok && CLOSING_REFUSALS.has(outcome.code)) {
    ws.close(SOCKET_CLOSE.refused, outcome.code);
  }
  return envelope.type === "job.result" || envelope.type === "schedule.fire";
}

/** Sends `push` on every open socket of `memberId`; false when the member has none. */
export function pushTo(ctx: DurableObjectState, memberId: string, push: SocketPush): boolean {
  const sockets = ctx.getWebSockets(memberId);
  for (const ws of sockets) send(ws, push);
  return sockets.length > 0;
}

/**
 * Delivers due jobs to every member with an open socket at once, instead of on its next
 * heartbeat; marked delivered as a heartbeat's would be (an unacknowledged one is redelivered).
 */
export function pushDueJobs(ctx: DurableObjectState, state: PoolState): Promise<void> {
  return state.queue.run(async () => {
    if (!state.pool) return;
    const now = state.now();
    for (const ws of ctx.getWebSockets()) {
      const memberId = ctx.getTags(ws)[0];
      if (!memberId) continue;
      const { deliveries, writes } = state.jobQueue.deliver(memberId, now);
      if (deliveries.length === 0) continue;
      await state.write(writes);
      send(ws, { type: "jobs", jobs: deliveries });
    }
  });
}

function dispatch(
  state: PoolState,
  poolId: string,
  caller: AgentCaller,
  envelope: SocketEnvelope,
): Promise<Outcome<unknown>> {
  const body = { json: envelope.body };
  const jobId = envelope.jobId ?? "";
  switch (envelope.type) {
    case "heartbeat":
      return agent.heartbeat(state, poolId, caller, body);
    case "job.ack":
      return jobStatus(agent.ackJob(state, poolId, caller, jobId, body));
    case "job.result":
      return jobStatus(agent.reportJobResult(state, poolId, caller, jobId, body));
    case "haproxy.stat":
      return agent.reportHaproxyStat(state, poolId, caller, body);
    case "schedule.fire":
      return fired(agent.fireSchedule(state, poolId, caller, envelope.scheduleId ?? "", body));
  }
}

// The same answer bodies as the HTTP routes (worker/routes/agent.ts).
async function jobStatus(
  pending: Promise<Outcome<{ id: string; status: string }>>,
): Promise<Outcome<unknown>> {
  const outcome = await pending;
  return outcome.ok ? ok({ job: { id: outcome.value.id, status: outcome.value.status } }) : outcome;
}

async function fired(
  pending: ReturnType<typeof agent.fireSchedule>,
): Promise<Outcome<FiredSchedule>> {
  const outcome = await pending;
  if (!outcome.ok) return outcome;
  const { job } = outcome.value;
  return ok({ job: { id: job.id, kind: job.kind, status: job.status } } as FiredSchedule);
}

function replyTo(id: number, outcome: Outcome<unknown>): SocketPush {
  if (outcome.ok) return { type: "reply", id, ok: true, body: outcome.value ?? null };
  const status = new ApiError(outcome.code, outcome.message).status;
  return {
    type: "reply",
    id,
    ok: false,
    status,
    error: { code: outcome.code, message: outcome.message },
  };
}

function readEnvelope(text: string): SocketEnvelope | null {
  if (text.length > SOCKET_MESSAGE_MAX_BYTES) return null;
  const parsed = SocketEnvelope.safeParse(parseJson(text));
  return parsed.success ? parsed.data : null;
}

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

function send(ws: WebSocket, push: SocketPush): void {
  try {
    ws.send(JSON.stringify(push));
  } catch (error) {
    // A socket closing meanwhile: the agent reconnects, and its heartbeat brings what it missed.
    log("warn", { msg: "agent socket send failed", error: String(error) });
  }
}
