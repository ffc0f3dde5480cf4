#!/usr/bin/env node
// `npm run setup:system` (and `npm test`'s pretest step, and .ci/run): the Debian packages the
// tests drive for real. Installs the missing ones with apt-get when it can (root, or passwordless
// sudo); otherwise stops at once with the one command to run. Stops any copy of a daemon the
// package itself started: tests run their own instances on loopback.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

/** Each package and the file (or any of the files) that shows it is installed. */
const PACKAGES = [
  // A real PowerDNS (sqlite3 backend) for the DNS provider and failover tests, queried with dig.
  { name: "pdns-server", file: "/usr/sbin/pdns_server" },
  {
    name: "pdns-backend-sqlite3",
    file: "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql",
  },
  { name: "sqlite3", file: "/usr/bin/sqlite3" },
  { name: "dnsutils", file: "/usr/bin/dig" },
  // The agent's integration tests run real HAProxy and nginx in direct mode on loopback.
  { name: "haproxy", file: "/usr/sbin/haproxy" },
  { name: "nginx", file: "/usr/sbin/nginx" },
  // Captures HAProxy runtime API output by hand (test/agent/fixtures).
  { name: "socat", file: "/usr/bin/socat" },
  // The dashboard's browser tests drive Debian's headless Chromium through playwright-core.
  { name: "chromium-headless-shell", file: "/usr/bin/chromium-headless-shell" },
  // The proving ground's network namespaces.
  { name: "iproute2", file: ["/usr/sbin/ip", "/usr/bin/ip", "/bin/ip"] },
];
/** Pid files of daemons a package's install script may have started. */
const PACKAGED_DAEMONS = ["/run/pdns/pdns.pid", "/run/haproxy.pid", "/run/nginx.pid"];

const installed = (pkg) => [pkg.file].flat().some((file) => existsSync(file));
const missing = PACKAGES.filter((pkg) => !installed(pkg)).map((pkg) => pkg.name);
if (missing.length === 0) process.exit(0);

const command = `apt-get install -y ${missing.join(" ")}`;
const isRoot = process.getuid?.() === 0;
const canSudo = !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
if (!isRoot && !canSudo) {
  console.error(`The tests need Debian packages that are missing. Run:\n  sudo ${command}`);
  process.exit(1);
}

const asRoot = (args) => (isRoot ? args : ["sudo", "-n", ...args]);
console.log(`Installing ${missing.join(", ")} (apt-get)…`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [
  ["apt-get", "update", "-q"],
  ["apt-get", "install", "-y", "-q", ...missing],
]) {
  const [program, ...rest] = asRoot(args);
  const result = spawnSync(program, rest, { stdio: "inherit", env });
  if (result.status !== 0) {
    console.error(`\`${args.join(" ")}\` failed; run it by hand:\n  sudo ${command}`);
    process.exit(1);
  }
}

for (const pidFile of PACKAGED_DAEMONS) {
  if (!existsSync(pidFile)) continue;
  const pid = readFileSync(pidFile, "utf8").trim();
  if (!/^\d+$/.test(pid)) continue;
  const [program, ...rest] = asRoot(["kill", pid]);
  spawnSync(program, rest, { stdio: "ignore" });
}
