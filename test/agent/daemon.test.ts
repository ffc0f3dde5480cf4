// The bundled agent (dist/agent/baton-agent.mjs, built here) under this machine's system Node 20
// against a real local control plane (`wrangler dev` on loopback): it comes online, stops cleanly
// on SIGTERM, with a wrong secret logs bad_secret once and keeps running, and runs a queued job
// (nginx.config.apply on a real nginx it manages in direct mode) and reports its result, and
// refuses by its local policy an HAProxy config with a `program` section that an admin queued,
// sends a config that cannot bind to a standby canary before the active (issue #12 item 4),
// and refuses restores of hostile archives uploaded with a stolen member secret.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ArchiveEntry, packTarGz } from "../../agent/jobs/archive";
import { sha256Hex } from "../../agent/jobs/backup";
import { DirectServiceManager } from "../../agent/services/direct";
import type { Job, JobKind, JobKindAvailability, Member } from "../../shared/index";
import type { Pool } from "../../shared/pools";
import type { JobSchedule } from "../../shared/schedules";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { waitFor } from "../harness/failover.mjs";
import { prepareHaproxy } from "./haproxy/haproxy-instance";
import { type NginxSite, prepareNginx } from "./nginx/nginx-instance";
import { startTraffic } from "./services/traffic";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bundle = join(root, "dist", "agent", "baton-agent.mjs");
const run = promisify(execFile);
/** The flags install.sh's wrapper runs the agent with (AGENT_NODE_FLAGS), read from it. */
const NODE_FLAGS = (
  /^AGENT_NODE_FLAGS="([^"]*)"$/m.exec(readFileSync(join(root, "install.sh"), "utf8"))?.[1] ?? ""
)
  .split(" ")
  .filter(Boolean);

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
const cleanups: (() => Promise<void>)[] = [];

function startAgent(env: Record<string, string>): Daemon {
  const child = spawn(node, [...NODE_FLAGS, bundle, "run"], {
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

async function enroll(name: string, pool = poolId) {
  return adminApi<{ member: Member; secret: string }>(
    plane as ControlPlane,
    "POST",
    `/api/v1/pools/${pool}/members`,
    { name, hostname: name, allowedIps: ["127.0.0.1"] },
  );
}

/** Polls a job until it ends; its final state. */
async function jobEnded(cp: ControlPlane, jobId: string, timeoutMs = 30_000) {
  return waitFor(
    `job ${jobId} to finish`,
    async () => {
      const { job } = await adminApi<{ job: Job }>(cp, "GET", `/api/v1/jobs/${jobId}`);
      return ["succeeded", "failed", "timed_out", "cancelled"].includes(job.status) ? job : null;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

/**
 * A real HAProxy the test runs (direct mode), a member enrolled as `name`, and the bundled agent
 * managing it, started once the member may run `kind`. `env` starts the agent again.
 */
async function haproxyAgent(
  name: string,
  kind: JobKind,
  options: { poolId?: string; env?: Record<string, string> } = {},
) {
  const cp = plane as ControlPlane;
  const site = await prepareHaproxy();
  const stateDir = join(dir, `state-${name}`);
  const haproxy = new DirectServiceManager({
    runDir: join(stateDir, "run"),
    paths: { haproxy: site.paths, nginx: { binary: "nginx-absent", configFile: "/nonexistent" } },
  });
  cleanups.push(async () => {
    await haproxy.stop("haproxy");
    await site.cleanup();
  });
  await haproxy.start("haproxy");
  const { member, secret } = await enroll(name, options.poolId);
  const env = {
    BATON_URL: cp.url,
    BATON_TOKEN: secret,
    BATON_HOSTNAME: name,
    BATON_SERVICE_MANAGER: "direct",
    BATON_STATE_DIR: stateDir,
    BATON_HAPROXY_CONFIG: site.configFile,
    BATON_HAPROXY_SOCKET: site.adminSocket,
    BATON_NGINX_CONFIG: join(dir, "no-nginx.conf"),
    ...options.env,
  };
  const daemon = startAgent(env);
  await waitFor(
    `${kind} to be allowed`,
    async () => {
      const { kinds } = await adminApi<{ kinds: JobKindAvailability[] }>(
        cp,
        "GET",
        `/api/v1/members/${member.id}/job-kinds`,
      );
      return kinds.find((one) => one.kind === kind)?.allowed === true;
    },
    { timeoutMs: 20_000, intervalMs: 250 },
  );
  return { cp, site, member, secret, env, daemon };
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
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await plane?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the bundled agent under system Node 20", () => {
  it("runs with the Node flags install.sh gives it", () => {
    expect(NODE_FLAGS).toEqual(["--jitless", "--no-expose-wasm", "--max-semi-space-size=1"]);
  });

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
    // The control plane records the beat before the agent has read the answer: wait for its log.
    await waitFor(
      "the agent to log the accepted heartbeat",
      () => daemon.lines.some((line) => line.msg === "heartbeat accepted"),
      { timeoutMs: 5_000, intervalMs: 50 },
    );

    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(daemon.lines.at(-1)?.msg).toBe("agent stopping");
    expect(daemon.stderr.join("")).toBe(""); // journald gets JSON lines only, no Node warnings
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

  // The API and the agent read cron with one grammar (shared/cron.ts): nothing stored is skipped.
  it("arms every schedule the control plane accepted, in the grammar it checked", async () => {
    if (startError) throw startError;
    const cp = plane as ControlPlane;
    const { pool } = await adminApi<{ pool: Pool }>(cp, "POST", "/api/v1/pools", {
      name: "agent-e2e-schedules",
      profile: "haproxy",
      failoverHostname: "lb-schedules.example.com",
    });
    const { member, secret } = await adminApi<{ member: Member; secret: string }>(
      cp,
      "POST",
      `/api/v1/pools/${pool.id}/members`,
      { name: "edge-agent-schedules", hostname: "edge-agent-schedules", allowedIps: ["127.0.0.1"] },
    );
    // node-cron, the agent's scheduler before, refused the first, which the API had stored.
    const crons = ["5/10 * * * *", "@daily", "0 0 13 * fri", "30 2 * * 7"];
    const { schedules } = await adminApi<{ schedules: JobSchedule[] }>(
      cp,
      "PUT",
      `/api/v1/members/${member.id}/schedules`,
      { schedules: crons.map((cron) => ({ kind: "haproxy.backup", cron })) },
    );
    expect(schedules.map((schedule) => schedule.cron)).toEqual(crons);
    const daemon = startAgent({
      BATON_URL: cp.url,
      BATON_TOKEN: secret,
      BATON_HOSTNAME: "edge-agent-schedules",
    });
    const armed = await waitFor(
      "the agent to arm its schedules",
      () => daemon.lines.find((line) => line.msg === "schedules armed"),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(armed).toMatchObject({ skipped: 0 });
    expect(armed?.schedules).toEqual(schedules.map((schedule) => schedule.id));
    expect(
      daemon.lines.filter((line) => String(line.msg).startsWith("schedule not armed")),
    ).toEqual([]);

    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);

  it("runs a queued job on a real nginx it manages, and reports the result", async () => {
    if (startError) throw startError;
    const cp = plane as ControlPlane;
    const site: NginxSite = await prepareNginx();
    const stateDir = join(dir, "state-job");
    // The agent's direct manager keeps its pid files in <stateDir>/run; the test starts nginx
    // through one of its own on the same directory, as an earlier agent run would have.
    const nginx = new DirectServiceManager({
      runDir: join(stateDir, "run"),
      paths: {
        haproxy: { binary: "haproxy-absent", configFile: "/nonexistent" },
        nginx: site.paths,
      },
    });
    cleanups.push(async () => {
      await nginx.stop("nginx");
      await site.cleanup();
    });
    await nginx.start("nginx");
    const { member, secret } = await enroll("edge-agent-3");
    const kinds = () =>
      adminApi<{ kinds: JobKindAvailability[] }>(
        cp,
        "GET",
        `/api/v1/members/${member.id}/job-kinds`,
      );
    const applyAllowed = async () =>
      (await kinds()).kinds.find((kind) => kind.kind === "nginx.config.apply")?.allowed;
    // A generic pool runs nginx jobs only once the agent has reported nginx installed.
    expect(await applyAllowed()).toBe(false);

    const daemon = startAgent({
      BATON_URL: cp.url,
      BATON_TOKEN: secret,
      BATON_HOSTNAME: "edge-agent-3",
      BATON_SERVICE_MANAGER: "direct",
      BATON_STATE_DIR: stateDir,
      BATON_NGINX_CONFIG: site.configFile,
      BATON_HAPROXY_CONFIG: join(dir, "no-haproxy.cfg"),
      // The site keeps its logs and pid beside its config: the VM admin allows that directory.
      BATON_ALLOWED_DIRS: site.dir,
    });
    await waitFor("nginx jobs to be allowed", async () => (await applyAllowed()) === true, {
      timeoutMs: 20_000,
      intervalMs: 250,
    });

    const config = site.config.replace('return 200 "ok\\n";', 'return 200 "applied by baton\\n";');
    expect(config).not.toBe(site.config);
    const { job } = await adminApi<{ job: Job }>(cp, "POST", `/api/v1/members/${member.id}/jobs`, {
      kind: "nginx.config.apply",
      payload: { config },
    });
    const done = await waitFor(
      "the job to finish",
      async () => {
        if (daemon.child.exitCode !== null) {
          throw new Error(`agent exited ${daemon.child.exitCode}: ${daemon.stderr.join("")}`);
        }
        const { job: now } = await adminApi<{ job: Job }>(cp, "GET", `/api/v1/jobs/${job.id}`);
        return ["succeeded", "failed", "timed_out", "cancelled"].includes(now.status) ? now : null;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(done).toMatchObject({ status: "succeeded", exitCode: 0 });
    expect(done?.outputTail).toContain(`${site.configFile} replaced`);
    // nginx reloads gracefully: old workers answer until the new ones are up, which on a
    // loaded machine can be a moment after the job reported.
    const served = await waitFor(
      "nginx to serve the applied config",
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${site.port}/`)).text();
        return text === "applied by baton\n" ? text : null;
      },
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(served).toBe("applied by baton\n");

    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 90_000);

  it("refuses queued HAProxy configs with a program section or a foreign crt-list by its local policy", async () => {
    if (startError) throw startError;
    const { cp, site, member, daemon } = await haproxyAgent("edge-agent-4", "haproxy.config.apply");

    // `master-worker` makes `haproxy -c` accept the section; the reload would start it as root.
    const marker = join(site.dir, "program-ran");
    const config = site.config
      .replace("global\n", "global\n  master-worker\n")
      .concat(`program marker\n  command /bin/sh -c "id -u > ${marker}"\n`);
    const { job } = await adminApi<{ job: Job }>(cp, "POST", `/api/v1/members/${member.id}/jobs`, {
      kind: "haproxy.config.apply",
      payload: { config },
    });
    const done = await jobEnded(cp, job.id);
    expect(done?.status).toBe("failed");
    expect(done?.outputTail).toContain("refused by the agent's config policy");
    expect(done?.outputTail).toContain(`${site.configFile}:`);
    expect(done?.outputTail).toContain("program: starts a program as root");
    expect(done?.outputTail).toContain("BATON_CONFIG_POLICY=permissive");
    await sleep(500);
    // Had it run, the marker would hold the uid it ran as (0).
    expect(existsSync(marker) ? readFileSync(marker, "utf8").trim() : "not run").toBe("not run");
    expect(readFileSync(site.configFile, "utf8")).toBe(site.config);

    // A crt-list naming a file outside the allowed directories: refused before `haproxy -c`
    // could read it, and not one word of the file reaches the job output viewers read.
    const elsewhere = mkdtempSync(join(tmpdir(), "baton-secret-"));
    cleanups.push(async () => rmSync(elsewhere, { recursive: true, force: true }));
    const secretFile = join(elsewhere, "shadow");
    writeFileSync(secretFile, "root:$6$not-for-viewers:19000:0:99999:7:::\n", { mode: 0o600 });
    const leaky = site.config.concat(
      `frontend tls\n  bind 127.0.0.1:0 ssl crt-list ${secretFile}\n  default_backend be_app\n`,
    );
    const { job: leak } = await adminApi<{ job: Job }>(
      cp,
      "POST",
      `/api/v1/members/${member.id}/jobs`,
      {
        kind: "haproxy.config.apply",
        payload: { config: leaky },
      },
    );
    const leaked = await jobEnded(cp, leak.id);
    expect(leaked?.status).toBe("failed");
    expect(leaked?.outputTail).toContain(secretFile);
    expect(leaked?.outputTail).not.toContain("not-for-viewers");
    expect(readFileSync(site.configFile, "utf8")).toBe(site.config);

    daemon.child.kill("SIGTERM");
    const exit = await Promise.race([daemon.exited, sleep(5_000).then(() => "timeout" as const)]);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 90_000);
  it("sends a config that cannot bind to the standby first: the canary refuses it, the active never loads it, its clients are never refused", async () => {
    if (startError) throw startError;
    const cp = plane as ControlPlane;
    const { pool } = await adminApi<{ pool: Pool }>(cp, "POST", "/api/v1/pools", {
      name: "agent-canary",
      profile: "generic",
      failoverHostname: "lb-canary.example.com",
      // The agents report documentation addresses: a lab pool may point DNS at them.
      allowPrivateAddresses: true,
    });
    const first = await haproxyAgent("edge-canary-a", "haproxy.config.apply", {
      poolId: pool.id,
      env: { BATON_PUBLIC_IP: "198.51.100.31" },
    });
    const active = await waitFor(
      "the first member to become active",
      async () => {
        const { pool: now } = await adminApi<{ pool: Pool }>(cp, "GET", `/api/v1/pools/${pool.id}`);
        return now.activeMemberId;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(active).toBe(first.member.id);
    // Both members run on this one host, so the config both receive names the first's socket
    // and port (held by HAProxy there): the second's VM admin allows that directory.
    const standby = await haproxyAgent("edge-canary-b", "haproxy.config.apply", {
      poolId: pool.id,
      env: { BATON_PUBLIC_IP: "198.51.100.32", BATON_ALLOWED_DIRS: first.site.dir },
    });

    const traffic = startTraffic(first.site.frontendPort);
    const bad = first.site.config.replace(
      `bind 127.0.0.1:${first.site.frontendPort}`,
      `bind 127.0.0.1:${first.site.frontendPort}\n  bind 10.99.99.99:8443`,
    );
    expect(bad).not.toBe(first.site.config);
    const { job: held } = await adminApi<{ job: Job }>(
      cp,
      "POST",
      `/api/v1/members/${first.member.id}/jobs`,
      { kind: "haproxy.config.apply", payload: { config: bad } },
    );
    expect(held.status).toBe("held");
    const canaryId = held.canaryJobId ?? "";
    const canary = await jobEnded(cp, canaryId);
    expect(canary?.memberId).toBe(standby.member.id);
    expect(canary?.status).toBe("failed");
    expect(canary?.outputTail).toContain(
      "listener 10.99.99.99:8443: 10.99.99.99 is not an address of this host",
    );
    const refused = await jobEnded(cp, held.id);
    const { failures, ok } = await traffic.stop();
    expect(refused?.status).toBe("failed");
    expect(refused?.deliveredAt).toBeNull(); // the active's agent never received it
    expect(refused?.outputTail).toContain(`the same change on edge-canary-b (canary ${canaryId})`);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(readFileSync(first.site.configFile, "utf8")).toBe(first.site.config);
    expect(readFileSync(standby.site.configFile, "utf8")).toBe(standby.site.config);
  }, 90_000);

  it("refuses hostile archives a stolen member secret uploaded: nothing lands outside", async () => {
    if (startError) throw startError;
    const agent = await haproxyAgent("edge-agent-5", "haproxy.restore");
    const { cp, site, member, secret, env } = agent;
    let { daemon } = agent;
    const jobsPath = `/api/v1/members/${member.id}/jobs`;
    daemon.child.kill("SIGTERM");
    await daemon.exited;

    // The attacker holds the member's secret and answers two backup jobs before the agent does.
    const elsewhere = mkdtempSync(join(tmpdir(), "baton-victim-"));
    cleanups.push(async () => rmSync(elsewhere, { recursive: true, force: true }));
    const victim = join(elsewhere, "victim.txt");
    writeFileSync(victim, "precious\n");
    const entry = (path: string, body: string): ArchiveEntry => ({
      mode: 0o644,
      uid: 0,
      gid: 0,
      mtimeS: 0,
      path,
      type: "file",
      data: new TextEncoder().encode(body),
    });
    const link = (path: string, target: string): ArchiveEntry => ({
      ...entry(path, ""),
      type: "symlink",
      target,
    });
    const manifest = (external: { path: string; original: string }[]) =>
      entry(
        "baton-backup.json",
        JSON.stringify({
          format: 1,
          service: "haproxy",
          hostname: "edge-agent-5",
          createdAt: 0,
          configDir: "/etc/haproxy",
          configFile: "haproxy.cfg",
          external,
        }),
      );
    const hostile = {
      chain: [
        manifest([]),
        entry("config/haproxy.cfg", site.config),
        link("config/d", "."),
        link("config/e", "d/.."),
        entry("config/e/planted", "written through a link"),
      ],
      external: [
        manifest([{ path: "external/0/victim.txt", original: victim }]),
        entry("config/haproxy.cfg", `${site.config}\n# description crt ${victim}\n`),
        entry("external/0/victim.txt", "overwritten\n"),
      ],
    };
    const uploaded: Record<string, string> = {};
    for (const [name, entries] of Object.entries(hostile)) {
      const { job } = await adminApi<{ job: Job }>(cp, "POST", jobsPath, {
        kind: "haproxy.backup",
        payload: {},
      });
      const archive = packTarGz(entries);
      const response = await fetch(`${cp.url}/agent/v1/backups?service=haproxy`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${secret}`,
          "X-Baton-Sha256": sha256Hex(archive),
          "X-Baton-Job-Id": job.id,
        },
        body: archive,
      });
      expect(response.status).toBe(201);
      uploaded[name] = ((await response.json()) as { backup: { id: string } }).backup.id;
    }

    daemon = startAgent(env);
    const outputs: Record<string, string> = {};
    for (const [name, backupId] of Object.entries(uploaded)) {
      const { job } = await adminApi<{ job: Job }>(cp, "POST", jobsPath, {
        kind: "haproxy.restore",
        payload: { backupId },
      });
      const done = await jobEnded(cp, job.id, 60_000);
      expect(done?.status, `${name}: ${done?.outputTail}`).toBe("failed");
      outputs[name] = done?.outputTail ?? "";
    }
    expect(outputs.chain).toMatch(/archive entry "config\/(d|e)/);
    expect(outputs.external).toContain(victim);
    expect(outputs.external, outputs.external).toContain("BATON_ALLOWED_DIRS");
    // Nothing escaped: no file beside the config dir, the victim intact, the live config kept.
    expect(existsSync(join(dirname(site.dir), "planted"))).toBe(false);
    expect(readFileSync(victim, "utf8")).toBe("precious\n");
    expect(readFileSync(site.configFile, "utf8")).toBe(site.config);

    daemon.child.kill("SIGTERM");
    await daemon.exited;
  }, 150_000);
});
