/**
 * agent.update against a bundle and signature served by a local HTTP server through the real
 * control plane client. A bundle signed with the pinned release key replaces the live file
 * (previous kept as .prev), including the real bundle `npm run build` makes, run under the system
 * Node 20 as on a VM. An unsigned, wrongly signed or altered bundle, a checksum mismatch, a bundle
 * claiming another version or one that does not run leave the live file untouched, and with no
 * key pinned the job is refused before anything is downloaded.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ControlPlaneClient } from "../../../agent/control-plane";
import { exec } from "../../../agent/exec";
import { createAgentUpdate, NO_RELEASE_KEY } from "../../../agent/jobs/update";
import type { ServiceManager } from "../../../agent/services/manager";
import { testJob } from "./job-context";

/** A stand-in bundle: prints `version` like baton-agent does, nothing else. */
const fakeBundle = (version: string) =>
  `if (process.argv[2] === "version") process.stdout.write(${JSON.stringify(`${version}\n`)});\n`;
const OLD = fakeBundle("1.0.0");
const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** The bundle `npm run build` makes (vitest.config.ts builds it before the tests start). */
const REAL_BUNDLE = fileURLToPath(new URL("../../../dist/agent/baton-agent.mjs", import.meta.url));
/** The VM's Node: the agent runs under the system Node 20, not vitest's Node 22. */
const SYSTEM_NODE = "/usr/bin/node";

/** A release key pair like `npm run release:keygen` makes; the public half in base64. */
function releaseKeyPair(): { privateKey: KeyObject; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" });
  return { privateKey, publicKey: Buffer.from(x as string, "base64url").toString("base64") };
}
const release = releaseKeyPair();
const otherKey = releaseKeyPair();
/** What `npm run release:sign` writes to baton-agent.mjs.sig. */
const signed = (bytes: string | Uint8Array, key = release.privateKey) =>
  `${sign(null, Buffer.from(bytes), key).toString("base64")}\n`;

let served: string | Buffer = "";
let servedSignature: string | null = null;
let requests: { url?: string; authorization?: string }[] = [];
let server: Server;
let client: ControlPlaneClient;
let dir: string;
let live: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url, authorization: req.headers.authorization });
    if (req.url === "/agent/baton-agent.mjs") {
      return void res.writeHead(200, { "content-type": "text/javascript" }).end(served);
    }
    if (req.url === "/agent/baton-agent.mjs.sig" && servedSignature !== null) {
      return void res.writeHead(200, { "content-type": "text/plain" }).end(servedSignature);
    }
    res.writeHead(404).end();
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

/** Serves `bundle` with the release key's signature (or `signature` when given). */
function serve(bundle: string | Buffer, signature: string | null = signed(bundle)) {
  served = bundle;
  servedSignature = signature;
}

/** Runs agent.update for `payload` with the live file at `bundlePath`. */
async function update(
  payload: { version: string; sha256: string },
  options: { bundlePath?: string; nodePath?: string; releaseKey?: string | null } = {},
) {
  const installed: string[] = [];
  const releaseKey = options.releaseKey === undefined ? release.publicKey : options.releaseKey;
  const job = testJob({
    kind: "agent.update",
    services: {} as ServiceManager,
    config: releaseKey === null ? {} : { releaseKey },
    api: {
      uploadBackup: () => Promise.reject(new Error("not used")),
      downloadBackup: () => Promise.reject(new Error("not used")),
      downloadAgentBundle: () => client.downloadAgentBundle(),
      downloadAgentSignature: () => client.downloadAgentSignature(),
      downloadCertificate: () => Promise.reject(new Error("not used")),
    },
  });
  const handler = createAgentUpdate({
    bundlePath: options.bundlePath ?? live,
    nodePath: options.nodePath,
    onInstalled: (version) => installed.push(version),
  });
  const outcome = await handler(payload, job.ctx).then(
    () => null,
    (error: Error) => error,
  );
  return { error: outcome, installed, lines: job.lines };
}

/** The live file is the old one, alone in its directory, and no restart was asked for. */
async function expectUntouched(installed: string[]) {
  expect(await readFile(live, "utf8")).toBe(OLD);
  expect(await readdir(dir)).toEqual(["baton-agent.mjs"]);
  expect(installed).toEqual([]);
}

describe("agent.update", () => {
  it("replaces the live bundle atomically, keeps the previous one, then asks for a restart", async () => {
    serve(fakeBundle("1.2.3"));
    const { error, installed, lines } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error).toBeNull();
    expect(await readFile(live, "utf8")).toBe(served);
    expect(await readFile(`${live}.prev`, "utf8")).toBe(OLD);
    expect((await stat(live)).mode & 0o777).toBe(0o750);
    expect((await readdir(dir)).sort()).toEqual(["baton-agent.mjs", "baton-agent.mjs.prev"]);
    expect(installed).toEqual(["1.2.3"]);
    expect(lines.join("\n")).toContain("reports version 1.2.3");
    expect(lines.join("\n")).toContain(`signature verified against the pinned release key`);
    const ran = await exec(process.execPath, [live, "version"], { timeoutMs: 10_000 });
    expect(ran.stdout).toBe("1.2.3\n");
    expect(requests).toEqual([
      { url: "/agent/baton-agent.mjs", authorization: "Bearer t0ken" },
      { url: "/agent/baton-agent.mjs.sig", authorization: "Bearer t0ken" },
    ]);
  });

  it("refuses a bundle whose checksum differs, writing nothing", async () => {
    serve(fakeBundle("1.2.3"));
    const { error, installed } = await update({
      version: "1.2.3",
      sha256: sha256(fakeBundle("6.6.6")),
    });
    expect(error?.message).toMatch(/^checksum mismatch: .* nothing was changed$/);
    await expectUntouched(installed);
  });

  it("refuses a bundle that reports another version", async () => {
    serve(fakeBundle("1.2.2"));
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toBe(
      'the new bundle says it is version "1.2.2", the job expects 1.2.3; nothing was changed',
    );
    await expectUntouched(installed);
  });

  it("refuses a bundle that does not run", async () => {
    serve("this is not javascript (\n");
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toMatch(
      /^the new bundle does not run: node exited 1: SyntaxError: .*nothing was changed$/,
    );
    await expectUntouched(installed);
  });

  it("updates the file a symlinked path points at, leaving the link", async () => {
    serve(fakeBundle("1.2.3"));
    const link = join(dir, "current.mjs");
    await symlink(live, link);
    const { error } = await update(
      { version: "1.2.3", sha256: sha256(served) },
      { bundlePath: link },
    );
    expect(error).toBeNull();
    expect(await readFile(link, "utf8")).toBe(served);
    expect((await readdir(dir)).sort()).toEqual([
      "baton-agent.mjs",
      "baton-agent.mjs.prev",
      "current.mjs",
    ]);
  });
});

describe("agent.update installs only bundles signed with the pinned release key", () => {
  it("with no key pinned, it is refused with how to pin one, before downloading anything", async () => {
    serve(fakeBundle("1.2.3"));
    const { error, installed } = await update(
      { version: "1.2.3", sha256: sha256(served) },
      { releaseKey: null },
    );
    expect(error?.message).toBe(NO_RELEASE_KEY);
    expect(error?.message).toMatch(/re-run install\.sh with --release-key <key>/);
    expect(error?.message).toMatch(/BATON_RELEASE_KEY=<key> to \/etc\/baton\/agent\.env/);
    expect(requests).toEqual([]);
    await expectUntouched(installed);
  });

  it("refuses a bundle signed with another key", async () => {
    serve(fakeBundle("1.2.3"), signed(fakeBundle("1.2.3"), otherKey.privateKey));
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toMatch(
      /^the bundle's signature does not verify against the release key pinned on this VM \([A-Za-z0-9+/]{43}=\): .*nothing was changed$/,
    );
    await expectUntouched(installed);
  });

  it("refuses a bundle altered after signing, even when the job names its checksum", async () => {
    // A compromised control plane serves its own code with the real release's signature and
    // queues the job with a checksum that matches what it serves.
    const evil = `${fakeBundle("1.2.3")}require("node:fs").writeFileSync("/tmp/pwned", "");\n`;
    serve(evil, signed(fakeBundle("1.2.3")));
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(evil) });
    expect(error?.message).toMatch(/^the bundle's signature does not verify/);
    await expectUntouched(installed);
  });

  it("refuses a release deployed without a signature, saying how to sign it", async () => {
    serve(fakeBundle("1.2.3"), null);
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toBe(
      "the control plane serves no release signature (/agent/baton-agent.mjs.sig): sign the bundle with npm run release:sign before wrangler deploy; nothing was changed",
    );
    await expectUntouched(installed);
  });

  it("refuses a signature that is not one", async () => {
    serve(fakeBundle("1.2.3"), "<html>not found</html>\n");
    const { error, installed } = await update({ version: "1.2.3", sha256: sha256(served) });
    expect(error?.message).toMatch(/^the bundle's signature does not verify/);
    await expectUntouched(installed);
  });
});

describe("agent.update with the real bundle under the system Node", () => {
  async function realBundle() {
    const bytes = await readFile(REAL_BUNDLE);
    const ran = await exec(SYSTEM_NODE, [REAL_BUNDLE, "version"], { timeoutMs: 10_000 });
    return { bytes, version: ran.stdout.trim() };
  }

  it("stages, checks and installs the signed bundle npm run build makes", async () => {
    const real = await realBundle();
    serve(real.bytes);
    const { error, installed, lines } = await update(
      { version: real.version, sha256: sha256(real.bytes) },
      { nodePath: SYSTEM_NODE },
    );
    expect(error).toBeNull();
    expect(installed).toEqual([real.version]);
    expect(lines.join("\n")).toContain(`reports version ${real.version}`);
    expect((await readFile(live)).equals(real.bytes)).toBe(true);
    const ran = await exec(SYSTEM_NODE, [live, "--version"], { timeoutMs: 10_000 });
    expect(ran.stdout).toBe(`${real.version}\n`);
  });

  it("leaves the running agent untouched when the real bundle is signed with another key", async () => {
    const real = await realBundle();
    serve(real.bytes, signed(real.bytes, otherKey.privateKey));
    const { error, installed } = await update(
      { version: real.version, sha256: sha256(real.bytes) },
      { nodePath: SYSTEM_NODE },
    );
    expect(error?.message).toMatch(/^the bundle's signature does not verify/);
    await expectUntouched(installed);
  });
});
