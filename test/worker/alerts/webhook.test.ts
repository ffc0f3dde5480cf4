import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertPayload, AlertSettings } from "../../../shared/alerts";
import type { EventType } from "../../../shared/events";
import {
  alertPayload,
  type PoolEvent,
  parseRetryAfter,
  sendAlert,
  verifySignature,
} from "../../../worker/alerts/webhook";
import { type ReceivedRequest, type Receiver, startReceiver } from "./receiver";

const NOW = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
const SECRET = "webhook-secret-0123456789";

function event(type: EventType = "member.offline", message = "edge-2 stopped sending heartbeats") {
  return {
    id: "evt_01HZXAMPLE",
    poolId: "pool_1",
    memberId: "mem_2",
    type,
    actor: "system",
    message,
    data: { lastHeartbeatAt: NOW - 30_000 },
    at: NOW - 1_000,
  } satisfies PoolEvent;
}

let receiver: Receiver;
let settings: AlertSettings;
beforeAll(async () => {
  receiver = await startReceiver();
  settings = AlertSettings.parse({ url: receiver.url, secret: SECRET });
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer = (_, res) => res.writeHead(204).end();
});

/** The one request the receiver got; anything else fails the test. */
function onlyRequest(): ReceivedRequest & { timestamp: string; signature: string } {
  const [request, ...others] = receiver.requests;
  if (!request || others.length)
    throw new Error(`expected 1 request, got ${receiver.requests.length}`);
  const { "x-baton-timestamp": timestamp, "x-baton-signature": signature } = request.headers;
  return { ...request, timestamp: String(timestamp), signature: String(signature) };
}

/** `npm start` and tests: the receiver is on loopback. */
const DEVELOPMENT = { allowPrivateUrls: true };

const send = (timeoutMs?: number) =>
  sendAlert(settings, alertPayload(event(), "edge", NOW - 500), {
    now: () => NOW,
    timeoutMs,
    policy: DEVELOPMENT,
  });

describe("sendAlert against a real HTTP receiver", () => {
  it("delivers a signed JSON POST with Baton's headers", async () => {
    expect(await send()).toEqual({ ok: true, status: 204 });
    const request = onlyRequest();
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/hook");
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "user-agent": "baton-control-plane",
      "x-baton-event": "member.offline",
      "x-baton-delivery": "evt_01HZXAMPLE",
      "x-baton-timestamp": "1767225600",
    });
    const { timestamp, signature, body: raw } = request;
    // The documented scheme, computed independently of the code under test.
    const expected = createHmac("sha256", SECRET).update(`${timestamp}.${raw}`).digest("hex");
    expect(signature).toBe(`sha256=${expected}`);
    expect(await verifySignature(SECRET, timestamp, raw, signature)).toBe(true);
    const body = AlertPayload.parse(JSON.parse(raw));
    expect(body).toMatchObject({
      id: "evt_01HZXAMPLE",
      poolName: "edge",
      at: NOW - 1_000,
      sentAt: NOW,
    });
  });

  it("signs so that a changed body, timestamp or secret fails verification", async () => {
    await send();
    const { body, timestamp, signature } = onlyRequest();
    const tampered = body.replace("edge-2", "edge-3");
    expect(tampered).not.toBe(body);
    expect(await verifySignature(SECRET, timestamp, tampered, signature)).toBe(false);
    expect(await verifySignature(SECRET, Number(timestamp) + 1, body, signature)).toBe(false);
    expect(await verifySignature(`${SECRET}x`, timestamp, body, signature)).toBe(false);
    expect(await verifySignature(SECRET, timestamp, body, signature.replace("sha256=", ""))).toBe(
      false,
    );
    expect(await verifySignature(SECRET, timestamp, body, undefined)).toBe(false);
  });

  it("sends a Slack-compatible one-line text", async () => {
    await send();
    const body = JSON.parse(onlyRequest().body);
    expect(body.text).toBe(":rotating_light: *edge*: edge-2 stopped sending heartbeats");
  });

  it.each([
    // Only an error code is quoted: a sentence could be anything the URL's owner holds.
    { status: 500, retryable: true, text: "database down", error: "HTTP 500" },
    { status: 502, retryable: true, text: "<html>internal page</html>", error: "HTTP 502" },
    { status: 503, retryable: true, text: "", error: "HTTP 503" },
    { status: 408, retryable: true, text: "", error: "HTTP 408" },
    { status: 400, retryable: false, text: "invalid_payload", error: "HTTP 400: invalid_payload" },
    { status: 404, retryable: false, text: "no_service", error: "HTTP 404: no_service" },
  ])("answers HTTP $status as retryable=$retryable", async ({ status, retryable, text, error }) => {
    receiver.answer = (_, res) => res.writeHead(status, { "Content-Type": "text/plain" }).end(text);
    expect(await send()).toEqual({ ok: false, retryable, status, error });
  });

  it("honours Retry-After on 429", async () => {
    receiver.answer = (_, res) => res.writeHead(429, { "Retry-After": "7" }).end("slow down");
    expect(await send()).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 7_000,
      error: "HTTP 429",
    });
  });

  it("does not follow a redirect with the signed body", async () => {
    receiver.answer = (request, res) =>
      request.path === "/hook"
        ? res.writeHead(307, { Location: "/elsewhere" }).end()
        : res.writeHead(204).end();
    expect(await send()).toMatchObject({ ok: false, retryable: false, status: 307 });
    expect(receiver.requests.map((request) => request.path)).toEqual(["/hook"]);
  });

  it("gives up on a receiver that hangs, as retryable", async () => {
    receiver.answer = () => {}; // never answers
    const started = performance.now();
    expect(await send(200)).toEqual({
      ok: false,
      retryable: true,
      error: "timed out after 200 ms",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("reports a refused connection as retryable", async () => {
    const closed = await startReceiver();
    await closed.close();
    const result = await sendAlert(
      { ...settings, url: closed.url },
      alertPayload(event(), "edge", NOW),
      { policy: DEVELOPMENT },
    );
    expect(result).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/^network error/),
    });
  });
});

describe("sendAlert to a URL the control plane may not call", () => {
  it.each([
    ["a loopback receiver, deployed", () => receiver.url, { allowPrivateUrls: false }],
    ["the metadata service, even in development", () => "http://169.254.169.254/x", DEVELOPMENT],
    ["plain http to a public host", () => "http://hooks.example.com/x", DEVELOPMENT],
  ])("refuses %s without sending, for good", async (_, url, policy) => {
    const result = await sendAlert(
      { ...settings, url: url() },
      alertPayload(event(), "edge", NOW),
      {
        policy,
      },
    );
    expect(result).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^URL refused: /),
    });
    expect(receiver.requests).toEqual([]);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    { value: null, expected: undefined },
    { value: "0", expected: 0 },
    { value: "120", expected: 120_000 },
    { value: new Date(NOW + 30_000).toUTCString(), expected: 29_877 }, // dates have whole seconds
    { value: new Date(NOW - 60_000).toUTCString(), expected: 0 },
    { value: "soon", expected: undefined },
    { value: "-5", expected: undefined },
  ])("$value → $expected", ({ value, expected }) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe("alertPayload", () => {
  it.each<{ type: EventType; emoji: string }>([
    { type: "failover.promoted", emoji: ":rotating_light:" },
    { type: "failover.no_ready_standby", emoji: ":rotating_light:" },
    { type: "member.offline", emoji: ":rotating_light:" },
    { type: "dns.error", emoji: ":rotating_light:" },
    { type: "member.online", emoji: ":white_check_mark:" },
    { type: "dns.recovered", emoji: ":white_check_mark:" },
    { type: "dns.drift_repaired", emoji: ":information_source:" },
  ])("marks $type with $emoji", ({ type, emoji }) => {
    expect(alertPayload(event(type, "m"), "edge", NOW).text).toBe(`${emoji} *edge*: m`);
  });

  it("keeps the text one line and escapes Slack markup", () => {
    const payload = alertPayload(event("dns.error", "API said:\n<html> & more"), "a<b>", NOW);
    expect(payload.text).toBe(":rotating_light: *a&lt;b&gt;*: API said: &lt;html&gt; &amp; more");
    expect(payload.message).toBe("API said:\n<html> & more");
  });

  it("carries the event's id, member and data, stamped with now", () => {
    expect(alertPayload(event(), "edge", NOW)).toEqual({
      id: "evt_01HZXAMPLE",
      type: "member.offline",
      poolId: "pool_1",
      poolName: "edge",
      memberId: "mem_2",
      message: "edge-2 stopped sending heartbeats",
      text: ":rotating_light: *edge*: edge-2 stopped sending heartbeats",
      data: { lastHeartbeatAt: NOW - 30_000 },
      at: NOW - 1_000,
      sentAt: NOW,
    });
  });
});
