import { parseIp } from "./ip";
import { type SpecialRangeKind, specialRangeOf } from "./special-ranges";

/** Whether the control plane may call loopback and private addresses: local development only. */
export interface OutboundPolicy {
  allowPrivateUrls: boolean;
}

/** Deployed Workers: https to public addresses only. */
export const PUBLIC_ONLY: OutboundPolicy = { allowPrivateUrls: false };

// Reachable only on the machine or network the control plane runs on: allowed for development.
// Loopback first: ::1 also lies in the IPv4-compatible ::/96.
const PRIVATE_KINDS: readonly SpecialRangeKind[] = ["loopback", "private", "sharedAddressSpace"];

// Never a provider or a webhook: metadata services live in link-local, and the rest is not
// unicast on the Internet.
const NEVER_KINDS: readonly SpecialRangeKind[] = [
  "linkLocal",
  "unspecified",
  "multicast",
  "reserved",
  "protocolAssignments",
  "benchmarking",
  "translation",
];

// Names that resolve inside a network, not on the Internet (RFC 6761, 6762, 8375; cloud DNS).
const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/;

/** "a loopback address", "an unspecified address": the kind of block `ip` lies in, or null. */
function rangeKind(ip: string, kinds: readonly SpecialRangeKind[]): string | null {
  const found = specialRangeOf(ip, kinds);
  if (!found) return null;
  return `${/^[aeiouI]/.test(found.label) ? "an" : "a"} ${found.label} address`;
}

/** Why `host` (a WHATWG-normalised hostname) is not public, or null when it is. */
function hostRefusal(host: string, policy: OutboundPolicy): string | null {
  const name = host.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (parseIp(name)) {
    const local = rangeKind(name, PRIVATE_KINDS);
    if (local) return policy.allowPrivateUrls ? null : `${name} is ${local}`;
    const never = rangeKind(name, NEVER_KINDS);
    return never ? `${name} is ${never}` : null;
  }
  if (policy.allowPrivateUrls) return null;
  if (LOCAL_NAME.test(name)) return `${name} is a local name`;
  if (!name.includes(".")) return `${name} is not a fully qualified name`;
  return null;
}

/**
 * Why the control plane must not call `href` (a DNS provider's API base or a webhook), or null
 * when it may. Deployed: https only, to a public host: no IP literal in loopback, private,
 * CGNAT, link-local (cloud metadata), multicast or reserved ranges in any spelling (the WHATWG
 * parser turns `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` into the address they mean), and
 * no local names (`localhost`, `*.internal`, `*.local`, single labels). With
 * `allowPrivateUrls` (development), loopback and private hosts are allowed, over http too.
 * Names are judged as written: a Worker cannot resolve them first (docs/decisions/0013).
 */
export function outboundUrlRefusal(href: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an https:// URL";
  const refusal = hostRefusal(url.hostname.toLowerCase(), policy);
  if (refusal) return refusal;
  if (url.protocol === "http:" && !(policy.allowPrivateUrls && isPrivateHost(url.hostname))) {
    return policy.allowPrivateUrls
      ? "must use https:// (http:// only to loopback and private addresses)"
      : "must use https://";
  }
  return null;
}

function isPrivateHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (parseIp(name)) return rangeKind(name, PRIVATE_KINDS) !== null;
  return LOCAL_NAME.test(name) || !name.includes(".");
}

/** The one-line message for a refused URL, with how to allow private ones in development. */
export function outboundRefusalMessage(refusal: string): string {
  return `URL refused: ${refusal}. The control plane calls only https:// URLs on public addresses; ALLOW_PRIVATE_URLS=true allows loopback and private ones for local development.`;
}
