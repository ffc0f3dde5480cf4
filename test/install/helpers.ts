// What the installer tests run install.sh with: a throwaway root, a recording fake `systemctl`,
// a local Node download server, and a control plane whose static assets are this build's.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const assetsDir = join(repoRoot, "dist", "public");

/** The Node version install.sh pins (what it downloads when the system's is too old). */
export const NODE_VERSION = /^NODE_VERSION="([0-9.]+)"$/m.exec(
  readFileSync(join(repoRoot, "install.sh"), "utf8"),
)?.[1] as string;

export const DEBIAN_OS_RELEASE = [
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'NAME="Debian GNU/Linux"',
  'VERSION_ID="12"',
  "ID=debian",
  "",
].join("\n");

/** A root for install.sh --root with only etc/os-release in it. */
export function makeRoot(dir: string, osRelease = DEBIAN_OS_RELEASE): string {
  mkdirSync(join(dir, "etc"), { recursive: true });
  writeFileSync(join(dir, "etc", "os-release"), osRelease);
  return dir;
}

/** Every file and symlink under `dir`, relative, sorted (directories left out). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

export function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/** What tells a rewritten file from an untouched one. */
export function identity(path: string): string {
  const stat = statSync(path);
  return `${stat.ino}:${stat.mtimeMs}`;
}

export interface FakeSystemctl {
  binDir: string;
  /** Every call's arguments, one string per call, in order. */
  calls(): string[];
}

/**
 * A `systemctl` that logs its arguments and keeps "enabled"/"active" flags as files, so
 * is-enabled and is-active answer what earlier calls did (systemd does not run here).
 */
export function fakeSystemctl(dir: string): FakeSystemctl {
  const binDir = join(dir, "bin");
  const state = join(dir, "state");
  mkdirSync(binDir, { recursive: true });
  mkdirSync(state, { recursive: true });
  const log = join(dir, "calls.log");
  writeFileSync(log, "");
  writeFileSync(
    join(binDir, "systemctl"),
    `#!/bin/bash
echo "$*" >> '${log}'
now=0; [[ " $* " == *" --now "* ]] && now=1
case "$1" in
  is-enabled) [ -f '${state}/enabled' ] ;;
  is-active) [ -f '${state}/active' ] ;;
  enable) touch '${state}/enabled'; [ $now = 0 ] || touch '${state}/active' ;;
  disable) rm -f '${state}/enabled'; [ $now = 0 ] || rm -f '${state}/active' ;;
  start | restart) touch '${state}/active' ;;
  stop) rm -f '${state}/active' ;;
esac
`,
  );
  chmodSync(join(binDir, "systemctl"), 0o755);
  return {
    binDir,
    calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Pipes `script` into `bash -s -- args` as the one-liner does, with a clean environment: the
 * fake systemctl first on PATH and /usr/bin/node as the "system" Node unless `env` says otherwise.
 */
export function runInstaller(
  script: string,
  args: string[],
  options: { fake: FakeSystemctl; tmpDir: string; env?: Record<string, string> },
): Promise<RunResult> {
  return runBash(["-s", "--", ...args], {
    stdin: script,
    env: {
      PATH: `${options.fake.binDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      TMPDIR: options.tmpDir,
      BATON_SYSTEM_NODE: "/usr/bin/node",
      ...options.env,
    },
  });
}

/** Runs bash with `args` in exactly `env`, feeding it `stdin`; killed after 90 s. */
export function runBash(
  args: string[],
  options: { env: Record<string, string>; stdin?: string },
): Promise<RunResult> {
  const child = spawn("bash", args, { env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.end(options.stdin ?? "");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export const sha256 = (bytes: Uint8Array | string) =>
  createHash("sha256").update(bytes).digest("hex");

export interface DistServer {
  /** e.g. http://127.0.0.1:PORT/good (nodejs.org/dist's layout beneath it). */
  url(tree: string): string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Serves `trees` (name → { path under it → bytes }) on loopback, like nodejs.org/dist. */
export async function startDistServer(
  trees: Record<string, Record<string, Uint8Array | string>>,
): Promise<DistServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    requests.push(path);
    const [, tree = "", ...rest] = path.split("/");
    const body = trees[tree]?.[rest.join("/")];
    if (body === undefined) {
      res.writeHead(404).end("not found\n");
      return;
    }
    res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: (tree) => `http://127.0.0.1:${port}/${tree}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A repository copy for the control plane harness whose wrangler.toml names its own copy of
 * dist/public by absolute path: the harness snapshots only the sources it lists, and wrangler
 * needs the assets directory to exist. `extraAssets` are added to that copy (decoys named like
 * API routes, to show they never shadow them).
 */
export function repoWithAssets(dir: string, extraAssets: Record<string, string>): string {
  const skip = new Set(["node_modules", ".git", ".wrangler", "dist", ".dev.vars", "coverage"]);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(repoRoot)) {
    if (!skip.has(name)) cpSync(join(repoRoot, name), join(dir, name), { recursive: true });
  }
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  const assets = join(dir, "dist", "public");
  cpSync(assetsDir, assets, { recursive: true });
  for (const [path, text] of Object.entries(extraAssets)) {
    mkdirSync(join(assets, path, ".."), { recursive: true });
    writeFileSync(join(assets, path), text);
  }
  const toml = readFileSync(join(repoRoot, "wrangler.toml"), "utf8");
  const pointed = toml.replace(/^directory = "dist\/public"$/m, `directory = "${assets}"`);
  if (pointed === toml) throw new Error('wrangler.toml has no [assets] directory = "dist/public"');
  writeFileSync(join(dir, "wrangler.toml"), pointed);
  return dir;
}

/** A node-vX-linux-<arch>.tar.xz whose bin/node runs this machine's /usr/bin/node. */
export async function fakeNodeTarball(dir: string): Promise<{ name: string; bytes: Buffer }> {
  const name = `node-v${NODE_VERSION}-linux-${process.arch === "arm64" ? "arm64" : "x64"}`;
  const top = join(dir, name);
  mkdirSync(join(top, "bin"), { recursive: true });
  writeFileSync(join(top, "bin", "node"), '#!/bin/sh\nexec /usr/bin/node "$@"\n', { mode: 0o755 });
  writeFileSync(join(top, "LICENSE"), "fake Node for the installer tests\n");
  const file = join(dir, `${name}.tar.xz`);
  await new Promise<void>((resolve, reject) => {
    const tar = spawn("tar", ["-cJf", file, "-C", dir, name], { stdio: "ignore" });
    tar.on("error", reject);
    tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`))));
  });
  return { name: `${name}.tar.xz`, bytes: readFileSync(file) };
}

export interface ArgvSpy {
  binDir: string;
  /** Every spied process's name and arguments, one line per process, in order. */
  argvs(): string[];
}

/**
 * A directory of wrappers, one per program in /usr/bin and /usr/sbin, each logging its name and
 * arguments and then running the real program: put first on PATH, every process a shell starts
 * by name shows up in `argvs()`, as `ps` would have shown it.
 */
export function argvSpy(dir: string): ArgvSpy {
  const binDir = join(dir, "spy");
  mkdirSync(binDir, { recursive: true });
  const log = join(dir, "argv.log");
  writeFileSync(log, "");
  for (const real of ["/usr/sbin", "/usr/bin"]) {
    for (const name of readdirSync(real)) {
      if (!/^[A-Za-z0-9._+-]+$/.test(name) || name === "sh" || name === "dash") continue;
      writeFileSync(
        join(binDir, name),
        `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\nexec ${real}/${name} "$@"\n`,
        { mode: 0o755 },
      );
    }
  }
  return {
    binDir,
    argvs: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}
