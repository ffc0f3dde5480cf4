// A throwaway local control plane: `wrangler dev` on 127.0.0.1, a free port and a fresh temp
// directory (never the developer's .wrangler/ or .dev.vars), its D1 state copied from one with
// every migration applied (migrated-state.mjs: applied once, not per plane). wrangler runs on a
// snapshot of the sources copied there, so edits made meanwhile do not reload the Worker mid-run.
// Children are spawned detached (each its own process group) and stopped by process group; the
// temp directory is removed on stop. Used by the end-to-end tests (test/e2e) and the benchmarks
// (bench/); plain JavaScript, types in control-plane.d.mts.
// `runtime: "workerd"` serves the same Worker from workerd without wrangler's dev proxy in front
// (workerd-server.mjs): wrangler's deploy bundle, the same bindings and migrated local state.
// "workerd-direct" also skips Miniflare's entry worker: callers must send CF-Connecting-IP.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { migratedState } from "./migrated-state.mjs";
import { signalGroup, stopGroup } from "./process-group.mjs";

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
/** Copied too when present: static assets (wrangler.toml [assets], built by build-agent.mjs). */
const OPTIONAL_SOURCES = ["dist/public"];
const MIGRATE_TIMEOUT_MS = 120_000;
const READY_TIMEOUT_MS = 90_000;
const RUNTIMES = ["wrangler", "workerd", "workerd-direct"];
const WORKERD_SERVER = join(dirname(fileURLToPath(import.meta.url)), "workerd-server.mjs");

/** A failure to set up: reported as one line. */
export class SetupError extends Error {}

/** Planes not stopped yet: killed (SIGKILL, synchronously) if the process exits first. */
const running = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const plane of running) plane.killNow();
  });
}

/**
 * A loopback port free right now, drawn below the kernel's ephemeral range: a port from
 * listen(0) is an ephemeral one, which any outgoing connection (another test's fetch) may take as
 * its source port before wrangler binds it.
 */
async function freePort() {
  let low = 32768;
  try {
    low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/)[0]);
  } catch {}
  const floor = Math.min(10_000, low - 1000);
  for (let tries = 0; tries < 50; tries++) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.unref();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new SetupError("found no free port on 127.0.0.1");
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

/**
 * Starts the control plane from the repository at `root`. Resolves once GET /healthz answers;
 * on any failure everything started is stopped and a SetupError says why.
 */
export async function startControlPlane(root, options = {}) {
  const runtime = options.runtime ?? "wrangler";
  if (!RUNTIMES.includes(runtime))
    throw new SetupError(`runtime must be ${RUNTIMES.join(" or ")}, not "${runtime}"`);
  const dir = mkdtempSync(join(tmpdir(), options.tempPrefix ?? "baton-plane-"));
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
  /** Process groups started and not yet known to be empty. */
  const groups = new Set();
  let stopping = null;
  let stopped = false;

  const spawnTracked = (args, command = "wrangler") => {
    // options.netns: run inside that network namespace (the proving ground's lab).
    const [file, argv] = options.netns
      ? ["ip", ["netns", "exec", options.netns, command, ...args]]
      : [command, args];
    const child = spawn(file, argv, {
      cwd: src,
      env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.on("error", () => {}); // e.g. ENOENT: reported below, or through "exit"
    if (child.pid === undefined) throw new SetupError(`could not start ${command} ${args[0]}`);
    groups.add(child.pid);
    // Forget the group only once it is empty: wrangler's own children may outlive it.
    child.on("exit", () => signalGroup(child.pid, 0) || groups.delete(child.pid));
    return child;
  };

  /**
   * SIGTERM to each wrangler first, so it shuts its workerd processes down and reaps them; then
   * whatever is left of its process group gets SIGTERM, then SIGKILL.
   */
  const stopGracefully = async () => {
    const all = [...groups];
    const alive = () => all.filter((pid) => signalGroup(pid, 0));
    const waitGone = async (ms) => {
      for (let waited = 0; alive().length > 0 && waited < ms; waited += 100) await sleep(100);
    };
    for (const pid of all) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {}
    }
    await waitGone(5000);
    for (const pid of alive()) signalGroup(pid, "SIGTERM");
    await waitGone(2000);
    for (const pid of alive()) signalGroup(pid, "SIGKILL");
    await waitGone(2000);
    groups.clear();
    closeSync(log);
    rmSync(dir, { recursive: true, force: true });
    stopped = true;
    running.delete(plane);
  };

  const plane = {
    dir,
    url: "",
    port: 0,
    runtime,
    adminToken: randomBytes(24).toString("hex"),
    secretsKey: randomBytes(24).toString("hex"),
    wranglerPid: 0,
    logFile,
    groups: () => [...groups],
    stop: () => {
      stopping ??= stopGracefully();
      return stopping;
    },
    /** Synchronous last resort (exit handlers cannot wait): SIGKILL every group, drop the dir. */
    killNow: () => {
      if (stopped) return;
      for (const pid of groups) signalGroup(pid, "SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(plane);
  installExitHook();

  try {
    for (const name of SOURCES) cpSync(join(root, name), join(src, name), { recursive: true });
    for (const name of OPTIONAL_SOURCES.filter((name) => existsSync(join(root, name))))
      cpSync(join(root, name), join(src, name), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(src, "node_modules"), "dir");
    const persist = ["--persist-to", state];
    /** Runs one wrangler command to its end: its exit status, or "timeout" when it was killed. */
    const runWrangler = (args) => {
      const child = spawnTracked(args);
      return new Promise((resolve) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          signalGroup(child.pid, "SIGKILL");
        }, MIGRATE_TIMEOUT_MS);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve(timedOut ? "timeout" : (code ?? 1));
        });
      });
    };
    const template = await migratedState(root, async (into) => {
      const apply = ["d1", "migrations", "apply", "DB", "--local", "--persist-to", into];
      const status = await runWrangler(apply);
      // A loaded machine shows as a timeout, not as wrangler's last (unrelated) line.
      if (status === "timeout")
        throw new SetupError(
          `applying D1 migrations did not finish within ${MIGRATE_TIMEOUT_MS / 1000} s (a loaded machine?)`,
        );
      if (status !== 0)
        throw new SetupError(`applying D1 migrations failed: ${failureLine(logFile)}`);
    });
    cpSync(template, state, { recursive: true });
    const bundleDir = join(dir, "bundle");
    if (
      runtime !== "wrangler" &&
      (await runWrangler(["deploy", "--dry-run", "--outdir", bundleDir])) !== 0
    )
      throw new SetupError(`bundling the Worker failed: ${failureLine(logFile)}`);

    const ip = options.ip ?? "127.0.0.1";
    let port = 0;
    const usePort = (chosen) => {
      port = chosen;
      plane.port = port;
      plane.url = `http://${ip}:${port}`;
    };
    usePort(options.port ?? (await freePort()));
    const vars = {
      ADMIN_TOKEN: plane.adminToken,
      SECRETS_KEY: plane.secretsKey,
      LOG_LEVEL: "warn",
      // A local PowerDNS and webhook receivers on loopback, as with `npm start`.
      ALLOW_PRIVATE_URLS: "true",
      ...options.vars,
    };
    const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
    // --log-level warn: wrangler's node process would otherwise log (and pay for) every request.
    const serve = () =>
      runtime !== "wrangler"
        ? spawnTracked(
            [
              WORKERD_SERVER,
              "wrangler.toml",
              bundleDir,
              state,
              String(port),
              JSON.stringify(vars),
              runtime === "workerd-direct" ? "direct" : "shared",
            ],
            "node",
          )
        : spawnTracked([
            "dev",
            ...["--ip", ip, "--port", String(port)],
            ...persist,
            ...varArgs,
            "--log-level",
            "warn",
          ]);
    /** Starts the server on the kept state and resolves once /healthz answers. */
    const serveUntilReady = async () => {
      const dev = serve();
      plane.wranglerPid = dev.pid;
      let exited = false;
      dev.on("exit", () => {
        exited = true;
      });
      for (const deadline = Date.now() + READY_TIMEOUT_MS; ; await sleep(250)) {
        if (exited) throw new SetupError(`${runtime} exited: ${failureLine(logFile)}`);
        if (Date.now() > deadline)
          throw new SetupError(
            `no answer on ${plane.url}/healthz after ${READY_TIMEOUT_MS / 1000} s: ${failureLine(logFile)}`,
          );
        const ok = await fetch(`${plane.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
          (res) => res.ok,
          () => false,
        );
        if (ok) return plane;
      }
    };
    // A real outage that keeps the D1 and Durable Object state: stop the server's process group
    // (SIGTERM, then SIGKILL after 5 s), later serve again from the same state directory.
    plane.pause = () => stopGroup(plane.wranglerPid, 5000);
    plane.resume = serveUntilReady;
    // A port found free can still be taken before the server binds it: start again on another
    // (twice at most) unless the caller chose the port.
    for (let attempt = 1; ; attempt++) {
      try {
        return await serveUntilReady();
      } catch (error) {
        const taken = /address already in use/i.test(String(error.message));
        if (!taken || options.port || attempt >= 3) throw error;
        await plane.pause();
        usePort(await freePort());
      }
    }
  } catch (error) {
    await plane.stop();
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
    signal: AbortSignal.timeout(30_000),
  }).catch((error) => {
    throw new SetupError(`${method} ${path}: ${error.cause?.code ?? error.message}`);
  });
  const text = await res.text();
  if (!res.ok)
    throw new SetupError(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}
