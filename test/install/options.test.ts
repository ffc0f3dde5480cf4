// install.sh's checks before it touches anything: options, root, the OS. No control plane: the
// script is the repository's (URL placeholder intact) or downloads from a loopback server that
// answers 404, so a run that gets past its checks stops at its first download.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSystemctl, filesUnder, makeRoot, repoRoot, runInstaller } from "./helpers";

const script = readFileSync(join(repoRoot, "install.sh"), "utf8");
const TOKEN = "AbCdEfGh0123456789AbCdEfGh0123456789AbCdEfGh0123";
let dir: string;
let server: Server;
let deadUrl: string;
let count = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-install-options-"));
  server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  deadUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the script in a fresh root; `osRelease` null leaves etc/os-release out. */
async function run(args: string[], osRelease?: string | null, env?: Record<string, string>) {
  const base = join(dir, String(count++));
  const root = osRelease === null ? join(base, "root") : makeRoot(join(base, "root"), osRelease);
  mkdirSync(root, { recursive: true });
  const tmpDir = join(base, "tmp");
  mkdirSync(tmpDir);
  const fake = fakeSystemctl(join(base, "systemctl"));
  const result = await runInstaller(script, ["--root", root, ...args], { fake, tmpDir, env });
  return { ...result, root, calls: fake.calls(), leftInTmp: readdirSync(tmpDir) };
}

const osRelease = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key}="${value}"\n`)
    .join("");

describe("install.sh checks the OS from os-release", () => {
  const supported: [string, Record<string, string>, string][] = [
    ["Ubuntu", { ID: "ubuntu", ID_LIKE: "debian", PRETTY_NAME: "Ubuntu 24.04.1 LTS" }, "debian"],
    [
      "RHEL",
      { ID: "rhel", ID_LIKE: "fedora", PRETTY_NAME: "Red Hat Enterprise Linux 9.4" },
      "rhel",
    ],
    [
      "Rocky",
      { ID: "rocky", ID_LIKE: "rhel centos fedora", PRETTY_NAME: "Rocky Linux 9.4" },
      "rhel",
    ],
    [
      "Alma",
      { ID: "almalinux", ID_LIKE: "rhel centos fedora", PRETTY_NAME: "AlmaLinux 9.4" },
      "rhel",
    ],
    ["CentOS", { ID: "centos", ID_LIKE: "rhel fedora", PRETTY_NAME: "CentOS Stream 9" }, "rhel"],
    ["Fedora", { ID: "fedora", PRETTY_NAME: "Fedora Linux 40 (Server Edition)" }, "rhel"],
  ];
  it.each(supported)("accepts %s", async (_name, fields, family) => {
    const result = await run(["--token", TOKEN, "--url", deadUrl], osRelease(fields));
    expect(result.stdout).toContain(
      `baton-install: os: ${fields.PRETTY_NAME} (${family} family)\n`,
    );
    // Past the check, it stops at the bundle's download (the server answers 404).
    expect(result.stderr).toContain(`baton-install: error: cannot download ${deadUrl}/agent/`);
    expect(result.code).toBe(1);
    expect(filesUnder(result.root)).toEqual(["etc/os-release"]);
    expect(result.leftInTmp).toEqual([]);
  });

  const unsupported: [string, Record<string, string>][] = [
    ["Alpine Linux v3.20", { ID: "alpine", PRETTY_NAME: "Alpine Linux v3.20" }],
    ["Arch Linux", { ID: "arch", PRETTY_NAME: "Arch Linux" }],
    [
      "openSUSE Leap 15.6",
      { ID: "opensuse-leap", ID_LIKE: "suse opensuse", PRETTY_NAME: "openSUSE Leap 15.6" },
    ],
  ];
  it.each(unsupported)("refuses %s and installs nothing", async (pretty, fields) => {
    const result = await run(["--token", TOKEN, "--url", deadUrl], osRelease(fields));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `baton-install: error: unsupported OS: ${pretty} (ID=${fields.ID}); supported: Debian, Ubuntu, RHEL, Rocky Linux, AlmaLinux, CentOS, Fedora\n`,
    );
    expect(result.stdout).toBe("");
    expect(filesUnder(result.root)).toEqual(["etc/os-release"]);
    expect(result.calls).toEqual([]);
  });

  it("says so when there is no os-release at all", async () => {
    const result = await run(["--token", TOKEN, "--url", deadUrl], null);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^baton-install: error: cannot tell which OS this is: no \//);
  });
});

describe("install.sh options", () => {
  it("--help prints every option and exits 0", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: install\.sh --token-stdin \[options\] <<<SECRET/);
    for (const option of ["--token", "--token-file", "--release-key", "--url", "--hostname"])
      expect(result.stdout).toContain(`  ${option} `);
    for (const option of ["--public-ip", "--service-manager"])
      expect(result.stdout).toContain(`  ${option} `);
    for (const option of ["--token-stdin", "--node-dist-base", "--root", "--uninstall", "--help"])
      expect(result.stdout).toContain(`  ${option}`);
  });

  const refused: [string, string[], string][] = [
    ["an unknown option", ["--frobnicate"], "unknown option --frobnicate"],
    ["an option without its value", ["--token"], "--token needs a value"],
    [
      "no token on a first install",
      ["--url", "https://baton.example.com"],
      "the member's secret is required: --token-stdin, --token-file PATH or BATON_TOKEN",
    ],
    [
      "the secret given twice",
      ["--token", TOKEN, "--token-stdin"],
      "give the secret once: --token, --token-file or --token-stdin",
    ],
    [
      "--token-stdin while the script itself is on standard input",
      ["--token-stdin", "--url", "https://baton.example.com"],
      "--token-stdin read nothing: pipe the secret in, and run this script from a file",
    ],
    [
      "a token file that is not there",
      ["--token-file", "/nonexistent/baton-token", "--url", "https://baton.example.com"],
      "--token-file /nonexistent/baton-token cannot be read",
    ],
    [
      "a plain-http Node download off loopback",
      [
        "--token",
        TOKEN,
        "--url",
        "https://baton.example.com",
        "--node-dist-base",
        "http://nodejs.example.com/dist",
      ],
      "--node-dist-base must be https://host[/path] (http only for loopback)",
    ],
    [
      "a release key that is not one",
      ["--token", TOKEN, "--url", "https://baton.example.com", "--release-key", "ssh-ed25519 AAAA"],
      "--release-key must be the release public key npm run release:keygen printed",
    ],
    ["no URL in a copy not served by a control plane", ["--token", TOKEN], "--url is required"],
    [
      "a plain-http URL off loopback",
      ["--token", TOKEN, "--url", "http://baton.example.com"],
      "--url must be https://",
    ],
    [
      "a URL with shell characters",
      ["--token", TOKEN, "--url", "https://a$(id).example.com"],
      "--url must be https://",
    ],
    ["a token with spaces", ["--token", "two words"], "--token must be the secret"],
    [
      "a bad public IP",
      ["--token", TOKEN, "--public-ip", "203.0.113.300"],
      "--public-ip must be an IPv4",
    ],
    [
      "a bad hostname",
      ["--token", TOKEN, "--hostname", "edge 1"],
      "--hostname must be a host name",
    ],
    [
      "an unknown service manager",
      ["--token", TOKEN, "--service-manager", "upstart"],
      "--service-manager must be systemd or direct",
    ],
  ];
  it.each(refused)(
    "refuses %s with exit status 2 and changes nothing",
    async (_name, args, message) => {
      const result = await run(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr).toMatch(/^baton-install: .*\(see --help\)\n$/);
      expect(filesUnder(result.root)).toEqual(["etc/os-release"]);
      expect(result.calls).toEqual([]);
    },
  );

  it("takes the secret from --token-file or BATON_TOKEN, and checks it like --token", async () => {
    const file = join(dir, "token");
    writeFileSync(file, `${TOKEN}\r\n`, { mode: 0o600 });
    const reached = `baton-install: error: cannot download ${deadUrl}/agent/`;
    const fromFile = await run(["--token-file", file, "--url", deadUrl]);
    expect(fromFile.stderr).toContain(reached);
    const fromEnv = await run(["--url", deadUrl], undefined, { BATON_TOKEN: TOKEN });
    expect(fromEnv.stderr).toContain(reached);

    writeFileSync(file, "two words\n");
    const bad = await run(["--token-file", file, "--url", deadUrl]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      `baton-install: the secret in ${file} must be the secret shown when the member was enrolled (letters and digits) (see --help)\n`,
    );
    const badEnv = await run(["--url", deadUrl], undefined, { BATON_TOKEN: "two words" });
    expect(badEnv.stderr).toMatch(/^baton-install: BATON_TOKEN must be the secret shown/);
  });

  it("needs root unless --root is given", () => {
    // As root here, run it as nobody; otherwise as the user running the tests.
    const asUser = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--"] : [];
    const [command = "bash", ...args] = [...asUser, "bash", "-s", "--", "--token", TOKEN];
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(command, args, {
        input: script,
        encoding: "utf8",
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" },
        stdio: ["pipe", "pipe", "pipe"],
        timeout: 30_000,
      });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/^baton-install: error: run as root: sudo bash install\.sh/);
  });
});
