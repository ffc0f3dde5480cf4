// Builds the running lab inside the namespaces the outer script made: PowerDNS and its counting
// proxy, a control plane from this checkout, two pools (HAProxy: h1, h2; nginx: n1, n2) with
// PowerDNS as provider, the four hosts with their agents, and the client probe. Returns the
// handles the faults use; `teardown()` stops everything it started.
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { adminApi, startControlPlane } from "../test/harness/control-plane.mjs";
import { startPowerDns, startProviderProxy, ZONE } from "./dns.mjs";
import { killService, prepareHost, startAgent } from "./hosts.mjs";
import { spawnIn, stopAll } from "./proc.mjs";
import { ipOf, namespaceOf } from "./topology.mjs";

const run = promisify(execFile);

const POOLS = [
  { kind: "haproxy", name: `haproxy.${ZONE}`, hosts: ["h1", "h2"] },
  { kind: "nginx", name: `nginx.${ZONE}`, hosts: ["n1", "n2"] },
];

export async function buildLab({ prefix, labDir, root, say, delayS }) {
  const lab = {
    prefix,
    labDir,
    root,
    delayMs: delayS * 1000,
    plane: null,
    proxy: null,
    pools: {},
    samples: new Map(),
  };
  lab.teardown = async () => {
    for (const pool of Object.values(lab.pools)) for (const host of pool.hosts) killService(host);
    await Promise.all([stopAll(), lab.plane?.stop(), lab.proxy?.close()]);
  };
  const dnsDir = join(labDir, "dns");
  mkdirSync(dnsDir, { recursive: true });
  say("starting PowerDNS and the provider proxy ...");
  const pdns = await startPowerDns(namespaceOf(prefix, "dns"), dnsDir);
  lab.pdns = pdns;
  lab.proxy = await startProviderProxy();
  say("starting the control plane (wrangler dev) ...");
  lab.plane = await startControlPlane(root, {
    netns: namespaceOf(prefix, "cp"),
    ip: ipOf("cp"),
    port: 8787,
    tempPrefix: "baton-lab-",
  });
  lab.api = (method, path, body) => adminApi(lab.plane, method, path, body);

  for (const spec of POOLS) {
    const { pool } = await lab.api("POST", "/api/v1/pools", {
      name: `lab-${spec.kind}`,
      profile: spec.kind,
      failoverHostname: spec.name,
      allowPrivateAddresses: true, // lab addresses are 10.77.0.x
      failoverDelayS: delayS,
      autoFailover: true,
    });
    const hosts = [];
    for (const [index, role] of spec.hosts.entries()) {
      const host = prepareHost({ prefix, role, kind: spec.kind, labDir, root });
      const { member, secret } = await lab.api("POST", `/api/v1/pools/${pool.id}/members`, {
        name: role,
        hostname: role,
        allowedIps: ["10.77.0.0/24", "127.0.0.0/8"],
        priority: 10 * (index + 1),
      });
      host.memberId = member.id;
      host.secret = secret;
      hosts.push(host);
    }
    await lab.api("PUT", `/api/v1/pools/${pool.id}/dns`, {
      mode: "active_standby",
      provider: {
        kind: "powerdns",
        baseUrl: lab.proxy.url,
        apiKey: pdns.apiKey,
        zone: ZONE,
        ttl: 5,
      },
    });
    lab.pools[spec.kind] = { ...spec, id: pool.id, hosts };
    lab.samples.set(spec.name, []);
  }
  say("starting four hosts: backend, balancer and agent each ...");
  for (const pool of Object.values(lab.pools)) {
    // The first host alone first, so it is the first ready member and takes the traffic.
    startAgent(pool.hosts[0], pool.hosts[0].secret);
    try {
      await waitFor(
        `${pool.name} to answer ${pool.hosts[0].role}`,
        async () => (await dnsAnswer(lab, pool)) === pool.hosts[0].ip,
        60_000,
      );
    } catch (error) {
      throw new Error(`${error.message} (${await whyNotServing(lab, pool)})`);
    }
    for (const host of pool.hosts.slice(1)) startAgent(host, host.secret);
  }
  const client = spawnIn(
    namespaceOf(prefix, "cl"),
    "/usr/bin/node",
    [join(root, "lab", "client-probe.mjs"), ipOf("dns"), ...POOLS.map((p) => p.name)],
    { log: "pipe" },
  );
  createInterface({ input: client.stdout }).on("line", (line) => {
    try {
      const sample = JSON.parse(line);
      lab.samples.get(sample.name)?.push(sample);
    } catch {}
  });
  return lab;
}

/** The coordinator's and DNS sync's view, for a setup error a person can act on. */
async function whyNotServing(lab, pool) {
  const { failover } = await lab.api("GET", `/api/v1/pools/${pool.id}/failover`).catch(() => ({}));
  const { lastError } = await lab.api("GET", `/api/v1/pools/${pool.id}/dns`).catch(() => ({}));
  const members = (failover?.members ?? []).map(
    (m) => `${m.name ?? m.id}: ${m.ready ? "ready" : m.notReadyReasons.join("; ")}`,
  );
  const { syncedAt } = await lab.api("GET", `/api/v1/pools/${pool.id}/dns`).catch(() => ({}));
  return `active ${failover?.activeMemberId ?? "none"}; ${members.join(", ")}; DNS error: ${lastError ?? "none"}, synced at ${syncedAt ?? "never"}, ${lab.proxy.calls.length} provider calls; dig: ${JSON.stringify(await digAnswer(pool.name))}`;
}

/** What the authoritative server answers for the pool's name now (its first address). */
export async function dnsAnswer(_lab, pool) {
  return (await digAnswer(pool.name))[0] ?? null;
}

/** `dig` at the lab's authoritative server (the orchestrator is on the bridge). */
export async function digAnswer(name) {
  try {
    const { stdout } = await run(
      "dig",
      [`@${ipOf("dns")}`, name, "A", "+short", "+time=1", "+tries=1"],
      { timeout: 3000 },
    );
    return stdout.split("\n").filter(Boolean).sort();
  } catch {
    return [];
  }
}

/** Polls `check` every 200 ms until truthy; throws after `timeoutMs` naming what it waited for. */
export async function waitFor(what, check, timeoutMs) {
  const endAt = Date.now() + timeoutMs;
  while (Date.now() < endAt) {
    const value = await check().catch(() => false);
    if (value) return value;
    await sleep(200);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
}
