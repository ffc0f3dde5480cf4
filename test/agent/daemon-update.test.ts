// agent.update end to end: the real bundle under the system Node 20, against a real local
// control plane (`wrangler dev`) serving the bundle and a release signature as static assets,
// the job queued through the admin API. With the release key pinned the agent installs the
// served bundle over the file it runs from, reports success and exits for systemd to start the
// new file; with no key pinned the job fails saying how to pin one and the agent runs on.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../../agent/exec";
import type { Job, Member } from "../../shared/index";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { waitFor } from "../harness/failover.mjs";
import { assetsDir, repoWithAssets } from "../install/helpers";

const SYSTEM_NODE = "/usr/bin/node";
const served = readFileSync(join(assetsDir, "agent", "baton-agent.mjs"));
const sha256 = createHash("sha256").update(served).digest("hex");
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const releaseKey = Buffer.from(publicKey.export({ format: "jwk" }).x as string, "base64url");

let dir: string;
let plane: ControlPlane | undefined;
let poolId: string;
let version: string;
let startError: unknown;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-update-e2e-"));
  try {
    version = (
      await exec(SYSTEM_NODE, [join(assetsDir, "agent", "baton-agent.mjs"), "version"], {
        timeoutMs: 10_000,
      })
    ).stdout.trim();
    const repo = repoWithAssets(join(dir, "repo"), {
      // What npm run release:sign writes before wrangler deploy.
      "agent/baton-agent.mjs.sig": `${sign(null, served, privateKey).toString("base64")}\n`,
    });
    plane = await startControlPlane(repo, { tempPrefix: "baton-update-plane-" });
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "update-e2e",
      profile: "generic",
      failoverHostname: "lb-update.example.com",
    });
    poolId = pool.id;
  } catch (error) {
    startError = error; // every case then fails with it, rather than being skipped
  }
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await plane?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** An agent running from its own copy of an older build, as /opt/baton/agent holds it. */
async function startAgent(name: string, env: Record<string, string>) {
  if (startError) throw startError;
  const cp = plane as ControlPlane;
  const { member, secret } = await adminApi<{ member: Member; secret: string }>(
    cp,
    "POST",
    `/api/v1/pools/${poolId}/members`,
    { name, hostname: name, allowedIps: ["127.0.0.1"] },
  );
  const home = join(dir, name);
  mkdirSync(home);
  const live = join(home, "baton-agent.mjs");
  const old = Buffer.concat([served, Buffer.from("\n// the build before\n")]);
  writeFileSync(live, old, { mode: 0o755 });
  writeFileSync(join(home, "agent.env"), "");
  const child = spawn(SYSTEM_NODE, [live, "run"], {
    env: {
      PATH: "/usr/bin:/bin",
      BATON_ENV_FILE: join(home, "agent.env"),
      BATON_URL: cp.url,
      BATON_TOKEN: secret,
      BATON_HOSTNAME: name,
      BATON_SERVICE_MANAGER: "direct",
      BATON_STATE_DIR: join(home, "state"),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { member, home, live, old, child, exited, log: () => stdout };
}

async function runUpdate(memberId: string) {
  const cp = plane as ControlPlane;
  const { job } = await adminApi<{ job: Job }>(cp, "POST", `/api/v1/members/${memberId}/jobs`, {
    kind: "agent.update",
    payload: { version, sha256 },
  });
  return waitFor(
    "the agent.update job to finish",
    async () => {
      const { job: now } = await adminApi<{ job: Job }>(cp, "GET", `/api/v1/jobs/${job.id}`);
      return ["succeeded", "failed", "timed_out"].includes(now.status) ? now : null;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

describe("agent.update through the control plane", () => {
  it("with the release key pinned: installs the signed bundle, reports, then exits to restart", async () => {
    const agent = await startAgent("edge-update-1", {
      BATON_RELEASE_KEY: releaseKey.toString("base64"),
    });
    const done = await runUpdate(agent.member.id);
    expect(done).toMatchObject({ status: "succeeded", exitCode: 0 });
    expect(done?.outputTail).toContain("signature verified against the pinned release key");
    expect(done?.outputTail).toContain(`reports version ${version}`);
    // Its result is with the control plane; it exits so that systemd starts the new file.
    const code = await Promise.race([agent.exited, sleep(15_000).then(() => "still running")]);
    expect(code).toBe(0);
    expect(agent.log()).toContain(`restarting into the updated agent ${version}`);
    expect(readFileSync(agent.live).equals(served)).toBe(true);
    expect(readFileSync(`${agent.live}.prev`).equals(agent.old)).toBe(true);
    const ran = await exec(SYSTEM_NODE, [agent.live, "--version"], { timeoutMs: 10_000 });
    expect(ran.stdout).toBe(`${version}\n`);
  }, 120_000);

  it("with no key pinned: the job fails with how to pin one and the agent runs on, untouched", async () => {
    const agent = await startAgent("edge-update-2", {});
    const done = await runUpdate(agent.member.id);
    expect(done?.status).toBe("failed");
    expect(done?.outputTail).toContain("no release key is pinned on this VM");
    expect(done?.outputTail).toContain("re-run install.sh with --release-key <key>");
    expect(agent.child.exitCode).toBeNull();
    expect(readFileSync(agent.live).equals(agent.old)).toBe(true);
    expect(readdirSync(agent.home).sort()).toEqual(["agent.env", "baton-agent.mjs", "state"]);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
  }, 120_000);
});
