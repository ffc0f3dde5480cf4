// A real HAProxy on loopback for bench:agent, as the agent's integration tests run it
// (test/agent/haproxy/haproxy-instance.ts): master-worker in the foreground, its own temp dir for
// config, pid file and admin socket, one backend with `app1` (a node:http server here, UP) and
// `app2` (a port nothing listens on, DOWN). Spawned detached and stopped by process group.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The haproxy binary, or null when it is not installed. */
export function findHaproxy() {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"];
  return dirs.map((dir) => join(dir, "haproxy")).find((path) => existsSync(path)) ?? null;
}

function listen(server) {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(server.address().port)),
  );
}

async function freePort(taken) {
  for (;;) {
    const server = createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    if (!taken.includes(port)) return port;
  }
}

/** `show info` over the admin socket; resolves true when HAProxy answers. */
function answers(socketPath) {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let text = "";
    socket.setTimeout(500, () => socket.destroy());
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(text.includes("Version:")));
    socket.on("connect", () => socket.end("show info\n"));
  });
}

/** Starts HAProxy; resolves `{ adminSocket, pid, stop() }` once its admin socket answers. */
export async function startHaproxy(binary) {
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-haproxy-"));
  const upstream = createHttpServer((_req, res) => res.end("ok\n"));
  const upPort = await listen(upstream);
  const frontendPort = await freePort([upPort]);
  const downPort = await freePort([upPort, frontendPort]);
  const adminSocket = join(dir, "admin.sock");
  const config = join(dir, "haproxy.cfg");
  writeFileSync(
    config,
    [
      "global",
      `  stats socket ${adminSocket} mode 600 level admin`,
      "defaults",
      "  mode http",
      "  timeout connect 1s",
      "  timeout client 5s",
      "  timeout server 5s",
      "frontend fe_web",
      `  bind 127.0.0.1:${frontendPort}`,
      "  default_backend be_app",
      "backend be_app",
      "  option httpchk GET /",
      "  default-server inter 2s fall 2 rise 1",
      `  server app1 127.0.0.1:${upPort} check`,
      `  server app2 127.0.0.1:${downPort} check`,
      "",
    ].join("\n"),
  );
  const args = ["-W", "-S", join(dir, "master.sock"), "-f", config, "-p", join(dir, "pid")];
  const child = spawn(binary, args, { cwd: dir, detached: true, stdio: "ignore" });
  child.on("error", () => {});
  const stop = async () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
    for (let i = 0; i < 50 && child.exitCode === null && child.signalCode === null; i++)
      await sleep(100);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    await new Promise((resolve) => upstream.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + 10_000; !(await answers(adminSocket)); await sleep(50)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error("haproxy did not start (its admin socket never answered)");
    }
  }
  return { adminSocket, pid: child.pid, stop };
}
