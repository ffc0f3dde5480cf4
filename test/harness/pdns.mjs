// A real PowerDNS Authoritative server on loopback, with its HTTP API, and `dig` to query it.
// Plain JavaScript (types in pdns.d.mts) so both the tests (through
// test/worker/dns/pdns-server.ts) and the benchmarks (plain `node`) use the same code.
import { execFile, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCHEMA = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";
const READY_TIMEOUT_MS = 15_000;
const INSTALL_HINT =
  "install it: apt-get install -y pdns-server pdns-backend-sqlite3 sqlite3 dnsutils (.ci/run does)";

/** pdns_server processes not stopped yet: SIGKILLed if this process exits first. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Finds an executable in the PATH or the sbin directories; undefined when it is missing. */
export function findExecutable(name) {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin", "/sbin"];
  return dirs.map((dir) => join(dir, name)).find((path) => existsSync(path));
}

/** The path of `dig`; throws (with how to install it) when it is missing. */
export function digBinary() {
  const binary = findExecutable("dig");
  if (!binary) throw new Error(`dig is not installed; ${INSTALL_HINT}`);
  return binary;
}

/** A port free for both TCP and UDP on 127.0.0.1 (DNS listens on both). */
async function freePort(udpToo) {
  for (let tries = 0; tries < 50; tries++) {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise((resolve) => server.close(resolve));
    if (!udpToo) return port;
    const socket = createSocket("udp4");
    const free = await new Promise((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(port, "127.0.0.1", () => resolve(true));
    });
    socket.close();
    if (free) return port;
  }
  throw new Error("found no port free for both TCP and UDP on 127.0.0.1");
}

/**
 * Starts pdns_server on free loopback ports. A port found free can be taken by another test
 * before pdns binds it; such a start is retried on new ports, twice at most.
 */
export async function startPdns() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPdnsOnce();
    } catch (error) {
      if (attempt >= 3 || !String(error.message).includes("Address already in use")) throw error;
    }
  }
}

async function startPdnsOnce() {
  const binary = findExecutable("pdns_server");
  if (!binary) throw new Error(`pdns_server is not installed; ${INSTALL_HINT}`);
  const sqlite = findExecutable("sqlite3");
  if (!sqlite || !existsSync(SCHEMA))
    throw new Error(`sqlite3 or ${SCHEMA} is missing; ${INSTALL_HINT}`);

  const dir = await mkdtemp(join(tmpdir(), "baton-pdns-"));
  const database = join(dir, "pdns.sqlite3");
  await run(sqlite, [database, `.read ${SCHEMA}`], { timeout: 10_000 });
  // Both probes release their port before pdns binds it, so the kernel may hand the same port
  // out twice: make sure the API does not get the DNS port.
  const dnsPort = await freePort(true);
  let apiPort = await freePort(false);
  while (apiPort === dnsPort) apiPort = await freePort(false);
  const apiKey = "baton-test-api-key";
  const config = [
    "launch=gsqlite3",
    `gsqlite3-database=${database}`,
    "local-address=127.0.0.1",
    `local-port=${dnsPort}`,
    "api=yes",
    `api-key=${apiKey}`,
    "webserver=yes",
    "webserver-address=127.0.0.1",
    `webserver-port=${apiPort}`,
    "webserver-allow-from=127.0.0.0/8",
    "security-poll-suffix=",
    "daemon=no",
    "guardian=no",
    `socket-dir=${dir}`,
  ];
  await writeFile(join(dir, "pdns.conf"), `${config.join("\n")}\n`);

  const child = spawn(binary, [`--config-dir=${dir}`], { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.on("exit", () => running.delete(child));
  let log = "";
  child.stdout?.on("data", (chunk) => (log += chunk));
  child.stderr?.on("data", (chunk) => (log += chunk));
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  try {
    await waitUntilReady(child, `${apiUrl}/api/v1/servers/localhost`, apiKey);
  } catch (error) {
    await stop();
    throw new Error(`${error.message}\npdns_server said:\n${log}`);
  }
  return { apiUrl, apiKey, dnsPort, pid: child.pid, dir, stop };
}

/** Polls the API until it answers; bounded, and gives up at once if the server exited. */
async function waitUntilReady(child, url, apiKey) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pdns_server exited with code ${child.exitCode}`);
    const ok = await fetch(url, {
      headers: { "X-API-Key": apiKey },
      signal: AbortSignal.timeout(1000),
    })
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pdns_server did not answer on ${url} within ${READY_TIMEOUT_MS} ms`);
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/** Creates a native zone (`example.com`) through the API, with one NS record. */
export async function createZone(pdns, zone) {
  const response = await fetch(`${pdns.apiUrl}/api/v1/servers/localhost/zones`, {
    method: "POST",
    headers: { "X-API-Key": pdns.apiKey, "Content-Type": "application/json" },
    body: JSON.stringify({ name: `${zone}.`, kind: "Native", nameservers: [`ns1.${zone}.`] }),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201)
    throw new Error(`creating zone ${zone}: ${response.status} ${await response.text()}`);
}

/** `dig @127.0.0.1 -p PORT name TYPE +short` (or the full answer lines), sorted; TYPE is A by default. */
export async function dig(port, name, answer = "short", type = "A") {
  const format = answer === "short" ? ["+short"] : ["+noall", "+answer"];
  const args = ["@127.0.0.1", "-p", String(port), name, type, ...format, "+time=2", "+tries=1"];
  const { stdout } = await run(digBinary(), args, { timeout: 10_000 });
  return stdout.split("\n").filter(Boolean).sort();
}
