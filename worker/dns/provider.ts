/** The A records Baton wants a provider to serve for one name. */
export interface DesiredRecords {
  /** Fully qualified, no trailing dot: lb.example.com */
  name: string;
  /** IPv4 addresses; one in active_standby mode, one per ready member in round_robin. */
  addresses: string[];
  ttl: number;
  /** Cloudflare only: orange cloud. */
  proxied?: boolean;
  /** Who manages the record, e.g. "pool edge-eu", for providers that can note it (Cloudflare's record comment). */
  owner?: string;
}

/** What `check` found: whether the credentials work, may write, and what is served now. */
export interface DnsCheck {
  ok: boolean;
  /** Write access was proven: a probe record was written and removed. */
  writable: boolean;
  /** One line a person can act on, e.g. "zone example.com found; lb.example.com → 203.0.113.7". */
  detail: string;
  addresses: string[];
}

/**
 * One DNS provider. Implementations talk to their provider's documented HTTP API with `fetch`
 * (Cloudflare through a small client of its API v4) and never log credentials.
 */
export interface DnsProvider {
  /** The A addresses the provider serves for `name` now (sorted). */
  readAddresses(name: string): Promise<string[]>;
  /** Makes the provider serve exactly `records.addresses` for `records.name`. */
  setAddresses(records: DesiredRecords): Promise<void>;
  /**
   * Checks credentials and zone, reports what is served for `name`, and proves write access by
   * writing and removing a harmless TXT record `_baton-check.<name>` (worker/dns/write-probe.ts):
   * a read-only credential must fail here, not at the first failover.
   */
  check(name: string): Promise<DnsCheck>;
}

/**
 * A provider call that failed. `retryable`: rate limits (429), 5xx and network errors, which the
 * coordinator retries with backoff; anything else needs a person (bad token, missing zone).
 */
export class DnsError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "DnsError";
  }
}
