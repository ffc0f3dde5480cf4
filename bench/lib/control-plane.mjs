// A throwaway local control plane for the benchmark: `wrangler dev` on 127.0.0.1, a free port
// and a fresh temp directory (never the developer's .wrangler/ or .dev.vars). wrangler runs on a
// snapshot of the sources copied there, so edits made during a run do not reload the Worker
// mid-measurement (a reload resets its D1 counters). Children are spawned detached and stopped
// by process group; the temp directory is removed on stop.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  cpSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** What `wrangler dev` needs from the repository; node_modules is linked, not copied. */
const SOURCES = [
  "wrangler.toml",
  "package.json",
  "tsconfig.base.json",
  "install.sh",
  "worker",
  "shared",
  "migrations",
];

let interrupted = false;
/** True once SIGINT/SIGTERM arrived: the benchmark is stopping, its errors are no news. */
export const wasInterrupted = () => interrupted;

/** A failure to set up the measurement: reported as one line, exit code 1. */
export class SetupError extends Error {}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The line of wrangler's output that says what went wrong: its first error, else its last line. */
function failureLine(file) {
  try {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    const plain = readFileSync(file, "utf8").replace(/\x1b\[[0-9;]*m/g, "");
    const lines = plain
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.find((line) => line.includes("[ERROR]")) ?? lines.at(-1) ?? "(no output)";
  } catch {
    return "(no output)";
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export async function startControlPlane(root) {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-"));
  const src = join(dir, "src");
  const state = join(dir, "state");
  const logFile = join(dir, "wrangler.log");
  const log = openSync(logFile, "a");
  const env = {
    ...process.env,
    PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_LOG_PATH: join(dir, "logs"), // not the user's ~/.config/.wrangler/logs
  };
  const children = new Set();
  let stopping = null;
  let stopped = false;

  const spawnTracked = (args) => {
    const child = spawn("wrangler", args, {
      cwd: src,
      env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    children.add(child.pid);
    // Forget the group only once it is empty: wrangler's own children may outlive it.
    child.on("exit", () => killGroup(child.pid, 0) || children.delete(child.pid));
    return child;
  };

  /**
   * Stops each child: SIGTERM to wrangler itself first, so it shuts its workerd processes down and
   * reaps them; then whatever is left of its process group gets SIGTERM, then SIGKILL.
   */
  const stopGracefully = async () => {
    const groups = [...children];
    const alive = () => groups.filter((pid) => killGroup(pid, 0));
    const waitGone = async (ms) => {
      for (let waited = 0; alive().length > 0 && waited < ms; waited += 100) await sleep(100);
    };
    for (const pid of groups) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
    }
    await waitGone(5000);
    for (const pid of alive()) killGroup(pid, "SIGTERM");
    await waitGone(2000);
    for (const pid of alive()) killGroup(pid, "SIGKILL");
    children.clear();
    closeSync(log);
    rmSync(dir, { recursive: true, force: true });
    stopped = true;
  };
  const stop = () => {
    stopping ??= stopGracefully();
    return stopping;
  };
  // Any exit before stop() finished: SIGKILL what is left (exit handlers cannot wait).
  process.on("exit", () => {
    if (stopped) return;
    for (const pid of children) killGroup(pid, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  // Ctrl-C or kill: stop wrangler properly, then go.
  const onSignal = (signal) => {
    interrupted = true;
    stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const plane = { dir, stop, url: "", port: 0, adminToken: "", wranglerPid: 0 };
  try {
    for (const name of SOURCES) cpSync(join(root, name), join(src, name), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(src, "node_modules"), "dir");
    const persist = ["--persist-to", state];
    const migrate = spawnTracked(["d1", "migrations", "apply", "DB", "--local", ...persist]);
    const status = await new Promise((resolve) => {
      const timer = setTimeout(() => killGroup(migrate.pid, "SIGKILL"), 120_000);
      migrate.on("exit", (code) => {
        clearTimeout(timer);
        resolve(code ?? 1);
      });
    });
    if (status !== 0)
      throw new SetupError(`applying D1 migrations failed: ${failureLine(logFile)}`);

    const port = await freePort();
    plane.adminToken = randomBytes(24).toString("hex");
    plane.port = port;
    plane.url = `http://127.0.0.1:${port}`;
    const listen = ["--ip", "127.0.0.1", "--port", String(port)];
    const vars = ["--var", `ADMIN_TOKEN:${plane.adminToken}`, "--var", "LOG_LEVEL:warn"];
    // --log-level warn: wrangler's node process would otherwise log (and pay for) every request.
    const dev = spawnTracked(["dev", ...listen, ...persist, ...vars, "--log-level", "warn"]);
    plane.wranglerPid = dev.pid;
    let exited = false;
    dev.on("exit", () => {
      exited = true;
    });
    for (const deadline = Date.now() + 90_000; ; await sleep(250)) {
      if (exited) throw new SetupError(`wrangler dev exited: ${failureLine(logFile)}`);
      if (Date.now() > deadline)
        throw new SetupError(
          `no answer on ${plane.url}/healthz after 90 s: ${failureLine(logFile)}`,
        );
      const ok = await fetch(`${plane.url}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ok) return plane;
    }
  } catch (error) {
    await stop();
    throw error instanceof SetupError ? error : new SetupError(error.message);
  }
}

/** Calls the admin API with the bootstrap token; throws a SetupError on anything but 2xx. */
export async function adminApi(plane, method, path, body) {
  const res = await fetch(`${plane.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${plane.adminToken}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  }).catch((error) => {
    throw new SetupError(`${method} ${path}: ${error.cause?.code ?? error.message}`);
  });
  const text = await res.text();
  if (!res.ok)
    throw new SetupError(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
