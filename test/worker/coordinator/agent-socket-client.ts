import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { SocketPush, SocketRequest } from "../../../shared/agent-socket";
import { AGENT_IP, BASE, type Enrolled } from "../helpers";

/** An agent's WebSocket in a test: send requests, read what the coordinator sends, in order. */
export interface TestSocket {
  ws: WebSocket;
  /** Sends a request (the id is filled in) and resolves with its reply. */
  request(request: DistributiveOmit<SocketRequest, "id">): Promise<SocketPush & { type: "reply" }>;
  /** The next message that is not a reply (jobs, cancel, interval…). */
  nextPush(): Promise<SocketPush>;
  /** Resolves with the close code once the coordinator closes the socket. */
  closed: Promise<number>;
}

type DistributiveOmit<T, K extends keyof never> = T extends unknown ? Omit<T, K> : never;

/** Opens `GET /agent/v1/connect` as the member's agent would; `headers` override the defaults. */
export function upgrade(enrolled: Enrolled, headers: Record<string, string> = {}) {
  return exports.default.fetch(`${BASE}/agent/v1/connect`, {
    headers: {
      Upgrade: "websocket",
      Authorization: `Bearer ${enrolled.secret}`,
      "CF-Connecting-IP": AGENT_IP,
      "X-Baton-Hostname": enrolled.member.hostname,
      ...headers,
    },
  });
}

export async function connect(enrolled: Enrolled): Promise<TestSocket> {
  const response = await upgrade(enrolled);
  expect(response.status).toBe(101);
  const ws = response.webSocket as WebSocket;
  ws.accept();
  const pushes: SocketPush[] = [];
  const replies = new Map<number, (reply: SocketPush & { type: "reply" }) => void>();
  let wakePush: (() => void) | null = null;
  ws.addEventListener("message", (event) => {
    const push = JSON.parse(event.data as string) as SocketPush;
    if (push.type === "reply") replies.get(push.id)?.(push);
    else {
      pushes.push(push);
      wakePush?.();
    }
  });
  const closed = new Promise<number>((resolve) =>
    ws.addEventListener("close", (event) => resolve(event.code)),
  );
  let nextId = 1;
  return {
    ws,
    closed,
    request(request) {
      const id = nextId++;
      const reply = new Promise<SocketPush & { type: "reply" }>((resolve) =>
        replies.set(id, resolve),
      );
      ws.send(JSON.stringify({ ...request, id }));
      return reply;
    },
    async nextPush() {
      while (pushes.length === 0) await new Promise<void>((resolve) => (wakePush = resolve));
      return pushes.shift() as SocketPush;
    },
  };
}

/** A heartbeat over the socket, as the agent sends it. */
export function socketBeat(
  socket: TestSocket,
  enrolled: Enrolled,
  report: Record<string, unknown> = {},
) {
  return socket.request({
    type: "heartbeat",
    body: { hostname: enrolled.member.hostname, agentVersion: "0.1.0", transport: "ws", ...report },
  });
}
