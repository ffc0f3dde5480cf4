// AgentTransport (agent/transport/) against a fake control plane on loopback that can refuse
// upgrades, accept them, or accept and then never answer (a half-open socket): the agent falls
// back to HTTP by itself without losing a beat, and tries the WebSocket again later.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import { ControlPlaneClient, Refused } from "../../../agent/control-plane";
import { createLogger } from "../../../agent/log";
import {
  AgentTransport,
  SOCKET_FAILURES_BEFORE_FALLBACK,
} from "../../../agent/transport/transport";

type Upgrades = "refuse" | "accept" | "silent" | "bad_secret" | "down";
/** "lost": requests on the first HTTP connection are never answered (a blip ate them). */
type Requests = "answer" | "lost";

const answer = () => ({ jobs: [], intervalMs: 1_000, serverTime: Date.now() });
const report = { hostname: "edge-1", agentVersion: "1.0.0" };

let server: Server;
let upgrades: Upgrades;
let requests: Requests;
let connections: number;
/** The first connection an HTTP request came on. */
let lostOn: Socket | undefined;
let upgradeAttempts: number;
let httpBeats: { transport?: string }[];
let socketBeats: number;
let lines: Record<string, unknown>[];
let clock: number;

function fakeControlPlane(): Promise<string> {
  const wss = new WebSocketServer({ noServer: true });
  server = createServer((request, response) => {
    lostOn ??= request.socket;
    if (requests === "lost" && request.socket === lostOn) return;
    if (upgrades === "bad_secret") {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { code: "bad_secret", message: "rotate", requestId: "r" } }),
      );
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (upgrades === "down") {
        response.writeHead(503).end();
        return;
      }
      httpBeats.push(JSON.parse(body));
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(answer()));
    });
  });
  server.on("connection", () => {
    connections += 1;
  });
  server.on("upgrade", (request: IncomingMessage, socket, head) => {
    upgradeAttempts += 1;
    if (upgrades === "down") {
      socket.destroy();
    } else if (upgrades === "refuse") {
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
    } else if (upgrades === "bad_secret") {
      const body = JSON.stringify({
        error: { code: "bad_secret", message: "rotate", requestId: "r" },
      });
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-length: ${body.length}\r\n\r\n${body}`);
    } else {
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.on("message", (data) => {
          if (upgrades === "silent") return;
          socketBeats += 1;
          const { id } = JSON.parse(data.toString("utf8"));
          ws.send(JSON.stringify({ type: "reply", id, ok: true, body: answer() }));
        });
      });
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

let transport: AgentTransport;
let http: ControlPlaneClient;

beforeEach(async () => {
  upgrades = "accept";
  requests = "answer";
  connections = 0;
  lostOn = undefined;
  upgradeAttempts = 0;
  httpBeats = [];
  socketBeats = 0;
  lines = [];
  clock = 1_000_000;
  const url = await fakeControlPlane();
  http = new ControlPlaneClient({ url, token: "t".repeat(48), version: "1.0.0" });
  transport = new AgentTransport({
    http,
    url,
    token: "t".repeat(48),
    version: "1.0.0",
    hostname: "edge-1",
    log: createLogger({ write: (line) => lines.push(JSON.parse(line)) }),
    prefer: "auto",
    onPush: () => {},
    now: () => clock,
    retryAfterMs: 60_000,
  });
});

afterEach(async () => {
  transport.close();
  await http.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const said = (msg: string) => lines.filter((line) => line.msg === msg);

describe("the agent's transport", () => {
  it("beats over the WebSocket when the upgrade is accepted", async () => {
    await transport.heartbeat(report);
    await transport.heartbeat(report);
    // A socket slow to open (a loaded machine) may leave the first beat to HTTP; not the second.
    expect(socketBeats).toBeGreaterThanOrEqual(1);
    expect(httpBeats.length).toBeLessThanOrEqual(1);
    expect(transport.current).toBe("ws");
    expect(said("transport: WebSocket")).toHaveLength(1);
  });

  it("falls back to HTTP at once when the upgrade is refused, and tries again later", async () => {
    upgrades = "refuse";
    await transport.heartbeat(report);
    await transport.heartbeat(report);
    expect(httpBeats.map((beat) => beat.transport)).toEqual(["http", "http"]);
    expect(upgradeAttempts).toBe(1);
    expect(said("transport: HTTP (WebSocket unavailable)")[0]).toMatchObject({
      reason: "the WebSocket upgrade was answered with 403",
      retryWebSocketInMs: 60_000,
    });

    upgrades = "accept";
    clock += 60_000;
    await transport.heartbeat(report);
    expect(socketBeats).toBe(1);
    expect(transport.current).toBe("ws");
  });

  it("sends each beat a half-open socket swallowed over HTTP, then falls back", async () => {
    upgrades = "silent";
    for (let i = 0; i < SOCKET_FAILURES_BEFORE_FALLBACK; i++) await transport.heartbeat(report);
    // Every beat was answered, over HTTP: the socket gave no reply.
    expect(httpBeats).toHaveLength(SOCKET_FAILURES_BEFORE_FALLBACK);
    // Each unanswered beat counts against the socket once its own reply times out.
    await vi.waitFor(
      () => expect(said("transport: HTTP (WebSocket unavailable)")).toHaveLength(1),
      { timeout: 10_000, interval: 50 },
    );
    const upgradesBefore = upgradeAttempts;
    await transport.heartbeat(report);
    expect(upgradeAttempts).toBe(upgradesBefore);
    expect(httpBeats).toHaveLength(SOCKET_FAILURES_BEFORE_FALLBACK + 1);
  }, 15_000);

  it("gets a beat the network lost through at once on a fresh connection", async () => {
    upgrades = "refuse";
    requests = "lost";
    const answer = await transport.heartbeat(report);
    expect(answer.intervalMs).toBe(1_000);
    // The one whose request was lost, and a fresh one (beside the refused upgrade's).
    expect(connections).toBe(3);
    expect(httpBeats).toHaveLength(1);
  });

  it("stays with the WebSocket through an outage of the whole control plane", async () => {
    upgrades = "down";
    for (let i = 0; i < SOCKET_FAILURES_BEFORE_FALLBACK + 1; i++) {
      await expect(transport.heartbeat(report)).rejects.toThrow(/503/);
    }
    expect(said("transport: HTTP (WebSocket unavailable)")).toEqual([]);
    upgrades = "accept";
    await transport.heartbeat(report);
    expect(socketBeats).toBe(1);
  });

  it("treats the control plane's own refusal of the upgrade as a refused heartbeat", async () => {
    upgrades = "bad_secret";
    const refused = await transport.heartbeat(report).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({ status: 401, code: "bad_secret" });
    expect(httpBeats).toEqual([]);
  });
});
