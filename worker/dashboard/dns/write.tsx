import { formatTime } from "../common/when";
import type { DnsView } from "../overview/pool-view";

/** "by a record update Baton made", "by user:…": who or what proved write access. */
function provenBy(actor: string | null): string {
  return actor === "system" ? "by a record update Baton made" : `by ${actor ?? "unknown"}`;
}

/**
 * Whether Baton has proven it can write with the pool's DNS settings (docs/decisions/0019): until
 * it has, a failover could fail at the provider, so both the overview and the DNS tab say so.
 */
export function DnsWriteFact({ dns }: { dns: DnsView }) {
  if (dns.state === "not_connected") return null;
  const verified = dns.writeVerifiedAt !== null;
  return (
    <li class={verified ? "ok" : "warn"} data-testid="dns-write" data-verified={String(verified)}>
      {verified
        ? `DNS write verified ${formatTime(dns.writeVerifiedAt ?? 0)} ${provenBy(dns.writeVerifiedBy)}`
        : "DNS write not verified: test the connection on the DNS tab"}
      {dns.writeCheckError && <span class="error-text"> (last check: {dns.writeCheckError})</span>}
    </li>
  );
}
