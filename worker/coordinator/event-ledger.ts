import type { Db } from "../db/client";
import { type EventRow, events } from "../db/schema/events";
import type { PoolRow } from "../db/schema/pools";
import { runWrites, type Write } from "../db/writes";
import { eventRow, type NewEvent } from "../events/store";
import type { AlertDispatcher } from "./alert-dispatcher";

/**
 * The coordinator's writes to D1. Events are built here so that, once the batch carrying them is
 * durable, they are handed to the alert outbox: an alert never reports a change that was not saved.
 */
export class EventLedger {
  /** Event rows by the insert that writes them. */
  private readonly eventRows = new WeakMap<Write, EventRow>();

  constructor(
    private readonly db: Db,
    private readonly pool: () => PoolRow | null,
    private readonly alerts: AlertDispatcher,
  ) {}

  /** The insert of one event of the pool, to batch with the change it records. */
  readonly event = (event: Omit<NewEvent, "poolId">, now: number): Write => {
    const row = eventRow({ poolId: this.pool()?.id ?? null, ...event }, now);
    const insert = this.db.insert(events).values(row);
    this.eventRows.set(insert, row);
    return insert;
  };

  /** Runs writes as one D1 batch; the events in it are then handed to the alert outbox. */
  readonly write = async (writes: Write[]): Promise<void> => {
    await runWrites(this.db, writes);
    const rows = writes.flatMap((write) => this.eventRows.get(write) ?? []);
    const pool = this.pool();
    if (pool) await this.alerts.queue(pool, rows);
  };
}
