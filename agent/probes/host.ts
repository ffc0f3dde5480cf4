/**
 * Host metrics for each beat: CPU busy share between beats (from /proc/stat, counting I/O wait
 * as idle and steal as busy), memory (MemAvailable, which os.freemem reads), load averages, the
 * root filesystem (statfs, a system call: no `df` process) and bytes per second on the
 * default-route interface (/proc/net/dev). Everything is a file read or a system call, so one
 * collect costs well under a millisecond; the agent runs it every second.
 */
import { readFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { freemem, loadavg, totalmem, uptime } from "node:os";
import type { HostMetrics } from "../../shared/agent-protocol";
import {
  type CpuTimes,
  defaultRouteInterface,
  type NetCounters,
  parseNetDev,
  parseProcStatCpu,
} from "../parsers/proc";
import type { Probe } from "./probe";

/** The default route rarely changes: look it up again after this long. */
export const ROUTE_REFRESH_MS = 60_000;

/** Busy share between two samples, 0–100 (since boot when `previous` is absent). */
export function cpuPercent(current: CpuTimes, previous?: CpuTimes): number {
  const total = current.total - (previous?.total ?? 0);
  const idle = current.idle - (previous?.idle ?? 0);
  if (total <= 0) return 0;
  const busy = (1 - idle / total) * 100;
  return Math.min(100, Math.max(0, Math.round(busy * 10) / 10));
}

/** Bytes per second between two counter samples; undefined without a usable previous one. */
export function ratePerSecond(current: number, previous: number | undefined, elapsedMs: number) {
  if (previous === undefined || elapsedMs <= 0 || current < previous) return undefined;
  return Math.round(((current - previous) * 1000) / elapsedMs);
}

export interface HostProbeOptions {
  now?: () => number;
  readText?: (path: string) => Promise<string>;
  /** The filesystem whose usage is reported (default "/"). */
  diskPath?: string;
}

export function hostProbe(options: HostProbeOptions = {}): Probe {
  const { now = Date.now, diskPath = "/" } = options;
  // /proc files are generated in memory and never block: a synchronous read skips the thread
  // pool round trips (open, fstat, read, close) a promise read costs every beat.
  const readText = options.readText ?? (async (path: string) => readFileSync(path, "utf8"));
  let previousCpu: CpuTimes | undefined;
  let previousNet: (NetCounters & { at: number }) | undefined;
  let route: { iface: string | undefined; at: number } | undefined;

  const network = async (at: number): Promise<Partial<HostMetrics>> => {
    if (!route || at - route.at >= ROUTE_REFRESH_MS) {
      route = { iface: defaultRouteInterface(await readText("/proc/net/route")), at };
    }
    const counters = route.iface
      ? parseNetDev(await readText("/proc/net/dev")).get(route.iface)
      : undefined;
    if (!counters) return {};
    const elapsed = at - (previousNet?.at ?? at);
    const rx = ratePerSecond(counters.rxBytes, previousNet?.rxBytes, elapsed);
    const tx = ratePerSecond(counters.txBytes, previousNet?.txBytes, elapsed);
    previousNet = { ...counters, at };
    return rx === undefined || tx === undefined ? {} : { netRxBytesPerS: rx, netTxBytesPerS: tx };
  };

  const disk = async (): Promise<Partial<HostMetrics>> => {
    const fs = await statfs(diskPath).catch(() => undefined);
    if (!fs) return {};
    return {
      diskUsedBytes: (fs.blocks - fs.bfree) * fs.bsize,
      diskTotalBytes: fs.blocks * fs.bsize,
    };
  };

  return {
    name: "host",
    async collect() {
      const at = now();
      const [stat, net, fs] = await Promise.all([readText("/proc/stat"), network(at), disk()]);
      const cpu = parseProcStatCpu(stat);
      const total = totalmem();
      const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
      const host: HostMetrics = {
        cpuPercent: cpu ? cpuPercent(cpu, previousCpu) : 0,
        memUsedBytes: Math.max(0, total - freemem()),
        memTotalBytes: total,
        load1,
        load5,
        load15,
        ...fs,
        ...net,
        uptimeS: Math.floor(uptime()),
      };
      previousCpu = cpu;
      return { host };
    },
  };
}
