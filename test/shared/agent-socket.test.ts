import { describe, expect, it } from "vitest";
import { SOCKET_PONG, SocketEnvelope, SocketPush, SocketRequest } from "../../shared/agent-socket";

describe("the agent socket's messages", () => {
  it.each([
    { type: "reply", id: 1, ok: true, body: { jobs: [] } },
    { type: "reply", id: 2, ok: false, status: 401, error: { code: "bad_secret", message: "no" } },
    { type: "interval", intervalMs: 1_000 },
    { type: "cancel", jobId: "job_1" },
    { type: "report-now" },
    JSON.parse(SOCKET_PONG),
  ])("reads the coordinator's $type", (push) => {
    expect(SocketPush.safeParse(push).success).toBe(true);
  });

  it("refuses a reply that is neither an answer nor an error", () => {
    expect(SocketPush.safeParse({ type: "reply", id: 1, ok: false }).success).toBe(false);
  });

  it("types each agent request and keeps its body for the coordinator to check", () => {
    const beat = { type: "heartbeat", id: 3, body: { hostname: "edge-1", agentVersion: "1.0.0" } };
    expect(SocketRequest.safeParse(beat).success).toBe(true);
    expect(SocketRequest.safeParse({ ...beat, body: {} }).success).toBe(false);
    // The envelope leaves the body to the HTTP route's own checks, so both refuse alike.
    expect(SocketEnvelope.safeParse({ ...beat, body: {} }).success).toBe(true);
  });
});
