// The bundled agent (dist/agent/baton-agent.mjs, built here) under this machine's system Node 20
// against a real local control plane (`wrangler dev` on loopback): it comes online, stops cleanly
// on SIGTERM, and with a wrong secret logs bad_secret once and keeps running.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Member } from "../../shared/index";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { waitFor } from "../harness/failover.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bundle = join(root, "dist", "agent", "baton-agent.mjs");
const run = promisify(execFile);

/** The system's Node 20 (never node_modules/.bin's Node 22). */
function systemNode20(): string {
  const tried: string[] = [];
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8", timeout: 10_000 });
      if (version.startsWith("v20.")) return candidate;
      tried.push(`${candidate} is ${version.trim()}`);
    } catch {
      tried.push(`${candidate} missing`);
    }
  }
  throw new Error(`no system Node 20 to run the agent bundle under (${tried.join(", ")})`);
}

interface Daemon {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let node: string;
let plane: ControlPlane | undefined;
let poolId: string;
let dir: string;
let startError: unknown;
const daemons: Daemon[] = [];

function startAgent(env: Record<string, string>): Daemon {
  const child = spawn(node, [bundle, "run"], {
    env: { PATH: "/usr/bin:/bin", BATON_ENV_FILE: join(dir, "agent.env"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const daemon: Daemon = {
    child,
    lines: [],
    stderr: [],
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))),
  };
  let buffered = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const part of parts) if (part) daemon.lines.push(JSON.parse(part));
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => daemon.stderr.push(chunk));
  daemons.push(daemon);
  return daemon;
}

async function enroll(name: string) {
  return adminApi<{ member: Member; secret: string }>(
    plane as ControlPlane,
    "POST",
    `/api/v1/pools/${poolId}/members`,
    { name, hostname: name, allowedIps: ["127.0.0.1"] },
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-agent-test-"));
  writeFileSync(join(dir, "agent.env"), "# the test's environment only\n");
  try {
    node = systemNode20();
    await run(process.execPath, [join(root, "scripts", "build-agent.mjs")], { timeout: 60_000 });
    plane = await startControlPlane(root, { tempPrefix: "baton-agent-e2e-" });
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "agent-e2e",
      profile: "generic",
      failoverHostname: "lb-agent.example.com",
    });
    poolId = pool.id;
  } catch (error) {
    startError = error; // every case then fails with it, rather than being skipped
  }
}, 150_000);

afterAll(async () => {
  for (const daemon of daemons) {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill("SIGKILL");
      await daemon.exited;
    }
  }
  await plane?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the bundled agent under system Node 20", () => {
  it("comes online, reports its version, and exits 0 on SIGTERM", async () => {
    if (startError) throw startError;
    const { member, secret } = await enroll("edge-agent-1");
    const daemon = startAgent({
      BATON_URL: (plane as ControlPlane).url,
      BATON_TOKEN: secret,
      BATON_HOSTNAME: "edge-agent-1",
      BATON_PUBLIC_IP: "192.0.2.10",
    });
    const seen = await waitFor(
      "the member to be online with an agent version",
      async () => {
        if (daemon.child.exitCode !== null) {
          throw new Error(`agent exited ${daemon.child.exitCode}: ${daemon.stderr.join("")}`);
        }
        const { member: now } = await adminApi<{ member: Member }>(
          plane as ControlPlane,
          "GET",
          `/api/v1/members/${member.id}`,
        );
        return now.status === "online" && now.agentVersion ? now : null;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(seen?.agentVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(seen?.publicIp).toBe("192.0.2.10");
    expect(daemon.lines.some((line) => line.msg === "heartbeat accepted")).toBe(true);

    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(daemon.lines.at(-1)?.msg).toBe("agent stopping");
  }, 60_000);

  it("with a wrong secret logs bad_secret once, with the fix, and keeps running", async () => {
    if (startError) throw startError;
    await enroll("edge-agent-2");
    const daemon = startAgent({
      BATON_URL: (plane as ControlPlane).url,
      BATON_TOKEN: "x".repeat(48),
      BATON_HOSTNAME: "edge-agent-2",
    });
    await waitFor(
      "the refusal to be logged",
      () => daemon.lines.some((line) => line.msg === "heartbeat refused"),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    // Long enough for several retries (backoff starts under 1 s).
    await sleep(4_000);
    const refused = daemon.lines.filter((line) => line.msg === "heartbeat refused");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      level: "error",
      code: "bad_secret",
      status: 401,
      fix: "rotate the member's secret and update BATON_TOKEN",
    });
    expect(daemon.child.exitCode).toBeNull();
    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
