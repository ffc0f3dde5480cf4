/**
 * The TCP listeners a configuration declares: HAProxy's `bind` lines in `frontend` and `listen`
 * sections, nginx's `listen` directives. Config jobs check each can be bound before a reload
 * and accepts connections after it. What cannot be checked from here is left out: UNIX and
 * abstract sockets, inherited fds, UDP (QUIC, syslog), binds in another network namespace and
 * addresses built from environment variables.
 */

import { HAPROXY_SECTIONS } from "./haproxy-sections";
import { nginxStatements } from "./nginx-conf";

export interface Listener {
  /** As the config writes it, e.g. `10.99.99.99:8443`, `*:80`, `[::]:443`. */
  name: string;
  /** An address or host name to bind; `0.0.0.0` or `::` for a wildcard. */
  host: string;
  port: number;
  /**
   * A non-local address the kernel lets the daemon bind anyway (HAProxy `transparent`, nginx
   * `transparent`): its address is not checked, and nothing connects to it after the reload.
   */
  transparent: boolean;
}

/** More than this many listeners (a large port range) are not all checked. */
export const MAX_LISTENERS = 64;
const MAX_RANGE = 16;
const PORT = /^\d{1,5}$/;

function ports(text: string): number[] {
  const [from = "", to = from] = text.split("-");
  if (!PORT.test(from) || !PORT.test(to)) return [];
  const first = Number(from);
  const last = Math.min(Number(to), first + MAX_RANGE - 1);
  const found: number[] = [];
  for (let port = first; port <= last; port++) if (port > 0 && port < 65536) found.push(port);
  return found;
}

function listener(writtenHost: string, port: number, wildcard: string, transparent: boolean) {
  const bare = writtenHost.replace(/^\[|\]$/g, "");
  const host = bare === "" || bare === "*" ? wildcard : bare;
  const shown = writtenHost === "" ? "*" : writtenHost;
  return { name: `${shown}:${port}`, host, port, transparent };
}

/** One HAProxy bind address (`ipv4@1.2.3.4:80`, `:8000-8010`, `[::]:443`). */
function haproxyAddress(address: string, transparent: boolean): Listener[] {
  let rest = address;
  let wildcard = "0.0.0.0";
  const family = /^([a-z0-9]+)@/i.exec(rest);
  if (family) {
    const kind = family[1]?.toLowerCase() ?? "";
    if (!["ipv4", "ipv6", "tcp", "tcp4", "tcp6"].includes(kind)) return [];
    if (kind.endsWith("6")) wildcard = "::";
    rest = rest.slice(family[0].length);
  }
  if (rest.startsWith("/") || rest.includes("${")) return [];
  const bracketed = /^(\[[^\]]*\]):(.+)$/.exec(rest);
  const at = rest.lastIndexOf(":");
  const [host, portText] = bracketed
    ? [bracketed[1] ?? "", bracketed[2] ?? ""]
    : at < 0
      ? ["", ""]
      : [rest.slice(0, at), rest.slice(at + 1)];
  return ports(portText).map((port) => listener(host, port, wildcard, transparent));
}

function uncommented(line: string): string {
  const hash = line.search(/(^|\s)#/);
  return hash < 0 ? line : line.slice(0, hash);
}

/** HAProxy's TCP listeners in `frontend` and `listen` sections (a `disabled` one has none). */
export function haproxyListeners(text: string): Listener[] {
  const found: Listener[] = [];
  let section = "";
  let current: Listener[] = [];
  const flush = () => {
    found.push(...current);
    current = [];
  };
  for (const raw of text.split("\n")) {
    const words = uncommented(raw).trim().split(/\s+/).filter(Boolean);
    const [keyword = "", first = ""] = words;
    if (HAPROXY_SECTIONS.has(keyword)) {
      flush();
      section = keyword;
      continue;
    }
    if (section !== "frontend" && section !== "listen") continue;
    if (keyword === "disabled") {
      current = [];
      section = "";
      continue;
    }
    if (keyword !== "bind" || words.includes("namespace")) continue;
    const transparent = words.includes("transparent");
    for (const address of first.split(",")) current.push(...haproxyAddress(address, transparent));
  }
  flush();
  return distinctListeners(found);
}

/** nginx's TCP listeners (`listen 80;`, `listen 127.0.0.1:8080 ssl;`, `listen [::]:443;`). */
export function nginxListeners(text: string): Listener[] {
  const found: Listener[] = [];
  for (const { words } of nginxStatements(text)) {
    const [keyword, address = ""] = words;
    if (keyword !== "listen" || address.startsWith("unix:") || words.includes("quic")) continue;
    const transparent = words.includes("transparent");
    const bracketed = /^(\[[^\]]*\])(?::(\d+))?$/.exec(address);
    if (bracketed) {
      const port = Number(bracketed[2] ?? 80);
      found.push(listener(bracketed[1] ?? "", port, "::", transparent));
    } else if (PORT.test(address)) {
      found.push(listener("", Number(address), "0.0.0.0", transparent));
    } else {
      const [host = "", port = "80"] = address.split(":");
      if (PORT.test(port)) found.push(listener(host, Number(port), "0.0.0.0", transparent));
    }
  }
  return distinctListeners(found);
}

/** `listeners` without repeats (one address and port once), at most MAX_LISTENERS. */
export function distinctListeners(listeners: readonly Listener[]): Listener[] {
  const seen = new Set<string>();
  return listeners
    .filter((one) => {
      const key = `${one.host} ${one.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_LISTENERS);
}

/** Where to connect to reach `listener` from this host: a wildcard through loopback. */
export function connectHost(listener: Listener): string {
  if (listener.host === "0.0.0.0") return "127.0.0.1";
  if (listener.host === "::") return "::1";
  return listener.host;
}
