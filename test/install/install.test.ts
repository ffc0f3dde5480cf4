// install.sh as the one-liner runs it (piped into bash), in throwaway roots (--root), with a
// recording fake systemctl, against a real local control plane (`wrangler dev`) that serves the
// script, the agent bundle and the unit: the installed agent's first heartbeat is really accepted.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Member } from "../../shared/index";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import {
  argvSpy,
  assetsDir,
  type DistServer,
  fakeNodeTarball,
  fakeSystemctl,
  filesUnder,
  identity,
  makeRoot,
  mode,
  NODE_VERSION,
  repoRoot,
  repoWithAssets,
  runBash,
  runInstaller,
  sha256,
  startDistServer,
} from "./helpers";

/** Per case: install.sh runs real processes; on a loaded machine a case takes more than 5 s. */
const CASE_TIMEOUT_MS = 60_000;

const UNIT = "etc/systemd/system/baton-agent.service";
const ENV = "etc/baton/agent.env";
const BUNDLE = "opt/baton/agent/baton-agent.mjs";
const WRAPPER = "opt/baton/bin/baton-agent";
const DECOY = "a static file must never answer this path\n";
const SYSTEM_NODE_VERSION = execFileSync("/usr/bin/node", ["--version"], {
  encoding: "utf8",
}).trim();

let dir: string;
let plane: ControlPlane | undefined;
let dist: DistServer | undefined;
let script: string;
let startError: unknown;
const members: Record<string, { member: Member; secret: string; installCommand: string }> = {};

/** The admin's release key (npm run release:keygen) and another one, public halves in base64. */
function releaseKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" });
  return { privateKey, publicKey: Buffer.from(x as string, "base64url").toString("base64") };
}
const release = releaseKeyPair();
const otherRelease = releaseKeyPair();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-install-test-"));
  try {
    const repo = repoWithAssets(join(dir, "repo"), {
      "install.sh": DECOY,
      healthz: DECOY,
      "api/v1/pools": DECOY,
      "agent/v1/whoami": DECOY,
      // What npm run release:sign writes beside the bundle before wrangler deploy.
      "agent/baton-agent.mjs.sig": `${sign(
        null,
        readFileSync(join(assetsDir, "agent", "baton-agent.mjs")),
        release.privateKey,
      ).toString("base64")}\n`,
    });
    const tarball = await fakeNodeTarball(join(dir, "tarball"));
    const sums = (hash: string) => `${hash}  ${tarball.name}\n${"0".repeat(64)}  other.tar.gz\n`;
    dist = await startDistServer({
      good: {
        [`v${NODE_VERSION}/${tarball.name}`]: tarball.bytes,
        [`v${NODE_VERSION}/SHASUMS256.txt`]: sums(sha256(tarball.bytes)),
      },
      bad: {
        [`v${NODE_VERSION}/${tarball.name}`]: tarball.bytes,
        [`v${NODE_VERSION}/SHASUMS256.txt`]: sums(sha256("something else")),
      },
    });
    plane = await startControlPlane(repo, {
      tempPrefix: "baton-install-plane-",
      vars: { RELEASE_PUBLIC_KEY: release.publicKey },
    });
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "install-test",
      profile: "generic",
      failoverHostname: "lb-install.example.com",
    });
    for (const hostname of ["edge-install-1", "edge-install-2", "edge-install-3"]) {
      members[hostname] = await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, {
        name: hostname,
        hostname,
        allowedIps: ["127.0.0.1"],
      });
    }
    script = await fetch(`${plane.url}/install.sh`).then((res) => res.text());
  } catch (error) {
    startError = error; // every case then fails with it, rather than being skipped
  }
}, 180_000);

afterAll(async () => {
  await plane?.stop();
  await dist?.close();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function ready(): ControlPlane {
  if (startError) throw startError;
  return plane as ControlPlane;
}

/** A fresh root and fake systemctl under the test's temp directory. */
function sandbox(name: string, osRelease?: string) {
  const base = join(dir, name);
  const root = makeRoot(join(base, "root"), osRelease);
  const tmpDir = join(base, "tmp");
  mkdirSync(tmpDir);
  const fake = fakeSystemctl(join(base, "systemctl"));
  const run = (args: string[], env?: Record<string, string>) =>
    runInstaller(script, ["--root", root, ...args], { fake, tmpDir, env });
  return { root, fake, tmpDir, run, at: (path: string) => join(root, path) };
}

const lines = (text: string) => text.split("\n").filter(Boolean);

describe("the control plane serves the agent as static assets", {
  timeout: CASE_TIMEOUT_MS,
}, () => {
  it("serves the bundle, its checksum, the manifest and the unit from dist/public", async () => {
    const { url } = ready();
    const bundle = Buffer.from(await (await fetch(`${url}/agent/baton-agent.mjs`)).arrayBuffer());
    expect(bundle.equals(readFileSync(join(assetsDir, "agent", "baton-agent.mjs")))).toBe(true);
    const sum = await (await fetch(`${url}/agent/baton-agent.mjs.sha256`)).text();
    expect(sum).toBe(`${sha256(bundle)}  baton-agent.mjs\n`);
    const latest = await (await fetch(`${url}/agent/latest.json`)).json();
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(latest).toEqual({ version, sha256: sha256(bundle), size: bundle.length });
    const unit = await (await fetch(`${url}/agent/baton-agent.service`)).text();
    expect(unit).toBe(readFileSync(join(repoRoot, "systemd", "baton-agent.service"), "utf8"));
  });

  it("never lets a static file shadow the installer, health or API routes", async () => {
    const { url } = ready();
    const installer = await fetch(`${url}/install.sh`);
    expect(installer.headers.get("Content-Type")).toMatch(/^text\/x-shellscript/);
    expect(await installer.text()).toContain(`BATON_URL="\${BATON_URL:-${url}}"`);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const pools = await fetch(`${url}/api/v1/pools`);
    expect(pools.status).toBe(401);
    expect(await pools.json()).toMatchObject({ error: { code: "unauthorized" } });
    const whoami = await fetch(`${url}/agent/v1/whoami`);
    expect(await whoami.text()).not.toBe(DECOY);
    const missing = await fetch(`${url}/agent/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("install.sh against a real control plane", { timeout: CASE_TIMEOUT_MS }, () => {
  const hostname = "edge-install-1";
  const files = [BUNDLE, WRAPPER, ENV, UNIT];
  let box: ReturnType<typeof sandbox>;
  let secret: string;
  const envSettings = () =>
    lines(readFileSync(box.at(ENV), "utf8")).filter((line) => !line.startsWith("#"));
  const snapshot = () => Object.fromEntries(files.map((file) => [file, identity(box.at(file))]));
  const newCalls = (before: number) => box.fake.calls().slice(before);

  it("installs the agent, starts it and waits for its first accepted heartbeat", async () => {
    const { url } = ready();
    box = sandbox("main");
    secret = members[hostname]?.secret as string;
    const result = await box.run(["--token", secret, "--hostname", hostname]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out.every((line) => line.startsWith("baton-install: "))).toBe(true);
    expect(out).toEqual(
      expect.arrayContaining([
        "baton-install: os: Debian GNU/Linux 12 (bookworm) (debian family)",
        `baton-install: control plane: ${url}`,
        `baton-install: node: /usr/bin/node ${SYSTEM_NODE_VERSION} (system)`,
        "baton-install: /etc/baton/agent.env: installed (BATON_URL, BATON_TOKEN, BATON_HOSTNAME)",
        "baton-install: /etc/systemd/system/baton-agent.service: installed",
        "baton-install: service: enabled and started",
        `baton-install: ok: heartbeat accepted by ${url} (interval 1000 ms)`,
      ]),
    );

    const published = readFileSync(join(assetsDir, "agent", "baton-agent.mjs"));
    expect(readFileSync(box.at(BUNDLE)).equals(published)).toBe(true);
    expect(readFileSync(box.at(WRAPPER), "utf8")).toMatch(
      /\nexec \/usr\/bin\/node --jitless --no-expose-wasm --max-semi-space-size=1 \/opt\/baton\/agent\/baton-agent\.mjs "\$@"\n$/,
    );
    expect(mode(box.at(WRAPPER))).toBe("755");
    expect(mode(box.at("etc/baton"))).toBe("700");
    expect(mode(box.at(ENV))).toBe("600");
    expect(envSettings()).toEqual([
      `BATON_URL=${url}`,
      `BATON_TOKEN=${secret}`,
      `BATON_HOSTNAME=${hostname}`,
    ]);
    const unit = readFileSync(box.at(UNIT), "utf8");
    expect(unit).toBe(readFileSync(join(repoRoot, "systemd", "baton-agent.service"), "utf8"));
    expect(box.fake.calls()).toEqual([
      "daemon-reload",
      "is-enabled --quiet baton-agent.service",
      "enable --now baton-agent.service",
      "is-active --quiet baton-agent.service",
    ]);
    expect(filesUnder(box.root)).toEqual(["etc/os-release", ...files].sort());
    const memberId = members[hostname]?.member.id;
    const { member } = await adminApi(ready(), "GET", `/api/v1/members/${memberId}`);
    expect(member).toMatchObject({ status: "online", agentVersion: expect.any(String) });
  });

  it("a second run rewrites nothing, restarts nothing and says so", async () => {
    ready();
    const before = snapshot();
    const calls = box.fake.calls().length;
    const result = await box.run(["--token", secret, "--hostname", hostname]);
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^baton-install: agent \S+: unchanged$/),
        "baton-install: /opt/baton/bin/baton-agent: unchanged",
        "baton-install: /etc/baton/agent.env: unchanged",
        "baton-install: /etc/systemd/system/baton-agent.service: unchanged",
        "baton-install: service: running, unchanged",
      ]),
    );
    expect(out.filter((line) => / (installed|updated|changed)/.test(line))).toEqual([]);
    expect(snapshot()).toEqual(before);
    expect(newCalls(calls)).toEqual([
      "is-enabled --quiet baton-agent.service",
      "is-active --quiet baton-agent.service",
      "is-active --quiet baton-agent.service",
    ]);
  });

  it("a changed option changes only that setting, keeps the token and restarts the agent", async () => {
    const { url } = ready();
    const before = snapshot();
    const calls = box.fake.calls().length;
    const result = await box.run(["--public-ip", "192.0.2.10"]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        "baton-install: /etc/baton/agent.env: updated (BATON_PUBLIC_IP)",
        "baton-install: service: restarted",
        `baton-install: ok: heartbeat accepted by ${url} (interval 1000 ms)`,
      ]),
    );
    expect(envSettings()).toEqual([
      `BATON_URL=${url}`,
      `BATON_TOKEN=${secret}`,
      `BATON_HOSTNAME=${hostname}`,
      "BATON_PUBLIC_IP=192.0.2.10",
    ]);
    expect(mode(box.at(ENV))).toBe("600");
    const after = snapshot();
    expect(after[ENV]).not.toBe(before[ENV]);
    expect({ ...after, [ENV]: "" }).toEqual({ ...before, [ENV]: "" });
    expect(newCalls(calls)).toEqual([
      "is-enabled --quiet baton-agent.service",
      "is-active --quiet baton-agent.service",
      "restart baton-agent.service",
      "is-active --quiet baton-agent.service",
    ]);
  });

  it("a wrong token is refused: the agent's fix is printed and the exit status is 1", async () => {
    ready();
    const result = await box.run(["--token", "WrongSecret0123456789abcdefghijklmnopqrstuvwxyzAB"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^baton-install: refused: bad_secret: .*\(fix: rotate the member's secret and update BATON_TOKEN\)$/m,
    );
    expect(result.stderr).toMatch(/^baton-install: error: the control plane refused the agent/m);
    expect(envSettings()).toContain(
      "BATON_TOKEN=WrongSecret0123456789abcdefghijklmnopqrstuvwxyzAB",
    );
  });

  it("--uninstall stops the agent and removes every trace", async () => {
    ready();
    mkdirSync(box.at("var/lib/baton/backups"), { recursive: true });
    writeFileSync(box.at("var/lib/baton/backups/state.json"), "{}\n");
    mkdirSync(box.at(`${UNIT}.d`));
    writeFileSync(box.at(`${UNIT}.d/override.conf`), "[Service]\nNice=5\n");
    const calls = box.fake.calls().length;
    const result = await box.run(["--uninstall"]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      "baton-install: service: stopped and disabled",
      "baton-install: removed /etc/systemd/system/baton-agent.service",
      "baton-install: removed /etc/systemd/system/baton-agent.service.d",
      "baton-install: removed /opt/baton",
      "baton-install: removed /etc/baton",
      "baton-install: removed /var/lib/baton",
    ]);
    expect(newCalls(calls)).toEqual([
      "disable --now baton-agent.service",
      "daemon-reload",
      "reset-failed baton-agent.service",
    ]);
    expect(filesUnder(box.root)).toEqual(["etc/os-release"]);
    for (const path of ["opt/baton", "etc/baton", "var/lib/baton"]) {
      expect(existsSync(box.at(path))).toBe(false);
    }
    const again = await box.run(["--uninstall"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      "baton-install: nothing to remove: the Baton agent is not installed\n",
    );
  });
});

describe("install.sh downloads Node when the system's will not do", {
  timeout: CASE_TIMEOUT_MS,
}, () => {
  const hostname = "edge-install-2";
  const tarballPath = `/good/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-`;

  it("verifies the tarball against SHASUMS256.txt, installs it in /opt/baton/node and runs on it", async () => {
    const { url } = ready();
    const server = dist as DistServer;
    const box = sandbox("download");
    const secret = members[hostname]?.secret as string;
    const args = [
      "--token",
      secret,
      "--hostname",
      hostname,
      "--node-dist-base",
      server.url("good"),
    ];
    const noSystemNode = { BATON_SYSTEM_NODE: join(box.tmpDir, "no-such-node") };
    const result = await box.run(args, noSystemNode);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^baton-install: node: no system Node ≥ 20\.18; downloading node-v/),
        "baton-install: node: installed in /opt/baton/node",
        `baton-install: ok: heartbeat accepted by ${url} (interval 1000 ms)`,
      ]),
    );
    expect(readFileSync(box.at(WRAPPER), "utf8")).toContain(
      "\nexec /opt/baton/node/bin/node --jitless --no-expose-wasm --max-semi-space-size=1 /opt/baton/agent/baton-agent.mjs",
    );
    expect(existsSync(box.at("opt/baton/node/bin/node"))).toBe(true);
    expect(server.requests.filter((path) => path.startsWith(tarballPath))).toHaveLength(1);

    // Again: the pinned Node is there, so nothing is downloaded or rewritten.
    const wrapper = identity(box.at(WRAPPER));
    const again = await box.run(args, noSystemNode);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^baton-install: node: \/opt\/baton\/node v\S+, unchanged$/m);
    expect(server.requests.filter((path) => path.startsWith(tarballPath))).toHaveLength(1);
    expect(identity(box.at(WRAPPER))).toBe(wrapper);

    // A usable system Node replaces it.
    const system = await box.run(args);
    expect(system.code).toBe(0);
    expect(system.stdout).toContain(
      "baton-install: node: removed /opt/baton/node (the system's Node is used)\n",
    );
    expect(existsSync(box.at("opt/baton/node"))).toBe(false);
    expect(readFileSync(box.at(WRAPPER), "utf8")).toContain("\nexec /usr/bin/node ");
  });

  it("a wrong checksum aborts before anything is installed", async () => {
    ready();
    const server = dist as DistServer;
    const box = sandbox("bad-checksum");
    const secret = members[hostname]?.secret as string;
    const result = await box.run(
      ["--token", secret, "--hostname", hostname, "--node-dist-base", server.url("bad")],
      { BATON_SYSTEM_NODE: join(box.tmpDir, "no-such-node") },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^baton-install: error: checksum mismatch for node-v\S+\.tar\.xz: expected [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed$/m,
    );
    expect(filesUnder(box.root)).toEqual(["etc/os-release"]);
    expect(readdirSync(box.root)).toEqual(["etc"]);
    expect(box.fake.calls()).toEqual([]);
    expect(filesUnder(box.tmpDir)).toEqual([]); // the download stage is cleaned up too
  });
});

describe("the one-liner the API and dashboard show, and the release key", {
  timeout: CASE_TIMEOUT_MS,
}, () => {
  const hostname = "edge-install-3";

  /**
   * Runs `command` as an admin pastes it into a shell (bash reads it from a file, so it is in no
   * process's arguments itself), with every program it starts by name logging its arguments.
   * `sudo` runs its command as is, plus --root for the throwaway root and --hostname (this
   * machine's own name is not the enrolled one).
   */
  async function paste(command: string, box: ReturnType<typeof sandbox>) {
    const spy = argvSpy(join(box.tmpDir, ".."));
    writeFileSync(
      join(box.fake.binDir, "sudo"),
      `#!/bin/sh\nexec "$@" --root '${box.root}' --hostname ${hostname}\n`,
      {
        mode: 0o755,
      },
    );
    const pasted = join(box.tmpDir, "..", "pasted.sh");
    writeFileSync(pasted, `${command}\n`);
    const result = await runBash([pasted], {
      env: {
        PATH: `${box.fake.binDir}:${spy.binDir}:/usr/sbin:/usr/bin:/sbin:/bin`,
        TMPDIR: box.tmpDir,
        BATON_SYSTEM_NODE: "/usr/bin/node",
      },
    });
    return { ...result, argvs: spy.argvs() };
  }

  it("installs with the secret in no process's arguments and pins the release key", async () => {
    const { url } = ready();
    const box = sandbox("one-liner");
    const { secret, installCommand } = members[hostname] as (typeof members)[string];
    expect(installCommand).toContain(`--release-key ${release.publicKey}`);
    const result = await paste(installCommand, box);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        `baton-install: release key: bundle signature verified (${release.publicKey})`,
        "baton-install: /etc/baton/agent.env: installed (BATON_URL, BATON_TOKEN, BATON_HOSTNAME, BATON_RELEASE_KEY)",
        `baton-install: ok: heartbeat accepted by ${url} (interval 1000 ms)`,
      ]),
    );
    // No program had the secret among its arguments, and the spy did see them all run.
    expect(result.argvs.filter((argv) => argv.includes(secret))).toEqual([]);
    expect(result.argvs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mktemp $/),
        expect.stringMatching(/^curl -fsSL http:\/\/127\.0\.0\.1:\d+\/install\.sh -o /),
        expect.stringMatching(/^bash \S+ --token-stdin --release-key \S+ --root /),
        expect.stringMatching(/^sha256sum /),
      ]),
    );
    // It is in agent.env (0600, in a 0700 directory) and nowhere else.
    expect(readFileSync(box.at(ENV), "utf8")).toContain(`\nBATON_TOKEN=${secret}\n`);
    expect(readFileSync(box.at(ENV), "utf8")).toContain(
      `\nBATON_RELEASE_KEY=${release.publicKey}\n`,
    );
    expect(mode(box.at(ENV))).toBe("600");
    for (const file of [UNIT, WRAPPER]) {
      expect(readFileSync(box.at(file), "utf8")).not.toContain(secret);
    }
    expect(readdirSync(box.tmpDir)).toEqual([]); // the saved script is gone too

    // A re-run without --release-key checks the download against the key already pinned.
    const tokenFile = join(box.tmpDir, "..", "token");
    writeFileSync(tokenFile, `${secret}\n`, { mode: 0o600 });
    const again = await box.run(["--token-file", tokenFile]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      `baton-install: release key: bundle signature verified (${release.publicKey})\n`,
    );
    expect(again.stdout).toContain("baton-install: /etc/baton/agent.env: unchanged\n");
  });

  it("refuses a bundle not signed with the given release key and installs nothing", async () => {
    ready();
    const box = sandbox("wrong-release-key");
    const { secret } = members[hostname] as (typeof members)[string];
    const result = await box.run(["--token", secret, "--release-key", otherRelease.publicKey]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `baton-install: error: the agent bundle is not signed with release key ${otherRelease.publicKey} (or was altered); nothing was installed\n`,
    );
    expect(filesUnder(box.root)).toEqual(["etc/os-release"]);
    expect(box.fake.calls()).toEqual([]);
    expect(filesUnder(box.tmpDir)).toEqual([]);
  });
});
