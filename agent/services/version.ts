/** A daemon's version from its binary (`haproxy -v`, `nginx -v`), for the heartbeat. */
import { exec } from "../exec";
import type { MonitoredService } from "./manager";

/** `HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/` → `2.6.12-1+deb12u4`. */
export function parseHaproxyVersion(output: string): string | undefined {
  return /HA-?Proxy version (\S+)/.exec(output)?.[1]?.slice(0, 64);
}

/** `nginx version: nginx/1.22.1` (on stderr) → `1.22.1`. */
export function parseNginxVersion(output: string): string | undefined {
  return /nginx version: [^/\s]+\/(\S+)/.exec(output)?.[1]?.slice(0, 64);
}

/** Undefined when the binary cannot be run or prints something else. */
export async function readVersion(
  service: MonitoredService,
  binary: string,
): Promise<string | undefined> {
  const result = await exec(binary, ["-v"], { timeoutMs: 5_000 }).catch(() => undefined);
  if (!result) return undefined;
  const output = result.stdout + result.stderr;
  return service === "haproxy" ? parseHaproxyVersion(output) : parseNginxVersion(output);
}
