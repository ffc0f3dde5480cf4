import type { DnsView, Liveness, MemberView } from "../overview/pool-view";

export const LIVENESS_LABEL: Record<Liveness, string> = {
  online: "Online",
  offline: "Offline",
  never_seen: "Never seen",
};

/** What the member is doing, in one word or two: "Online", "Late", "Not serving", "Offline". */
export function livenessLabel(member: MemberView): string {
  if (member.liveness !== "online") return LIVENESS_LABEL[member.liveness];
  if (member.late) return "Late";
  if (member.role === "active" && !member.serving) return "Not serving";
  return "Online";
}

/** "Ready", or "Not ready: draining, haproxy failed". */
export function readinessLabel(member: MemberView): string {
  return member.ready ? "Ready" : `Not ready: ${member.notReadyReasons.join(", ")}`;
}

export function dnsLabel(dns: DnsView): string {
  const provider = dns.provider ?? "DNS";
  switch (dns.state) {
    case "not_connected":
      return "DNS not connected";
    case "error":
      return `${provider}: ${dns.lastError}`;
    case "pending":
      return `${provider}: not yet confirmed`;
    case "in_sync":
      return `${provider}: in sync`;
  }
}

/** Cuts a label to fit a diagram box; the full text stays in the box's <title>. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
