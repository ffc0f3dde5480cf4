import type { AlertPayload, AlertSettings } from "../../shared/alerts";
import { MAX_ALERT_ATTEMPTS, nextAttemptDelayMs } from "./backoff";
import type { SendResult } from "./webhook";

/** A dead receiver must not grow the coordinator's storage without bound: oldest go first. */
export const MAX_PENDING_ALERTS = 100;
/**
 * How long `due` hands a delivery out for. Longer than a send's timeout, so an overlapping
 * alarm does not send it twice; if the coordinator dies mid-send, it is sent again afterwards.
 */
export const ALERT_SEND_LEASE_MS = 60_000;

/** One alert waiting to be sent; plain data, kept in Durable Object storage as is. */
export interface PendingAlert {
  payload: AlertPayload;
  settings: AlertSettings;
  /** Attempts made so far. */
  attempt: number;
  dueAt: number;
}

export interface OutboxData {
  deliveries: PendingAlert[];
}

export type EnqueueOutcome =
  | { kind: "queued"; evicted?: PendingAlert }
  | { kind: "ignored"; reason: "not_subscribed" | "duplicate" };

export type RecordOutcome =
  | { kind: "delivered"; attempts: number }
  | { kind: "retrying"; attempts: number; dueAt: number }
  | { kind: "dropped"; attempts: number; reason: "rejected" | "exhausted"; error: string }
  | { kind: "unknown" };

const keyOf = (delivery: Pick<PendingAlert, "payload" | "settings">) =>
  `${delivery.payload.id} ${delivery.settings.url}`;

/**
 * The alerts a pool still has to send, with their retry schedule. The coordinator enqueues,
 * sends what is `due`, `record`s each result, sets its alarm to `nextDueAt` and persists
 * `toJSON()`. No I/O here, so every schedule is testable with a fake clock.
 */
export class AlertOutbox {
  private constructor(
    private deliveries: PendingAlert[],
    private readonly random: () => number,
  ) {}

  static from(data?: OutboxData | null, random: () => number = Math.random): AlertOutbox {
    return new AlertOutbox(structuredClone(data?.deliveries ?? []), random);
  }

  toJSON(): OutboxData {
    return { deliveries: structuredClone(this.deliveries) };
  }

  get size(): number {
    return this.deliveries.length;
  }

  /** Queues an alert if the settings subscribe to its type, once per event and URL. */
  enqueue(payload: AlertPayload, settings: AlertSettings, now: number): EnqueueOutcome {
    if (!(settings.events as string[]).includes(payload.type)) {
      return { kind: "ignored", reason: "not_subscribed" };
    }
    const delivery: PendingAlert = { payload, settings, attempt: 0, dueAt: now };
    if (this.deliveries.some((pending) => keyOf(pending) === keyOf(delivery))) {
      return { kind: "ignored", reason: "duplicate" };
    }
    this.deliveries.push(delivery);
    if (this.deliveries.length <= MAX_PENDING_ALERTS) return { kind: "queued" };
    return { kind: "queued", evicted: this.deliveries.shift() };
  }

  /** Deliveries to send now, oldest due first, each leased for ALERT_SEND_LEASE_MS. */
  due(now: number): PendingAlert[] {
    const due = this.deliveries
      .filter((delivery) => delivery.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt);
    const handedOut = structuredClone(due);
    for (const delivery of due) delivery.dueAt = now + ALERT_SEND_LEASE_MS;
    return handedOut;
  }

  /** When the alarm should next fire for alerts; null when nothing is pending. */
  nextDueAt(): number | null {
    if (this.deliveries.length === 0) return null;
    return Math.min(...this.deliveries.map((delivery) => delivery.dueAt));
  }

  /** Applies one send's result: done, rescheduled with backoff, or given up on. */
  record(result: SendResult, delivery: PendingAlert, now: number): RecordOutcome {
    const index = this.deliveries.findIndex((pending) => keyOf(pending) === keyOf(delivery));
    const pending = this.deliveries[index];
    if (!pending) return { kind: "unknown" };
    const attempts = pending.attempt + 1;
    if (result.ok) {
      this.deliveries.splice(index, 1);
      return { kind: "delivered", attempts };
    }
    if (!result.retryable || attempts >= MAX_ALERT_ATTEMPTS) {
      this.deliveries.splice(index, 1);
      const reason = result.retryable ? "exhausted" : "rejected";
      return { kind: "dropped", attempts, reason, error: result.error };
    }
    pending.attempt = attempts;
    pending.dueAt = now + nextAttemptDelayMs(attempts, result.retryAfterMs, this.random);
    return { kind: "retrying", attempts, dueAt: pending.dueAt };
  }
}
