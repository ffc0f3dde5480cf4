// The lab's network: one namespace per role, all joined by a bridge that lives inside the lab's
// own "net" namespace (nothing is added to the namespace this script starts in). Addresses are
// private and exist only inside the namespaces. Names carry a run-unique prefix, so two runs, or
// a leftover of a killed one, never collide.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

export const SUBNET = "10.77.0";
/** Role → last octet. The orchestrator runs in "net", on the bridge itself. */
export const ADDRESSES = { net: 1, cp: 2, dns: 3, cl: 4, h1: 11, h2: 12, n1: 21, n2: 22 };
export const ipOf = (role) => `${SUBNET}.${ADDRESSES[role]}`;

/** A fresh prefix such as "pg3fa9": namespaces are `<prefix>-<role>`. */
export function newPrefix() {
  return `pg${randomBytes(2).toString("hex")}`;
}

export const namespaceOf = (prefix, role) => `${prefix}-${role}`;
/** The bridge-side end of a role's veth (inside "net"); at most 15 characters. */
export const bridgePortOf = (role) => `v-${role}`;

const ip = (...args) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Creates every namespace, the bridge and the links; throws (after undoing it) on failure. */
export function createTopology(prefix) {
  const net = namespaceOf(prefix, "net");
  try {
    for (const role of Object.keys(ADDRESSES)) ip("netns", "add", namespaceOf(prefix, role));
    ip("-n", net, "link", "set", "lo", "up");
    ip("-n", net, "link", "add", "br0", "type", "bridge");
    ip("-n", net, "addr", "add", `${ipOf("net")}/24`, "dev", "br0");
    ip("-n", net, "link", "set", "br0", "up");
    for (const role of Object.keys(ADDRESSES).filter((role) => role !== "net")) {
      const ns = namespaceOf(prefix, role);
      const port = bridgePortOf(role);
      // Both ends are made inside the lab: the peer goes straight into the role's namespace.
      ip("-n", net, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("-n", net, "link", "set", port, "master", "br0", "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "addr", "add", `${ipOf(role)}/24`, "dev", "eth0");
      ip("-n", ns, "link", "set", "eth0", "up");
    }
  } catch (error) {
    destroyTopology(prefix);
    throw new Error(
      `building the lab network failed: ${String(error.stderr ?? error.message).trim()}`,
    );
  }
}

/** The PIDs still running inside one of the lab's namespaces (all of them ours). */
export function pidsIn(ns) {
  try {
    return execFileSync("ip", ["netns", "pids", ns], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Lab namespaces of this prefix that exist now. */
export function existingNamespaces(prefix) {
  const listed = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  return listed
    .split("\n")
    .map((line) => line.split(" ")[0])
    .filter((name) => name?.startsWith(`${prefix}-`));
}

/**
 * Kills whatever still runs in the lab's namespaces (the orchestrator stops its children first;
 * this is the safety net for a crash) and deletes them. Synchronous, so exit handlers can call it.
 */
export function destroyTopology(prefix) {
  for (const ns of existingNamespaces(prefix)) {
    for (const pid of pidsIn(ns)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
    }
  }
  for (const ns of existingNamespaces(prefix)) {
    try {
      ip("netns", "del", ns);
    } catch {}
  }
}

/** Cuts a role off the bridge (its link goes down) or joins it again. */
export function setLinked(prefix, role, up) {
  ip("-n", namespaceOf(prefix, "net"), "link", "set", bridgePortOf(role), up ? "up" : "down");
}
