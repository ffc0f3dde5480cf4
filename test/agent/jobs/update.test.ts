/**
 * agent.update against a bundle served by a local HTTP server through the real control plane
 * client: a good bundle replaces the live file (previous kept as .prev), and a checksum mismatch,
 * a bundle claiming another version or one that does not run leave the live file untouched.
 */
import { createHash } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ControlPlaneClient } from "../../../agent/control-plane";
import { exec } from "../../../agent/exec";
import { createAgentUpdate } from "../../../agent/jobs/update";
import type { ServiceManager } from "../../../agent/services/manager";
import { testJob } from "./job-context";

/** A stand-in bundle: prints `version` like baton-agent does, nothing else. */
const fakeBundle = (version: string) =>
  `if (process.argv[2] === "version") process.stdout.write(${JSON.stringify(`${version}\n`)});\n`;
const OLD = fakeBundle("1.0.0");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

let served = "";
let requests: { url?: string; authorization?: string }[] = [];
let server: Server;
let client: ControlPlaneClient;
let dir: string;
let live: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization });
    if (req.url !== "/agent/baton-agent.mjs") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/javascript" }).end(served);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  client = new ControlPlaneClient({
    url: `http://127.0.0.1:${port}`,
    token: "t0ken",
    version: "1.0.0",
  });
});

afterAll(async () => {
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-update-test-"));
  live = join(dir, "baton-agent.mjs");
  await writeFile(live, OLD);
  await chmod(live, 0o750);
  requests = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The bundle `npm run build` makes (vitest.config.ts builds it before the tests start). */
const REAL_BUNDLE = fileURLToPath(new URL("../../../dist/agent/baton-agent.mjs", import.meta.url));
/** The VM's Node: the agent runs under the system Node 20, not vitest's Node 22. */
const SYSTEM_NODE = "/usr/bin/node";

/** Runs agent.update for `payload` with the live file at `bundlePath`. */
async function update(
  payload: { version: string; sha256: string },
  bundlePath = live,
  nodePath?: string,
) {
  const installed: string[] = [];
  const job = testJob({
    kind: "agent.update",
    services: {} as ServiceManager,
    api: {
      uploadBackup: () => Promise.reject(new Error("not used")),
      downloadBackup: () => Promise.reject(new Error("not used")),
      downloadAgentBundle: () => client.downloadAgentBundle(),
    },
  });
  const handler = createAgentUpdate({
    bundlePath,
    nodePath,
    onInstalled: (version) => installed.push(version),
  });
  const outcome = await handler(payload, job.ctx).then(
    () => null,
    (error: Error) => error,
  );
  return { error: outcome, installed, lines: job.lines };
}

describe("agent.update", () => {
  it("replaces the live bundle atomically, keeps the previous one, then asks for a restart", async () => {
    served = fakeBundle("1.2.3");
    const { error, installed, lines } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error).toBeNull();
    expect(await readFile(live, "utf8")).toBe(served);
    expect(await readFile(`${live}.prev`, "utf8")).toBe(OLD);
    expect((await stat(live)).mode & 0o777).toBe(0o750);
    expect((await readdir(dir)).sort()).toEqual(["baton-agent.mjs", "baton-agent.mjs.prev"]);
    expect(installed).toEqual(["1.2.3"]);
    expect(lines.join("\n")).toContain("reports version 1.2.3");
    const ran = await exec(process.execPath, [live, "version"], { timeoutMs: 10_000 });
    expect(ran.stdout).toBe("1.2.3\n");
    expect(requests).toEqual([{ url: "/agent/baton-agent.mjs", authorization: "Bearer t0ken" }]);
  });

  it("refuses a bundle whose checksum differs, writing nothing", async () => {
    served = fakeBundle("1.2.3");
    const { error, installed } = await update({
      version: "1.2.3",
      sha256: sha256(fakeBundle("6.6.6")),
    });
    expect(error?.message).toMatch(/^checksum mismatch: .* nothing was changed$/);
    expect(await readFile(live, "utf8")).toBe(OLD);
    expect(await readdir(dir)).toEqual(["baton-agent.mjs"]);
    expect(installed).toEqual([]);
  });

  it("refuses a bundle that reports another version", async () => {
    served = fakeBundle("1.2.2");
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toBe(
      'the new bundle says it is version "1.2.2", the job expects 1.2.3; nothing was changed',
    );
    expect(await readFile(live, "utf8")).toBe(OLD);
    expect(await readdir(dir)).toEqual(["baton-agent.mjs"]);
    expect(installed).toEqual([]);
  });

  it("refuses a bundle that does not run", async () => {
    served = "this is not javascript (\n";
    const { error } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toMatch(
      /^the new bundle does not run: node exited 1: .*nothing was changed$/,
    );
    expect(await readFile(live, "utf8")).toBe(OLD);
    expect(await readdir(dir)).toEqual(["baton-agent.mjs"]);
  });

  it("updates the file a symlinked path points at, leaving the link", async () => {
    served = fakeBundle("1.2.3");
    const link = join(dir, "current.mjs");
    await symlink(live, link);
    const { error } = await update({ version: "1.2.3", sha256: sha256(served) }, link);
    expect(error).toBeNull();
    expect(await readFile(link, "utf8")).toBe(served);
    expect((await readdir(dir)).sort()).toEqual([
      "baton-agent.mjs",
      "baton-agent.mjs.prev",
      "current.mjs",
    ]);
  });
});

describe("agent.update with the real bundle under the system Node", () => {
  it("stages, checks and installs the bundle npm run build makes", async () => {
    const real = await readFile(REAL_BUNDLE);
    const version = (
      await exec(SYSTEM_NODE, [REAL_BUNDLE, "version"], { timeoutMs: 10_000 })
    ).stdout.trim();
    served = real.toString("utf8");
    const { error, installed, lines } = await update(
      { version, sha256: sha256(served) },
      live,
      SYSTEM_NODE,
    );
    expect(error).toBeNull();
    expect(installed).toEqual([version]);
    expect(lines.join("\n")).toContain(`reports version ${version}`);
    expect((await readFile(live)).equals(real)).toBe(true);
    const ran = await exec(SYSTEM_NODE, [live, "--version"], { timeoutMs: 10_000 });
    expect(ran.stdout).toBe(`${version}\n`);
  });
});
