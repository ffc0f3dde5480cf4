import { Hono } from "hono";
import { HOSTNAME_HEADER } from "../../shared/agent-socket";
import { SOCKET_TICKET_HEADER, type SocketTicket } from "../coordinator/agent-sockets";
import { type Outcome, unwrap } from "../coordinator/outcome";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

const HOSTNAME_MAX_CHARS = 253;

/**
 * `GET /agent/v1/connect` (Upgrade: websocket): an agent's heartbeats and calls over one
 * hibernatable WebSocket to its pool's coordinator (decision 0023). The secret and protocol are
 * checked as for every agent route (agent.ts); the coordinator checks the rest (current secret,
 * caller address, hostname) exactly as for a heartbeat, with the same codes, before it accepts.
 */
export const agentSocketRoute = new Hono<AppEnv>().get("/connect", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(
      "validation_failed",
      "GET /agent/v1/connect opens a WebSocket: send Upgrade: websocket (or post heartbeats to /agent/v1/heartbeat)",
      undefined,
      426,
    );
  }
  const hostname = c.req.header(HOSTNAME_HEADER)?.trim() ?? "";
  if (hostname === "" || hostname.length > HOSTNAME_MAX_CHARS) {
    throw new ApiError(
      "validation_failed",
      `Send the agent's hostname (1 to ${HOSTNAME_MAX_CHARS} characters) in ${HOSTNAME_HEADER}`,
    );
  }
  const { poolId, caller } = c.get("agent");
  const ticket: SocketTicket = { poolId, caller, hostname };
  const stub = c.env.POOL_COORDINATOR.get(c.env.POOL_COORDINATOR.idFromName(poolId));
  const answer = await stub.fetch(c.req.url, {
    headers: { Upgrade: "websocket", [SOCKET_TICKET_HEADER]: JSON.stringify(ticket) },
  });
  if (answer.status === 101) return answer;
  unwrap((await answer.json()) as Outcome<never>);
  throw new ApiError("internal_error", "The pool's coordinator neither accepted nor refused");
});
