import { describe, expect, it } from "vitest";
import { type AlertPayload, AlertSettings } from "../../../shared/alerts";
import { MAX_ALERT_ATTEMPTS } from "../../../worker/alerts/backoff";
import {
  ALERT_SEND_LEASE_MS,
  AlertOutbox,
  MAX_PENDING_ALERTS,
  type PendingAlert,
} from "../../../worker/alerts/outbox";
import type { SendResult } from "../../../worker/alerts/webhook";

const T0 = 1_767_225_600_000;
const settings = AlertSettings.parse({
  url: "https://hooks.example.com/baton",
  secret: "s".repeat(16),
});
const half = () => 0.5;

function payload(id: string, type: AlertPayload["type"] = "member.offline"): AlertPayload {
  const base = { poolId: "pool_1", poolName: "edge", memberId: null, message: "m", text: "m" };
  return { id, type, ...base, data: {}, at: T0, sentAt: T0 };
}

const delivered: SendResult = { ok: true, status: 204 };
const failed: SendResult = { ok: false, retryable: true, status: 503, error: "HTTP 503" };
const refused: SendResult = { ok: false, retryable: false, status: 400, error: "HTTP 400" };

/** Sends whatever is due at `now` and records `result` for each; returns the outcomes. */
function sendDue(outbox: AlertOutbox, now: number, result: SendResult) {
  return outbox.due(now).map((delivery) => outbox.record(result, delivery, now));
}

describe("AlertOutbox.enqueue", () => {
  it.each([
    { name: "a subscribed type", type: "member.offline", expected: { kind: "queued" } },
    {
      name: "a type the settings leave out",
      type: "job.queued",
      expected: { kind: "ignored", reason: "not_subscribed" },
    },
  ] as const)("$name", ({ type, expected }) => {
    const outbox = AlertOutbox.from();
    expect(outbox.enqueue(payload("evt_1", type), settings, T0)).toEqual(expected);
    expect(outbox.size).toBe(expected.kind === "queued" ? 1 : 0);
  });

  it("queues an event once per URL", () => {
    const outbox = AlertOutbox.from();
    outbox.enqueue(payload("evt_1"), settings, T0);
    expect(outbox.enqueue(payload("evt_1"), settings, T0 + 1)).toEqual({
      kind: "ignored",
      reason: "duplicate",
    });
    const other = { ...settings, url: "https://other.example.com/" };
    expect(outbox.enqueue(payload("evt_1"), other, T0)).toEqual({ kind: "queued" });
  });

  it("evicts the oldest alert when full", () => {
    const outbox = AlertOutbox.from();
    for (let i = 0; i < MAX_PENDING_ALERTS; i++) outbox.enqueue(payload(`evt_${i}`), settings, T0);
    const outcome = outbox.enqueue(payload("evt_new"), settings, T0);
    expect(outcome).toMatchObject({ kind: "queued", evicted: { payload: { id: "evt_0" } } });
    expect(outbox.size).toBe(MAX_PENDING_ALERTS);
  });
});

describe("AlertOutbox schedule", () => {
  it("hands out due alerts oldest first and leases them", () => {
    const outbox = AlertOutbox.from();
    outbox.enqueue(payload("evt_late"), settings, T0 + 5_000);
    outbox.enqueue(payload("evt_early"), settings, T0);
    expect(outbox.nextDueAt()).toBe(T0);
    expect(outbox.due(T0 - 1)).toEqual([]);
    expect(outbox.due(T0 + 5_000).map((d) => d.payload.id)).toEqual(["evt_early", "evt_late"]);
    expect(outbox.due(T0 + 5_000)).toEqual([]); // in flight
    expect(outbox.nextDueAt()).toBe(T0 + 5_000 + ALERT_SEND_LEASE_MS);
  });

  it("sends again once a lease runs out without a result", () => {
    const outbox = AlertOutbox.from();
    outbox.enqueue(payload("evt_1"), settings, T0);
    outbox.due(T0);
    expect(outbox.due(T0 + ALERT_SEND_LEASE_MS)).toHaveLength(1);
  });

  it.each([
    {
      name: "delivered",
      result: delivered,
      expected: { kind: "delivered", attempts: 1 },
      next: null,
    },
    {
      name: "refused",
      result: refused,
      expected: { kind: "dropped", attempts: 1, reason: "rejected", error: "HTTP 400" },
      next: null,
    },
    {
      name: "failed",
      result: failed,
      expected: { kind: "retrying", attempts: 1, dueAt: T0 + 1_000 },
      next: T0 + 1_000,
    },
    {
      name: "failed with Retry-After",
      result: { ...failed, retryAfterMs: 60_000 },
      expected: { kind: "retrying", attempts: 1, dueAt: T0 + 60_000 },
      next: T0 + 60_000,
    },
  ] as const)("records a first attempt that $name", ({ result, expected, next }) => {
    const outbox = AlertOutbox.from(null, half);
    outbox.enqueue(payload("evt_1"), settings, T0);
    expect(sendDue(outbox, T0, result)).toEqual([expected]);
    expect(outbox.nextDueAt()).toBe(next);
  });

  it(`retries with growing delays and drops after ${MAX_ALERT_ATTEMPTS} attempts`, () => {
    const outbox = AlertOutbox.from(null, half);
    outbox.enqueue(payload("evt_1"), settings, T0);
    const delays: number[] = [];
    let now = T0;
    for (let attempt = 1; attempt < MAX_ALERT_ATTEMPTS; attempt++) {
      const [outcome] = sendDue(outbox, now, failed);
      expect(outcome).toMatchObject({ kind: "retrying", attempts: attempt });
      const next = outbox.nextDueAt() ?? Number.NaN;
      delays.push(next - now);
      now = next;
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000]);
    expect(sendDue(outbox, now, failed)).toEqual([
      { kind: "dropped", attempts: MAX_ALERT_ATTEMPTS, reason: "exhausted", error: "HTTP 503" },
    ]);
    expect(outbox.nextDueAt()).toBeNull();
  });

  it("ignores a result for a delivery it no longer holds", () => {
    const outbox = AlertOutbox.from();
    const stranger: PendingAlert = { payload: payload("evt_x"), settings, attempt: 0, dueAt: T0 };
    expect(outbox.record(delivered, stranger, T0)).toEqual({ kind: "unknown" });
  });
});

describe("AlertOutbox storage", () => {
  it("survives a JSON round trip with its schedule", () => {
    const outbox = AlertOutbox.from(null, half);
    outbox.enqueue(payload("evt_1"), settings, T0);
    outbox.enqueue(payload("evt_2"), settings, T0);
    const [first] = outbox.due(T0);
    if (first) outbox.record(failed, first, T0);
    const stored = JSON.parse(JSON.stringify(outbox));
    const restored = AlertOutbox.from(stored, half);
    expect(restored.toJSON()).toEqual(outbox.toJSON());
    expect(restored.nextDueAt()).toBe(T0 + 1_000);
    expect(restored.due(T0 + 1_000).map((d) => [d.payload.id, d.attempt])).toEqual([["evt_1", 1]]);
  });

  it("does not share state with the data it came from or gave out", () => {
    const data = { deliveries: [] as PendingAlert[] };
    const outbox = AlertOutbox.from(data);
    outbox.enqueue(payload("evt_1"), settings, T0);
    expect(data.deliveries).toEqual([]);
    const snapshot = outbox.toJSON();
    snapshot.deliveries.length = 0;
    expect(outbox.size).toBe(1);
  });
});
