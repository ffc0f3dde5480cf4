import { eq } from "drizzle-orm";
import type { DnsMode, DnsProviderSettings } from "../../shared/dns";
import type { Db } from "../db/client";
import { type PoolRow, pools } from "../db/schema/pools";
import type { Write } from "../db/writes";
import { DnsError, type DnsProvider } from "../dns/provider";
import { createDnsProvider } from "../dns/providers";
import { loadDnsSettings } from "../dns/settings";
import { PUBLIC_ONLY } from "../lib/outbound-url";
import { log } from "../log";
import type { BatchWriter, EventWriter } from "./job-queue";

/** Retries of a failed update: exponential from 1 s, at most a minute apart, until confirmed. */
export const DNS_RETRY_BASE_MS = 1_000;
export const DNS_RETRY_MAX_MS = 60_000;
/** How often the provider's records are read back to find edits made outside Baton. */
export const DRIFT_CHECK_INTERVAL_MS = 60_000;

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

export function retryDelayMs(failures: number, retryAfterMs?: number): number {
  const backoff = Math.min(DNS_RETRY_MAX_MS, DNS_RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.max(backoff, retryAfterMs ?? 0);
}

const same = (a: string[] | null, b: string[] | null) =>
  a !== null && b !== null && a.join() === b.join();

/**
 * Makes a pool's DNS provider serve what the coordinator decided. It runs beside the
 * coordinator's request queue, not in it, so a slow provider never holds up heartbeats; one
 * update is in flight at a time, and a newer wish is applied as soon as it ends. Failures retry
 * with backoff (the coordinator's alarm calls `tick`) until the provider confirms.
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
    this.failures = 0;
    this.retryAt = null;
    this.driftCheckAt = target ? this.now() + DRIFT_CHECK_INTERVAL_MS : null;
    if (this.desired) this.kick();
  }

  /** The addresses the record should hold. An empty wish is ignored: Baton never empties the record. */
  want(addresses: string[], flip?: FlipTiming): void {
    if (addresses.length === 0) return;
    const sorted = [...addresses].sort();
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
    try {
      await provider.setAddresses({ name: pool.failoverHostname, addresses: wanted, ttl, proxied });
      await this.confirm(pool, wanted);
    } catch (error) {
      await this.fail(pool, error);
    }
  }

  private async confirm(pool: PoolRow, addresses: string[]) {
    const now = this.now();
    const recovered = this.failures > 0;
    const previous = this.confirmed;
    this.confirmed = addresses;
    this.failures = 0;
    const flip = this.flip;
    this.flip = null;
    const data = { addresses, previous, confirmedAt: now, ...(flip ? { flip } : {}) };
    const message = `${pool.failoverHostname} → ${addresses.join(", ")} confirmed by the provider`;
    const writes: Write[] = [
      this.db
        .update(pools)
        .set({ dnsSyncedAt: now, dnsLastError: null })
        .where(eq(pools.id, pool.id)),
      this.event({ type: "dns.updated", actor: "system", message, data }, now),
    ];
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
    this.retryAt = now + retryDelayMs(this.failures, dnsError?.retryAfterMs) * (retryable ? 1 : 10);
    log("warn", {
      msg: "dns update failed",
      poolId: pool.id,
      error: message,
      failures: this.failures,
    });
    const writes: Write[] = [
      this.db.update(pools).set({ dnsLastError: message }).where(eq(pools.id, pool.id)),
    ];
    if (this.failures === 1) {
      const data = { error: message, retryable, wanted: this.desired };
      const text = `DNS update for ${pool.failoverHostname} failed: ${message}`;
      writes.push(this.event({ type: "dns.error", actor: "system", message: text, data }, now));
    }
    await this.write(writes);
  }

  private async checkDrift(): Promise<void> {
    const pool = this.pool();
    if (!pool || !this.provider || !this.confirmed || this.running) return;
    try {
      const found = await this.provider.readAddresses(pool.failoverHostname);
      if (same(found, this.confirmed)) return;
      const now = this.now();
      const message = `${pool.failoverHostname} was changed outside Baton (${found.join(", ") || "no record"}); putting back ${this.confirmed.join(", ")}`;
      const data = { found, wanted: this.confirmed };
      await this.write([
        this.event({ type: "dns.drift_repaired", actor: "system", message, data }, now),
      ]);
      this.confirmed = null;
      this.kick();
    } catch (error) {
      log("warn", { msg: "dns drift check failed", poolId: pool.id, error: String(error) });
    }
  }
}
