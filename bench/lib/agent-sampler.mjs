// Samples one process from /proc (Linux): resident memory from /proc/<pid>/status and CPU time
// (utime + stime) from /proc/<pid>/stat. Used by bench:agent on the agent process alone.
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ
const KiB = 1024;

/** One reading: memory in bytes, CPU in seconds; null once the process is gone. */
export function sampleProcess(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
      return match ? Number(match[1]) * KiB : 0;
    };
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields[0] is field 3
    return {
      at: performance.now(),
      rss: field("VmRSS"),
      hwm: field("VmHWM"),
      rssAnon: field("RssAnon"),
      rssFile: field("RssFile"),
      rssShmem: field("RssShmem"),
      cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
    };
  } catch {
    return null;
  }
}

const average = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Figures over `samples` (already limited to the measured window). */
export function summarise(samples) {
  if (samples.length < 2) return null;
  const first = samples[0];
  const last = samples.at(-1);
  const seconds = (last.at - first.at) / 1000;
  return {
    windowS: seconds,
    rssAvg: average(samples.map((s) => s.rss)),
    rssMax: Math.max(...samples.map((s) => s.rss)),
    hwm: last.hwm,
    rssAnonAvg: average(samples.map((s) => s.rssAnon)),
    rssFileAvg: average(samples.map((s) => s.rssFile)),
    cpuPercent: ((last.cpuS - first.cpuS) / seconds) * 100,
  };
}
