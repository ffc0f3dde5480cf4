// The bundled agent's transport (agent/transport/, decision 0023) under the system Node 20
// against a real control plane: it heartbeats over the WebSocket, a queued job reaches it without
// waiting for a heartbeat, and behind a proxy that refuses WebSocket upgrades it falls back to
// HTTP heartbeats by itself and stays online.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Job, Member } from "../../../shared/index";
import { adminApi, type ControlPlane, startControlPlane } from "../../harness/control-plane.mjs";
import { waitFor } from "../../harness/failover.mjs";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bundle = join(root, "dist", "agent", "baton-agent.mjs");
/** Long enough that a job delivered within it was pushed, not carried by a heartbeat answer. */
const INTERVAL_MS = 20_000;

interface Agent {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<unknown>;
}

let plane: ControlPlane;
let poolId: string;
let dir: string;
const agents: Agent[] = [];
let proxy: Server | undefined;

function startAgent(env: Record<string, string>): Agent {
  const child = spawn("/usr/bin/node", [bundle, "run"], {
    env: { PATH: "/usr/bin:/bin", BATON_ENV_FILE: join(dir, "agent.env"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const agent: Agent = {
    child,
    lines: [],
    exited: new Promise((resolve) => child.on("exit", resolve)),
  };
  let buffered = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const part of parts) if (part) agent.lines.push(JSON.parse(part));
  });
  agents.push(agent);
  return agent;
}

async function enrolledAgent(name: string, url = plane.url) {
  const { member, secret } = await adminApi<{ member: Member; secret: string }>(
    plane,
    "POST",
    `/api/v1/pools/${poolId}/members`,
    { name, hostname: name, allowedIps: ["127.0.0.1"] },
  );
  const agent = startAgent({
    BATON_URL: url,
    BATON_TOKEN: secret,
    BATON_HOSTNAME: name,
    BATON_SERVICE_MANAGER: "direct",
    BATON_STATE_DIR: join(dir, `state-${name}`),
  });
  return { member, agent };
}

async function memberOf(id: string): Promise<Member> {
  return (await adminApi<{ member: Member }>(plane, "GET", `/api/v1/members/${id}`)).member;
}

function online(id: string) {
  return waitFor(`member ${id} online`, async () => (await memberOf(id)).status === "online", {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
}

/** A reverse proxy to the control plane that answers every WebSocket upgrade 403, as some do. */
async function upgradeRefusingProxy(target: string): Promise<string> {
  const to = new URL(target);
  proxy = createServer((incoming, outgoing) => {
    const forward = request(
      {
        host: to.hostname,
        port: to.port,
        path: incoming.url,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    incoming.pipe(forward);
  });
  proxy.on("upgrade", (_request, socket) => {
    socket.end(
      "HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 26\r\n\r\nWebSockets are not allowed",
    );
  });
  await new Promise<void>((resolve) => proxy?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-transport-test-"));
  writeFileSync(join(dir, "agent.env"), "# the test's environment only\n");
  execFileSync("/usr/bin/node", ["--version"]);
  await promisify(execFile)(process.execPath, [join(root, "scripts", "build-agent.mjs")], {
    timeout: 60_000,
  });
  plane = await startControlPlane(root, {
    tempPrefix: "baton-transport-",
    vars: { HEARTBEAT_INTERVAL_MS: String(INTERVAL_MS) },
  });
  const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
    name: "transport",
    profile: "generic",
    failoverHostname: "lb-transport.example.com",
    failoverDelayS: 120,
  });
  poolId = pool.id;
}, 150_000);

afterAll(async () => {
  for (const agent of agents) {
    if (agent.child.exitCode === null && agent.child.signalCode === null) {
      agent.child.kill("SIGKILL");
      await agent.exited;
    }
  }
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(null)));
  await plane?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the agent's transport", () => {
  it("heartbeats over the WebSocket and gets a queued job pushed at once", async () => {
    const { member, agent } = await enrolledAgent("edge-ws");
    await online(member.id);
    expect(agent.lines).toContainEqual(expect.objectContaining({ msg: "transport: WebSocket" }));

    // Right after a beat, the next is INTERVAL_MS away: a job that starts before it was pushed.
    const lastBeat = (await memberOf(member.id)).lastHeartbeatAt;
    const { job } = await adminApi<{ job: Job }>(
      plane,
      "POST",
      `/api/v1/members/${member.id}/jobs`,
      {
        kind: "agent.update",
        payload: { version: "9.9.9", sha256: "0".repeat(64) },
      },
    );
    const ended = await waitFor(
      "the job to end",
      async () => {
        const found = (await adminApi<{ job: Job }>(plane, "GET", `/api/v1/jobs/${job.id}`)).job;
        return ["succeeded", "failed"].includes(found.status) ? found : null;
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    // No release key on this VM: acknowledged, run, refused by the agent, reported.
    expect(ended?.status).toBe("failed");
    expect(ended?.startedAt).not.toBeNull();
    expect((await memberOf(member.id)).lastHeartbeatAt).toBe(lastBeat);
  }, 60_000);

  it("falls back to HTTP heartbeats when the upgrade is refused, and stays online", async () => {
    const through = await upgradeRefusingProxy(plane.url);
    const { member, agent } = await enrolledAgent("edge-http", through);
    await online(member.id);
    const fallback = agent.lines.find(
      (line) => line.msg === "transport: HTTP (WebSocket unavailable)",
    );
    expect(fallback).toMatchObject({
      transport: "http",
      reason: "the WebSocket upgrade was answered with 403",
    });
    expect(agent.lines.some((line) => line.msg === "transport: WebSocket")).toBe(false);
    expect(agent.lines.some((line) => line.msg === "heartbeat refused")).toBe(false);
  }, 60_000);
});
