/**
 * Process bookkeeping for daemons the agent runs itself: pid files, liveness and children, read
 * from /proc (the agent runs on Linux). Liveness checks the process name too, so a stale pid file
 * whose number now belongs to some other program does not read as "running", and a zombie (dead,
 * not yet reaped by init) reads as dead although `kill(pid, 0)` would still succeed.
 */
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";

/**
 * Pid files (on /run, a tmpfs) and /proc files live in memory: read synchronously, which costs
 * far less than a promise read's thread pool round trips on every beat. Undefined when absent.
 */
function readSmallFile(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** The pid in `file`, or undefined when it is missing or does not hold a number. */
export async function readPidFile(file: string): Promise<number | undefined> {
  const text = readSmallFile(file) ?? "";
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

interface ProcStat {
  comm: string;
  state: string;
  ppid: number;
}

/** `/proc/<pid>/stat`: the name sits in parentheses and may itself contain spaces or ")". */
function procStat(pid: number): ProcStat | undefined {
  const text = readSmallFile(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const [state = "", ppid = "0"] = text.slice(close + 2).split(" ");
  return { comm: text.slice(open + 1, close), state, ppid: Number(ppid) };
}

const live = (stat: ProcStat | undefined): stat is ProcStat =>
  stat !== undefined && stat.state !== "Z" && stat.state !== "X";

/** Whether `pid` is a live (not zombie) process, whatever its name. Synchronous: one /proc read. */
export function isAlive(pid: number): boolean {
  return live(procStat(pid));
}

/** Whether `pid` is a live (not zombie) process named `name` (e.g. "haproxy", "nginx"). */
export async function isRunning(pid: number, name: string): Promise<boolean> {
  const stat = procStat(pid);
  return live(stat) && stat.comm === name;
}

/** The live children of `parent` (an nginx master's workers). */
export async function childrenOf(parent: number): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.ppid === parent && stat.state !== "Z") children.push(Number(entry));
  }
  return children;
}

/** Sends a signal; false when the process is already gone. */
export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or `timeoutMs` ends. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
