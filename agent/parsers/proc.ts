/**
 * Parsers for the Linux /proc files the host probe reads each beat. Reading these files directly
 * costs a fraction of a millisecond; systeminformation's collectors for the same numbers spawn
 * a shell per call (`cat /proc/stat | grep cpu`, seven `cat`s for network counters).
 */

export interface CpuTimes {
  /** Jiffies spent idle or waiting for I/O. */
  idle: number;
  total: number;
}

/** The aggregate `cpu` line of /proc/stat (user nice system idle iowait irq softirq steal …). */
export function parseProcStatCpu(text: string): CpuTimes | undefined {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
    line.trim().split(/\s+/).slice(1).map(Number);
  // guest time is already counted in user and nice, so the first eight fields are the total.
  return {
    idle: idle + iowait,
    total: user + nice + system + idle + iowait + irq + softirq + steal,
  };
}

export interface NetCounters {
  rxBytes: number;
  txBytes: number;
}

/** /proc/net/dev: bytes received and sent per interface since boot. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const counters = new Map<string, NetCounters>();
  for (const line of text.split("\n").slice(2)) {
    const at = line.indexOf(":");
    if (at < 0) continue;
    const fields = line
      .slice(at + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const [rxBytes, txBytes] = [fields[0], fields[8]];
    if (rxBytes === undefined || txBytes === undefined || Number.isNaN(rxBytes + txBytes)) continue;
    counters.set(line.slice(0, at).trim(), { rxBytes, txBytes });
  }
  return counters;
}

/** The interface of the IPv4 default route in /proc/net/route: where the VM's traffic flows. */
export function defaultRouteInterface(text: string): string | undefined {
  for (const line of text.split("\n").slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (iface && destination === "00000000" && mask === "00000000") return iface;
  }
  return undefined;
}
