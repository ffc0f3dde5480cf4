/** Host metrics from node:os: CPU % from `os.cpus()` deltas between beats, memory, load. */
import { cpus, freemem, loadavg, totalmem, uptime } from "node:os";
import type { HostMetrics } from "../../shared/index";
import type { Probe } from "./probe";

export interface CpuTimes {
  idle: number;
  total: number;
}

export function cpuTimes(list: ReturnType<typeof cpus> = cpus()): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of list) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Busy share between two samples, 0–100 (since boot when `previous` is absent). */
export function cpuPercent(current: CpuTimes, previous?: CpuTimes): number {
  const total = current.total - (previous?.total ?? 0);
  const idle = current.idle - (previous?.idle ?? 0);
  if (total <= 0) return 0;
  const busy = (1 - idle / total) * 100;
  return Math.min(100, Math.max(0, Math.round(busy * 10) / 10));
}

export function hostProbe(): Probe {
  let previous: CpuTimes | undefined;
  return {
    name: "host",
    async collect() {
      const current = cpuTimes();
      const total = totalmem();
      const [load1 = 0, load5 = 0, load15 = 0] = loadavg();
      const host: HostMetrics = {
        cpuPercent: cpuPercent(current, previous),
        memUsedBytes: Math.max(0, total - freemem()),
        memTotalBytes: total,
        load1,
        load5,
        load15,
        uptimeS: Math.floor(uptime()),
      };
      previous = current;
      return { host };
    },
  };
}
