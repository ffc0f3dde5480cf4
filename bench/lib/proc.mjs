// CPU time of a process tree from /proc (Linux), to tell how busy the control plane's
// processes (workerd, wrangler's node) were during a phase. Returns {} where /proc is missing.
// `wrangler dev` runs two workerd: one serving the public port (wrangler's proxy in front of
// the Worker: harness cost, absent in production) and the one running the Worker, its Durable
// Objects and local D1. They are told apart by the port on their command line.
// Runtimes "workerd" and "workerd-direct" (no dev proxy) have one workerd, serving the public port itself, under the
// node process that hosts Miniflare.
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

function label(stat, publicPort, runtime) {
  if (stat.name === "node") return runtime === "wrangler" ? "node (wrangler)" : "node (miniflare)";
  if (stat.name !== "workerd") return stat.name;
  if (runtime !== "wrangler") return "workerd (Worker)";
  try {
    const args = readFileSync(`/proc/${stat.pid}/cmdline`, "utf8");
    return args.includes(`entry=127.0.0.1:${publicPort}\0`)
      ? "workerd (proxy)"
      : "workerd (Worker)";
  } catch {
    return stat.name;
  }
}

/**
 * CPU seconds used so far by `root` and its descendants, summed by process label. `runtime`:
 * what serves the control plane ("wrangler", the default, or "workerd").
 */
export function treeCpuSeconds(root, publicPort, runtime = "wrangler") {
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
    const name = label(stat, publicPort, runtime);
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

/** Per thread of `pid`: CPU ticks and nanoseconds spent runnable but waiting for a core. */
export function threads(pid) {
  const out = [];
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    const stat = readStat(`${pid}/task/${tid}`);
    if (!stat) continue;
    let waitNs = 0;
    try {
      waitNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
    } catch {}
    out.push({ tid, ticks: stat.ticks, waitNs });
  }
  return out;
}

/**
 * Every thread of `root`'s tree, by process label: `{ label: { tid: { ticks, waitNs } } }`.
 * Two of these, given to `schedulingBetween`, tell whether a process was busy on one thread (a
 * single-threaded event loop at ~100 % is saturated however idle the machine) and how long its
 * threads sat runnable while other processes held both cores (/proc/<pid>/task/<tid>/schedstat).
 */
export function treeThreads(root, publicPort, runtime = "wrangler") {
  const byLabel = {};
  let stats;
  try {
    stats = readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(readStat)
      .filter(Boolean);
  } catch {
    return byLabel;
  }
  const children = new Map();
  for (const stat of stats) {
    if (!children.has(stat.ppid)) children.set(stat.ppid, []);
    children.get(stat.ppid).push(stat);
  }
  const visit = (stat) => {
    const name = label(stat, publicPort, runtime);
    byLabel[name] ??= {};
    for (const t of threads(stat.pid)) byLabel[name][`${stat.pid}/${t.tid}`] = t;
    for (const child of children.get(stat.pid) ?? []) visit(child);
  };
  const top = readStat(root);
  if (top) visit(top);
  return byLabel;
}

/**
 * Per label, in % of one core over `seconds`: `busiestThread` (the thread that used most CPU)
 * and `waitedRunnable` (time its threads, summed, were ready to run but had no core).
 */
export function schedulingBetween(before, after, seconds) {
  const out = {};
  for (const [name, tids] of Object.entries(after)) {
    let busiest = 0;
    let waitNs = 0;
    for (const [tid, t] of Object.entries(tids)) {
      const old = before[name]?.[tid] ?? { ticks: 0, waitNs: 0 };
      busiest = Math.max(busiest, t.ticks - old.ticks);
      waitNs += t.waitNs - old.waitNs;
    }
    out[name] = {
      busiestThread: (busiest / CLOCK_TICKS / seconds) * 100,
      waitedRunnable: (waitNs / 1e9 / seconds) * 100,
    };
  }
  return out;
}
