import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BalancerModelInput, BalancerTarget } from "../../../../shared/balancer";
import { freePort } from "../../../agent/haproxy/haproxy-instance";
import { type Backend, startBackends } from "./backends";
import { get, tally } from "./client";
import { runBalancer } from "./run-balancer";

/**
 * Traffic through the real HAProxy 2.6 and nginx 1.22, each running the file rendered from the
 * model, to three real backends on loopback: what a client sees of each strategy, stickiness
 * and health checking.
 */
/**
 * Waits after a change are the bound the issue sets (fall × interval, rise × interval) plus two
 * intervals: the first check after the change may come one interval later, and a busy machine
 * delays timers.
 */
const SLACK_INTERVALS = 2;

type BackendFields = Partial<BalancerModelInput["backends"][number]>;

let backends: Backend[];
beforeAll(async () => {
  backends = await startBackends();
});
afterAll(async () => {
  for (const backend of backends) await backend.kill();
});

type ServerFields = Partial<BalancerModelInput["backends"][number]["servers"][number]>;

function modelFor(
  port: number,
  fields: BackendFields,
  servers: Record<string, ServerFields> = {},
): BalancerModelInput {
  return {
    frontends: [{ name: "web", binds: [{ address: "127.0.0.1", port }], defaultBackend: "app" }],
    backends: [
      {
        name: "app",
        servers: backends.map((backend) => ({
          name: backend.name,
          address: "127.0.0.1",
          port: backend.port,
          ...servers[backend.name],
        })),
        ...fields,
      },
    ],
  };
}

/** Runs `body` with the target serving the model on a fresh port, and stops it afterwards. */
async function withBalancer(
  target: BalancerTarget,
  fields: BackendFields,
  body: (port: number) => Promise<void>,
  servers: Record<string, ServerFields> = {},
) {
  const port = await freePort();
  const balancer = await runBalancer(target, modelFor(port, fields, servers), port);
  try {
    await body(port);
  } finally {
    await balancer.stop();
  }
}

async function until(condition: () => boolean, what: string) {
  for (let waited = 0; !condition(); waited += 20) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.each(["haproxy", "nginx"] as const)("%s", { timeout: 60_000 }, (target) => {
  it("round robin spreads 300 requests within ±10 % and forwards X-Forwarded-*", async () => {
    await withBalancer(target, { strategy: "round_robin" }, async (port) => {
      const { byServer, errors } = await tally(port, 300);
      expect(errors).toBe(0);
      for (const backend of backends) {
        expect(byServer[backend.name]).toBeGreaterThanOrEqual(90);
        expect(byServer[backend.name]).toBeLessThanOrEqual(110);
      }
      const headers = backends[0]?.lastHeaders ?? {};
      expect(headers["x-forwarded-for"]).toBe("127.0.0.1");
      expect(headers["x-forwarded-proto"]).toBe("http");
      expect(headers["x-forwarded-host"]).toBe("www.example.com");
      expect(headers.host).toBe("www.example.com");
    });
  });

  it("weights share 400 requests 2:1:1 within ±10 %", async () => {
    const weights = { app1: { weight: 2 } };
    await withBalancer(
      target,
      {},
      async (port) => {
        const { byServer, errors } = await tally(port, 400);
        expect(errors).toBe(0);
        expect(byServer.app1).toBeGreaterThanOrEqual(180);
        expect(byServer.app1).toBeLessThanOrEqual(220);
        for (const name of ["app2", "app3"]) {
          expect(byServer[name]).toBeGreaterThanOrEqual(90);
          expect(byServer[name]).toBeLessThanOrEqual(110);
        }
      },
      weights,
    );
  });

  it("sends no new client to a draining server and nothing to one in maintenance", async () => {
    const states = { app1: { state: "drain" }, app2: { state: "maint" } } as const;
    await withBalancer(
      target,
      {},
      async (port) => {
        expect(await tally(port, 30)).toEqual({ byServer: { app3: 30 }, errors: 0 });
      },
      states,
    );
  });

  it("least_conn sends nothing to a server holding slow requests while others are idle", async () => {
    await withBalancer(target, { strategy: "least_conn" }, async (port) => {
      const slow = backends[0] as Backend;
      slow.slow = true;
      try {
        let answered = 0;
        const burst = Array.from({ length: 6 }, () => get(port).finally(() => answered++));
        await until(() => slow.heldCount() > 0, `${slow.name} to hold a request`);
        // Only the held requests stay open: the others' servers are idle again.
        await until(() => answered + slow.heldCount() === 6, "the other requests to finish");
        // A request sent to the held server would hang: it counts as an error after 2 s.
        const { byServer, errors } = await tally(port, 30, { timeoutMs: 2_000 });
        expect(errors).toBe(0);
        expect(byServer[slow.name] ?? 0).toBe(0);
        expect((byServer.app2 ?? 0) + (byServer.app3 ?? 0)).toBe(30);
        slow.slow = false;
        slow.release();
        await Promise.all(burst);
      } finally {
        slow.slow = false;
        slow.release();
      }
    });
  });

  it("source keeps each client address on one server", async () => {
    await withBalancer(target, { strategy: "source" }, async (port) => {
      const seen = new Set<string>();
      for (const localAddress of ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]) {
        const { byServer, errors } = await tally(port, 15, { localAddress });
        expect(errors).toBe(0);
        expect(Object.values(byServer)).toEqual([15]);
        for (const server of Object.keys(byServer)) seen.add(server);
      }
      expect(seen.size).toBeGreaterThanOrEqual(1);
    });
  });

  it("uri_hash keeps a path on one server whatever its query, and spreads paths", async () => {
    await withBalancer(target, { strategy: "uri_hash" }, async (port) => {
      const servers = new Set<string>();
      for (let i = 0; i < 10; i++) {
        servers.add((await get(port, { path: `/catalog/item?page=${i}` })).server ?? "none");
      }
      expect(servers.size).toBe(1);
      const spread = new Set<string>();
      for (let i = 0; i < 30; i++)
        spread.add((await get(port, { path: `/p${i}` })).server ?? "none");
      expect(spread.size).toBeGreaterThan(1);
      expect(spread.has("none")).toBe(false);
    });
  });

  it("a backup server takes traffic only when no other server can", async () => {
    await withBalancer(
      target,
      {},
      async (port) => {
        const { byServer } = await tally(port, 30);
        expect(byServer).toEqual({ app1: 15, app2: 15 });
      },
      { app3: { backup: true } },
    );
    await withBalancer(
      target,
      {},
      async (port) => {
        expect(await tally(port, 10)).toEqual({ byServer: { app3: 10 }, errors: 0 });
      },
      { app1: { state: "maint" }, app2: { state: "maint" }, app3: { backup: true } },
    );
  });

  it("a cookie-sticky client stays on its server; clients without the cookie spread", async () => {
    await withBalancer(target, { sticky: { type: "cookie", name: "SRV" } }, async (port) => {
      const first = await get(port);
      const cookie = first.setCookie.find((value) => value.startsWith("SRV="))?.split(";")[0];
      expect(cookie).toBeDefined();
      const { byServer, errors } = await tally(port, 30, { cookie });
      expect(errors).toBe(0);
      expect(byServer).toEqual({ [first.server ?? "none"]: 30 });
      const fresh = await tally(port, 30);
      expect(Object.keys(fresh.byServer).length).toBeGreaterThan(1);
    });
  });

  it("a server answering 503 leaves rotation; clients keep getting answers from the others", async () => {
    const healthCheck = { path: "/health", intervalMs: 300, timeoutMs: 200, rise: 2, fall: 2 };
    const sick = backends[1] as Backend;
    await withBalancer(target, { healthCheck }, async (port) => {
      sick.sick = true;
      try {
        await sleep(healthCheck.intervalMs * (healthCheck.fall + SLACK_INTERVALS));
        const { byServer, errors } = await tally(port, 30);
        expect(errors).toBe(0);
        expect(byServer[sick.name] ?? 0).toBe(0);
      } finally {
        sick.sick = false;
      }
    });
  });

  it("a killed backend leaves rotation within fall × interval and returns after rise × interval", async () => {
    const healthCheck = { path: "/health", intervalMs: 300, timeoutMs: 200, rise: 2, fall: 2 };
    const victim = backends[2] as Backend;
    await withBalancer(target, { healthCheck }, async (port) => {
      expect((await tally(port, 30)).byServer[victim.name]).toBeGreaterThan(0);
      await victim.kill();
      try {
        // Requests while it is still in rotation are retried on another server.
        const during = await tally(port, 10);
        expect(during.errors).toBe(0);
        await sleep(healthCheck.intervalMs * (healthCheck.fall + SLACK_INTERVALS));
        const after = await tally(port, 30);
        expect(after.errors).toBe(0);
        expect(after.byServer[victim.name] ?? 0).toBe(0);
      } finally {
        await victim.start();
      }
      // nginx tries a failed server again after fail_timeout (interval × rise, at least 1 s).
      const riseMs = Math.max(healthCheck.intervalMs * healthCheck.rise, 1_000);
      const back = riseMs + healthCheck.intervalMs * SLACK_INTERVALS;
      await sleep(back);
      // Back in rotation: asked again (without errors) until it is, however slow the machine;
      // how soon is for benchmarks, not for this test.
      const deadline = Date.now() + 20_000;
      let servedByVictim = 0;
      while (servedByVictim === 0 && Date.now() < deadline) {
        const returned = await tally(port, 30);
        expect(returned.errors).toBe(0);
        servedByVictim = returned.byServer[victim.name] ?? 0;
        if (servedByVictim === 0) await sleep(healthCheck.intervalMs);
      }
      expect(servedByVictim).toBeGreaterThan(0);
    });
  });
});
