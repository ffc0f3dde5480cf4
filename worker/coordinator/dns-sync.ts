import { eq } from "drizzle-orm";
import type { DnsMode, DnsProviderSettings } from "../../shared/dns";
import type { Db } from "../db/client";
import { type PoolRow, pools } from "../db/schema/pools";
import type { Write } from "../db/writes";
import { sortAddresses } from "../dns/plan";
import { DnsError, type DnsProvider } from "../dns/provider";
import { createDnsProvider } from "../dns/providers";
import { loadDnsSettings } from "../dns/settings";
import { syncWriteProof } from "../dns/write-verification";
import { PUBLIC_ONLY } from "../lib/outbound-url";
import { log } from "../log";
import { nextCallDelayMs } from "./dns-backoff";
import type { BatchWriter, EventWriter } from "./job-queue";

/** How often the provider's records are read back to find edits made outside Baton. */
export const DRIFT_CHECK_INTERVAL_MS = 60_000;
export { DNS_RETRY_BASE_MS } from "./dns-backoff";

export interface DnsTarget {
  settings: DnsProviderSettings;
  mode: DnsMode;
}

/** Timings of the flip a DNS update carries out, for the event that confirms it. */
export interface FlipTiming {
  reason: string;
  detectedAt: number;
  decidedAt: number;
}

const same = (a: string[] | null, b: string[] | null) =>
  a !== null && b !== null && a.join() === b.join();

/**
 * Makes a pool's DNS provider serve what the coordinator decided. It runs beside the
 * coordinator's request queue, not in it, so a slow provider never holds up heartbeats; one
 * provider call is in flight at a time, and a newer wish is applied as soon as it ends. After a
 * failure nothing calls the provider before `retryAt` (the coordinator's alarm calls `tick`),
 * however many heartbeats arrive; retries read the record first and write only when it differs,
 * as does the first update after a (re)start.
 */
export class DnsSync {
  private target: DnsTarget | null = null;
  private provider: DnsProvider | null = null;
  private desired: string[] | null = null;
  private confirmed: string[] | null = null;
  private flip: FlipTiming | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private retryAt: number | null = null;
  private driftCheckAt: number | null = null;
  /** Whether this instance knows what the provider serves (it has read or written the record). */
  private seen = false;
  /** New settings (TTL, proxied) must reach the provider: a matching read does not do. */
  private mustWrite = false;
  /** Whether the failure streak has already reported a refusal that needs a person. */
  private refusalReported = false;

  constructor(
    private readonly db: Db,
    private readonly event: EventWriter,
    private readonly write: BatchWriter,
    private readonly pool: () => PoolRow | null,
    private readonly now: () => number,
    private readonly providerFor: (settings: DnsProviderSettings) => DnsProvider = (settings) =>
      createDnsProvider(settings, PUBLIC_ONLY),
  ) {}

  get mode(): DnsMode | null {
    return this.target?.mode ?? null;
  }

  /**
   * What the provider serves as this instance last confirmed it (written, read back, or found at
   * a drift check): where clients go. Null when not known since the start or the last settings.
   */
  get served(): string[] | null {
    return this.confirmed;
  }

  /** Loads the pool's settings (credentials decrypted with SECRETS_KEY) and configures the sync. */
  async load(db: Db, secretsKey: string | undefined, poolId: string): Promise<void> {
    try {
      const stored = secretsKey ? await loadDnsSettings(db, secretsKey, poolId) : null;
      this.configure(stored ? { settings: stored.settings, mode: stored.row.mode } : null);
    } catch (error) {
      log("error", {
        msg: "dns settings unreadable (SECRETS_KEY changed?)",
        poolId,
        error: String(error),
      });
      this.configure(null);
    }
  }

  /** New settings (or none): the records are written again with the new provider. */
  configure(target: DnsTarget | null): void {
    this.target = target;
    this.provider = target ? this.providerFor(target.settings) : null;
    this.confirmed = null;
    this.seen = false;
    this.mustWrite = false;
    this.failures = 0;
    this.refusalReported = false;
    this.retryAt = null;
    this.driftCheckAt = target ? this.now() + DRIFT_CHECK_INTERVAL_MS : null;
    if (this.desired) this.kick();
  }

  /** The settings changed through the API: write the record with them, even if it looks right. */
  rewrite(): void {
    this.mustWrite = true;
    this.confirmed = null;
    this.kick();
  }

  /** The addresses the record should hold. An empty wish is ignored: Baton never empties the record. */
  want(addresses: string[], flip?: FlipTiming): void {
    if (addresses.length === 0) return;
    const sorted = sortAddresses(addresses);
    if (flip) this.flip = flip;
    if (same(sorted, this.desired) && same(sorted, this.confirmed)) return;
    this.desired = sorted;
    this.kick();
  }

  /** When the coordinator's alarm should next call `tick`. */
  dueAt(): number | null {
    const times = [this.retryAt, this.driftCheckAt].filter((at): at is number => at !== null);
    return times.length ? Math.min(...times) : null;
  }

  /** From the alarm: retry a failed update, or read the records back to catch drift. */
  async tick(): Promise<void> {
    const now = this.now();
    if (this.retryAt !== null && this.retryAt <= now) {
      this.retryAt = null;
      this.kick();
    }
    if (this.driftCheckAt !== null && this.driftCheckAt <= now) {
      this.driftCheckAt = now + DRIFT_CHECK_INTERVAL_MS;
      await this.checkDrift();
    }
  }

  /** Waits for the update in flight, if any (tests, and the coordinator before it reports). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running || !this.provider || !this.desired) return;
    if (same(this.desired, this.confirmed)) return;
    if (this.retryAt !== null && this.retryAt > this.now()) return; // backing off: tick() resumes
    this.retryAt = null;
    this.running = this.apply().finally(() => {
      this.running = null;
      if (this.retryAt === null && this.desired && !same(this.desired, this.confirmed)) this.kick();
    });
  }

  private async apply(): Promise<void> {
    const pool = this.pool();
    const provider = this.provider;
    const wanted = this.desired;
    if (!pool || !provider || !wanted || !this.target) return;
    const { ttl } = this.target.settings;
    const proxied =
      this.target.settings.kind === "cloudflare" ? this.target.settings.proxied : undefined;
    // After a failure, or when this instance has not yet seen the record (a restart) and no flip
    // is waiting, a read comes first: cheap, and it spares a write the record does not need.
    const readFirst = this.failures > 0 || (!this.seen && this.flip === null && !this.mustWrite);
    try {
      if (readFirst) {
        const found = await provider.readAddresses(pool.failoverHostname);
        if (same(found, wanted) && !this.mustWrite) {
          await this.confirm(pool, wanted, false);
          return;
        }
      }
      const owner = `pool ${pool.name}`;
      const records = { name: pool.failoverHostname, addresses: wanted, ttl, proxied, owner };
      await provider.setAddresses(records);
      await this.confirm(pool, wanted, true);
    } catch (error) {
      await this.fail(pool, error);
    }
  }

  /** The provider serves `addresses`; `written` says whether this call wrote them. */
  private async confirm(pool: PoolRow, addresses: string[], written: boolean) {
    const now = this.now();
    const recovered = this.failures > 0;
    const previous = this.confirmed;
    this.confirmed = addresses;
    this.seen = true;
    if (written) this.mustWrite = false;
    this.failures = 0;
    this.refusalReported = false;
    const flip = this.flip;
    this.flip = null;
    const data = { addresses, previous, confirmedAt: now, ...(flip ? { flip } : {}) };
    const message = `${pool.failoverHostname} → ${addresses.join(", ")} confirmed by the provider`;
    const writes: Write[] = [
      this.db
        .update(pools)
        .set({ dnsSyncedAt: now, dnsLastError: null })
        .where(eq(pools.id, pool.id)),
    ];
    // The provider accepted a write: as good a proof of write access as the probe.
    if (written) writes.push(syncWriteProof(this.db, pool.id, now, null));
    // A record found already right is news only when it completes a flip or a recovery.
    if (written || flip || recovered) {
      writes.push(this.event({ type: "dns.updated", actor: "system", message, data }, now));
    }
    if (recovered) {
      const back = `DNS updates for ${pool.failoverHostname} work again`;
      writes.push(this.event({ type: "dns.recovered", actor: "system", message: back }, now));
    }
    await this.write(writes);
  }

  private async fail(pool: PoolRow, error: unknown) {
    const now = this.now();
    const dnsError = error instanceof DnsError ? error : null;
    const message = error instanceof Error ? error.message : String(error);
    this.failures += 1;
    const retryable = dnsError?.retryable ?? true;
    this.retryAt = now + nextCallDelayMs(this.failures, dnsError);
    log("warn", {
      msg: "dns update failed",
      poolId: pool.id,
      error: message,
      failures: this.failures,
    });
    const writes: Write[] = [
      this.db.update(pools).set({ dnsLastError: message }).where(eq(pools.id, pool.id)),
    ];
    // A refusal (bad credentials, a permission taken away) will not pass by retrying: it is
    // reported at once, even when the streak began with a retryable error, so the alert does
    // not wait for a backoff; and it withdraws the pool's proof of write access.
    const refusal = !retryable && !this.refusalReported;
    if (this.failures === 1 || refusal) {
      const data = { error: message, retryable, wanted: this.desired };
      const text = retryable
        ? `DNS update for ${pool.failoverHostname} failed: ${message}`
        : `DNS update for ${pool.failoverHostname} was refused and will not succeed by retrying: ${message}`;
      writes.push(this.event({ type: "dns.error", actor: "system", message: text, data }, now));
    }
    if (refusal) {
      this.refusalReported = true;
      writes.push(syncWriteProof(this.db, pool.id, now, message));
    }
    await this.write(writes);
  }

  private async checkDrift(): Promise<void> {
    const pool = this.pool();
    const confirmed = this.confirmed;
    if (!pool || !this.provider || !confirmed || this.running) return;
    const reading = this.provider.readAddresses(pool.failoverHostname);
    // The read holds the one provider-call slot, so no update starts beside it.
    this.running = reading.then(
      () => {},
      () => {},
    );
    let found: string[];
    try {
      found = await reading;
    } catch (error) {
      log("warn", { msg: "dns drift check failed", poolId: pool.id, error: String(error) });
      return;
    } finally {
      this.running = null;
    }
    if (!same(found, confirmed)) {
      const now = this.now();
      const message = `${pool.failoverHostname} was changed outside Baton (${found.join(", ") || "no record"}); putting back ${confirmed.join(", ")}`;
      const data = { found, wanted: confirmed };
      await this.write([
        this.event({ type: "dns.drift_repaired", actor: "system", message, data }, now),
      ]);
      this.confirmed = found;
    }
    this.kick();
  }
}
