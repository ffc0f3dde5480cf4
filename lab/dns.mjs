// The lab's authoritative DNS: a real PowerDNS in the "dns" namespace (DNS on port 53, its HTTP
// API on 8081), and in front of that API a counting proxy, run by the orchestrator on the bridge,
// which the control plane uses as the provider's URL: it counts every provider call and can play
// "provider down" (each connection is reset as soon as it arrives, and still counted).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createZone } from "../test/harness/pdns.mjs";
import { spawnIn } from "./proc.mjs";
import { ipOf } from "./topology.mjs";

const SCHEMA = "/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql";
export const API_KEY = "baton-lab-api-key";
export const ZONE = "example.com";
const API_PORT = 8081;
export const PROXY_PORT = 8081;

/** Starts pdns_server in `ns` with its files in `dir`; resolves once its API answers. */
export async function startPowerDns(ns, dir) {
  const database = join(dir, "pdns.sqlite3");
  execFileSync("sqlite3", [database, `.read ${SCHEMA}`], { timeout: 10_000 });
  const address = ipOf("dns");
  const config = [
    "launch=gsqlite3",
    `gsqlite3-database=${database}`,
    `local-address=${address}`,
    "local-port=53",
    "api=yes",
    `api-key=${API_KEY}`,
    "webserver=yes",
    `webserver-address=${address}`,
    `webserver-port=${API_PORT}`,
    "webserver-allow-from=10.77.0.0/24",
    "security-poll-suffix=",
    // No answer caches: the client asks every 100 ms from the start, and a cached "no such
    // record" would hide the moment the provider's record changes (what the lab times).
    "cache-ttl=0",
    "negquery-cache-ttl=0",
    "query-cache-ttl=0",
    "daemon=no",
    "guardian=no",
    `socket-dir=${dir}`,
  ];
  writeFileSync(join(dir, "pdns.conf"), `${config.join("\n")}\n`);
  const child = spawnIn(ns, "pdns_server", [`--config-dir=${dir}`], { log: join(dir, "pdns.log") });
  const pdns = { apiUrl: `http://${address}:${API_PORT}`, apiKey: API_KEY, child };
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${pdns.apiUrl}/api/v1/servers`, {
      headers: { "X-API-Key": API_KEY },
      signal: AbortSignal.timeout(1000),
    }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) {
      await createZone(pdns, ZONE);
      return pdns;
    }
  }
  throw new Error(`PowerDNS did not answer on ${pdns.apiUrl} (see ${dir}/pdns.log)`);
}

/**
 * A TCP proxy on the bridge's address to PowerDNS's API. `calls` holds the time of every
 * connection-carried request (one per HTTP request: we count request heads in the stream).
 */
export async function startProviderProxy() {
  const proxy = { calls: [], down: false, url: `http://${ipOf("net")}:${PROXY_PORT}` };
  const server = createServer((client) => {
    if (proxy.down) {
      proxy.calls.push(Date.now());
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(API_PORT, ipOf("dns"));
    client.on("data", (chunk) => {
      // Each request starts with a method at the head of a chunk (requests are small).
      if (/^(GET|PATCH|PUT|POST|DELETE|HEAD) /.test(chunk.toString("latin1", 0, 8)))
        proxy.calls.push(Date.now());
    });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(PROXY_PORT, ipOf("net"), resolve);
  });
  proxy.close = () => new Promise((resolve) => server.close(resolve));
  server.unref();
  /** Provider calls (attempts) made in [from, to). */
  proxy.countBetween = (from, to) => proxy.calls.filter((at) => at >= from && at < to).length;
  return proxy;
}
