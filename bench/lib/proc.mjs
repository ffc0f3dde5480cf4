// CPU time of a process tree from /proc (Linux), to tell how busy the control plane's
// processes (workerd, wrangler's node) were during a phase. Returns {} where /proc is missing.
// `wrangler dev` runs two workerd: one serving the public port (wrangler's proxy in front of
// the Worker: harness cost, absent in production) and the one running the Worker, its Durable
// Objects and local D1. They are told apart by the port on their command line.
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux this runs on

function readStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const name = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" "); // fields[0] is field 3 (state)
    return {
      pid: Number(pid),
      name,
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null; // exited meanwhile
  }
}

function label(stat, publicPort) {
  if (stat.name !== "workerd") return stat.name;
  try {
    const args = readFileSync(`/proc/${stat.pid}/cmdline`, "utf8");
    return args.includes(`entry=127.0.0.1:${publicPort}\0`)
      ? "workerd (proxy)"
      : "workerd (Worker)";
  } catch {
    return stat.name;
  }
}

/** CPU seconds used so far by `root` and its descendants, summed by process label. */
export function treeCpuSeconds(root, publicPort) {
  let stats;
  try {
    stats = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(readStat);
  } catch {
    return {};
  }
  const children = new Map();
  for (const stat of stats.filter(Boolean)) {
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(stat);
  }
  const byName = {};
  const visit = (stat) => {
    const name = label(stat, publicPort);
    byName[name] = (byName[name] ?? 0) + stat.ticks / CLOCK_TICKS;
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const top = readStat(root);
  if (top) visit(top);
  return byName;
}

/** Average share of one core each process name used between two readings, in percent. */
export function cpuPercentBetween(before, after, seconds) {
  return Object.fromEntries(
    Object.keys(after).map((name) => [name, ((after[name] - (before[name] ?? 0)) / seconds) * 100]),
  );
}
