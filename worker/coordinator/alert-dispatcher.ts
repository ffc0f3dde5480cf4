import type { AlertSettings } from "../../shared/alerts";
import { AlertOutbox, type OutboxData } from "../alerts/outbox";
import { loadAlertSettings } from "../alerts/settings";
import { testPayload } from "../alerts/test-payload";
import { type AlertTestResult, alertPayload, sendAlert } from "../alerts/webhook";
import type { Db } from "../db/client";
import type { EventRow } from "../db/schema/events";
import type { PoolRow } from "../db/schema/pools";
import { toEvent } from "../events/store";
import type { OutboundPolicy } from "../lib/outbound-url";
import { log } from "../log";

const STORAGE_KEY = "alerts";

interface Dependencies {
  storage: DurableObjectStorage;
  now: () => number;
  /** The coordinator's alarm, re-armed when a retry is scheduled. */
  rearm: () => Promise<void>;
  /** Sends one HTTP request; tests put a recording receiver here. */
  fetch: () => typeof fetch;
  /** Which webhook URLs may be called (the Worker's config). */
  policy: OutboundPolicy;
}

/**
 * A pool coordinator's webhook alerts: turns committed events into deliveries, keeps them in
 * the object's storage (so retries survive restarts), and sends them beside the request queue
 * so a slow receiver never holds up heartbeats.
 */
export class AlertDispatcher {
  private settings: AlertSettings | null = null;
  private outbox = AlertOutbox.from();
  private sending: Promise<void> | null = null;
  private outboxLoaded = false;

  constructor(private readonly deps: Dependencies) {}

  /** Loads the pool's webhook settings (secret decrypted with SECRETS_KEY) and, once, pending deliveries. */
  async load(db: Db, secretsKey: string | undefined, poolId: string): Promise<void> {
    try {
      this.settings = secretsKey ? await loadAlertSettings(db, secretsKey, poolId) : null;
    } catch (error) {
      log("error", {
        msg: "alert settings unreadable (SECRETS_KEY changed?)",
        poolId,
        error: String(error),
      });
      this.settings = null;
    }
    // Pending deliveries are read once per start; afterwards memory is ahead of storage.
    if (!this.outboxLoaded) {
      this.outbox = AlertOutbox.from(await this.deps.storage.get<OutboxData>(STORAGE_KEY));
      this.outboxLoaded = true;
    }
  }

  nextDueAt(): number | null {
    return this.outbox.nextDueAt();
  }

  /** Queues the events a pool's settings subscribe to; call once their batch is durable. */
  async queue(pool: PoolRow, rows: EventRow[]): Promise<void> {
    const settings = this.settings;
    if (!settings?.enabled || rows.length === 0) return;
    const now = this.deps.now();
    for (const row of rows) {
      const payload = alertPayload({ ...toEvent(row), poolId: pool.id }, pool.name, now);
      const queued = this.outbox.enqueue(payload, settings, now);
      if (queued.kind === "queued" && queued.evicted) {
        log("warn", {
          msg: "alert dropped: outbox full",
          poolId: pool.id,
          eventId: queued.evicted.payload.id,
        });
      }
    }
    await this.persist();
    void this.send();
  }

  /** Sends what is due, one at a time; failures come back through the alarm with backoff. */
  send(): Promise<void> {
    this.sending ??= this.sendDue().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  /**
   * Sends one signed `alert.test` event to the saved webhook now, beside the outbox (never
   * retried, sent even when alerts are off): what the receiver answered, and how long it took.
   * Null when the pool has no webhook.
   */
  async sendTest(pool: PoolRow, actor: string): Promise<AlertTestResult | null> {
    const settings = this.settings;
    if (!settings) return null;
    const startedAt = Date.now();
    const result = await sendAlert(settings, testPayload(pool, actor, this.deps.now()), {
      fetch: this.deps.fetch(),
      now: this.deps.now,
      policy: this.deps.policy,
    });
    return { ...result, durationMs: Date.now() - startedAt, url: settings.url };
  }

  /** Resolves once nothing is being sent (tests). */
  async settled(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async sendDue(): Promise<void> {
    try {
      const due = this.outbox.due(this.deps.now());
      if (due.length === 0) return;
      await this.persist(); // the lease: a restart mid-send waits before sending again
      for (const delivery of due) {
        const result = await sendAlert(delivery.settings, delivery.payload, {
          fetch: this.deps.fetch(),
          now: this.deps.now,
          policy: this.deps.policy,
        });
        const outcome = this.outbox.record(result, delivery, this.deps.now());
        if (outcome.kind === "dropped") {
          const { reason, error } = outcome;
          log("warn", { msg: "alert dropped", eventId: delivery.payload.id, reason, error });
        }
      }
      await this.persist();
      await this.deps.rearm();
    } catch (error) {
      log("error", { msg: "alert delivery failed", error: String(error) });
    }
  }

  private persist(): Promise<void> {
    return this.deps.storage.put(STORAGE_KEY, this.outbox.toJSON());
  }
}
