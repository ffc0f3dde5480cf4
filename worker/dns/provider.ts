/** The A records Baton wants a provider to serve for one name. */
export interface DesiredRecords {
  /** Fully qualified, no trailing dot: lb.example.com */
  name: string;
  /** IPv4 addresses; one in active_standby mode, one per ready member in round_robin. */
  addresses: string[];
  ttl: number;
  /** Cloudflare only: orange cloud. */
  proxied?: boolean;
}

/** What `check` found: whether the credentials work and what the provider serves now. */
export interface DnsCheck {
  ok: boolean;
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
  /** Checks credentials and zone, and reports what is served for `name`. */
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
