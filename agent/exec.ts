/**
 * Runs one program with an argument list: never through a shell, always with a timeout, output
 * captured (capped). The agent's only way to start processes, so no job can become a shell.
 */
import { spawn } from "node:child_process";

export interface ExecOptions {
  /** Kill the program after this long (default 60 s); the result then says it timed out. */
  timeoutMs?: number;
  signal?: AbortSignal;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is closed afterwards. */
  input?: string;
  /** Keep at most this many characters of stdout and of stderr, the last ones (default 64 Ki). */
  maxOutputChars?: number;
}

export interface ExecResult {
  /** null when the program was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * The environment HAProxy and nginx are checked and started with: a PATH and nothing of the
 * agent's own (its secret must not be readable through `"${BATON_TOKEN}"` in a config).
 */
export const DAEMON_ENV: NodeJS.ProcessEnv = {
  PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
};
const DEFAULT_MAX_OUTPUT_CHARS = 64 * 1024;
/** How long output is still read after the program exited while its pipes stay open. */
export const EXIT_GRACE_MS = 250;

/** Keeps the last `max` characters of what is appended. */
class Tail {
  private text = "";
  constructor(private readonly max: number) {}
  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.max * 2) this.text = this.text.slice(-this.max);
  }
  toString(): string {
    return this.text.slice(-this.max);
  }
}

/** Starts `file` with `args` and resolves when it exits. Rejects only if it cannot start. */
export function exec(file: string, args: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout = new Tail(max);
    const stderr = new Tail(max);
    let timedOut = false;
    const kill = () => child.kill("SIGKILL");
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    options.signal?.addEventListener("abort", kill, { once: true });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.append(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.append(chunk));
    child.stdin.on("error", () => {}); // a program that exits without reading its input
    child.stdin.end(options.input ?? "");
    child.on("error", (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      reject(error);
    });
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
      resolve({ code, signal, stdout: stdout.toString(), stderr: stderr.toString(), timedOut });
    };
    // "close" comes once the pipes are drained. A daemon the program started may inherit them
    // and hold them open for its whole life: after the program itself exits, wait a moment for
    // its last output, then stop reading.
    child.on("exit", (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, EXIT_GRACE_MS).unref();
    });
    child.on("close", finish);
  });
}

/** One line for logs and job output: `haproxy -c … exited 1: <last stderr line>`. */
export function describeExit(file: string, result: ExecResult): string {
  const how = result.timedOut
    ? "timed out"
    : result.code === null
      ? `was killed by ${result.signal}`
      : `exited ${result.code}`;
  const last = (result.stderr.trim() || result.stdout.trim()).split("\n").pop() ?? "";
  return `${file} ${how}${last ? `: ${last}` : ""}`;
}
