import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BALANCER_TARGETS, BalancerModel, balancerHeaderRevision } from "../../../shared/balancer";
import { renderBalancer } from "../../../worker/balancer/render";
import { fullModel, minimalModel } from "../../shared/balancer-models";
import { VARIANTS } from "./variants";

// UPDATE_GOLDEN=1 npx vitest run test/worker/balancer/render.test.ts rewrites the files; review
// the diff like code.
const GOLDEN_DIR = join(import.meta.dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const EXTENSION = { haproxy: "cfg", nginx: "conf" } as const;
const META = { poolId: "pool_golden", poolName: "edge", revision: 7 };

const cases = Object.keys(VARIANTS).flatMap((name) =>
  BALANCER_TARGETS.map((target) => [name, target] as const),
);

describe("renderBalancer golden files", () => {
  it.each(cases)("%s for %s", (name, target) => {
    const model = BalancerModel.parse(VARIANTS[name]);
    const { text } = renderBalancer(model, target, META);
    const file = join(GOLDEN_DIR, `${name}.${EXTENSION[target]}`);
    if (UPDATE) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, "utf8"));
  });
});

describe("renderBalancer", () => {
  it.each(BALANCER_TARGETS)("%s: starts with the header naming pool and revision", (target) => {
    const { text } = renderBalancer(BalancerModel.parse(minimalModel()), target, META);
    expect(text.split("\n")[0]).toBe(
      "# Baton balancer of pool edge (pool_golden), revision 7. Managed by Baton: a hand edit here is reported as drift.",
    );
    expect(balancerHeaderRevision(text)).toBe(7);
  });

  it.each(BALANCER_TARGETS)("%s: hashes exactly its text", (target) => {
    const rendered = renderBalancer(BalancerModel.parse(fullModel()), target, META);
    expect(rendered.sha256).toBe(createHash("sha256").update(rendered.text, "utf8").digest("hex"));
  });

  it.each(BALANCER_TARGETS)("%s: is the same for the same model, another for another", (target) => {
    const first = renderBalancer(BalancerModel.parse(fullModel()), target, META);
    const again = renderBalancer(BalancerModel.parse(fullModel()), target, META);
    expect(again.text).toBe(first.text);
    const changed = fullModel();
    changed.backends = changed.backends.map((backend) => ({ ...backend, strategy: "least_conn" }));
    expect(renderBalancer(BalancerModel.parse(changed), target, META).sha256).not.toBe(
      first.sha256,
    );
  });

  it("maps nginx's health check to max_fails/fail_timeout and says it is only the nearest", () => {
    const { mapping, text } = renderBalancer(BalancerModel.parse(fullModel()), "nginx", META);
    expect(mapping).toContainEqual({
      path: "backends.0.healthCheck",
      renders: "max_fails=3 fail_timeout=2s on each server",
      fidelity: "nearest",
      note: expect.stringContaining("no active health checks"),
    });
    expect(text).toContain(
      "server 10.0.0.11:8080 weight=2 max_conns=500 max_fails=3 fail_timeout=2s;",
    );
  });

  it("retries on nginx the 5xx answers a health check would fail, and only those", () => {
    const line = (expectStatus?: { min: number; max: number }) => {
      const model = minimalModel();
      if (expectStatus) {
        model.backends = model.backends.map((backend) => ({
          ...backend,
          healthCheck: { expectStatus },
        }));
      }
      const { text } = renderBalancer(BalancerModel.parse(model), "nginx", META);
      return /proxy_next_upstream .*;/.exec(text)?.[0] ?? null;
    };
    expect(line()).toBeNull();
    expect(line({ min: 200, max: 399 })).toBe(
      "proxy_next_upstream error timeout http_500 http_502 http_503 http_504;",
    );
    expect(line({ min: 200, max: 503 })).toBe("proxy_next_upstream error timeout http_504;");
  });

  it("gives an nginx frontend the largest timeouts of its backends and says which backends differ", () => {
    const { mapping, text } = renderBalancer(BalancerModel.parse(fullModel()), "nginx", META);
    // Frontend web reaches app (5 s / 30 s), api (2 s / 120 s), api-legacy and assets (defaults).
    expect(text).toContain("proxy_connect_timeout 5s;\n      proxy_read_timeout 120s;");
    const forBackend = (b: number) =>
      mapping.filter((entry) => entry.path === `backends.${b}.timeouts`).map((e) => e.fidelity);
    expect(forBackend(0)).toEqual(["nearest"]);
    // api is also the only backend of frontend internal, where its own timeouts hold.
    expect(forBackend(1)).toEqual(["nearest", "same"]);
  });

  it("maps cookie stickiness to a consistent hash on the cookie in nginx, insertion in HAProxy", () => {
    const model = BalancerModel.parse(VARIANTS["sticky-cookie"]);
    const nginx = renderBalancer(model, "nginx", META);
    expect(nginx.text).toContain("hash $baton_backend_0_sticky_key consistent;");
    expect(nginx.text).toContain("default $cookie_SRV;");
    expect(nginx.mapping.find((entry) => entry.path === "backends.0.sticky")?.fidelity).toBe(
      "nearest",
    );
    const haproxy = renderBalancer(model, "haproxy", META);
    expect(haproxy.text).toContain("cookie SRV insert indirect nocache httponly");
    expect(haproxy.mapping.find((entry) => entry.path === "backends.0.sticky")?.fidelity).toBe(
      "same",
    );
  });

  it.each([
    ["source", "hash $remote_addr consistent;", "balance source"],
    ["uri-hash", "hash $uri consistent;", "balance uri"],
    ["least-conn-health", "least_conn;", "balance leastconn"],
  ])("renders the %s strategy", (variant, nginxLine, haproxyLine) => {
    const model = BalancerModel.parse(VARIANTS[variant]);
    expect(renderBalancer(model, "nginx", META).text).toContain(nginxLine);
    expect(renderBalancer(model, "haproxy", META).text).toContain(haproxyLine);
  });

  it("refuses for nginx what nginx cannot do, names it in the file and leaves it out", () => {
    const model = BalancerModel.parse(VARIANTS["nginx-refusals"]);
    const nginx = renderBalancer(model, "nginx", META);
    expect(nginx.refusals.map((refusal) => refusal.path)).toEqual([
      "backends.0.sticky",
      "frontends.0.binds.1.tls.certificateId",
    ]);
    expect(nginx.text).toContain("# Not rendered (backends.0.sticky): nginx balances an upstream");
    expect(nginx.text).not.toContain("sticky_key");
    expect(nginx.text).toContain("server 10.0.0.12:8080 weight=1 max_fails=0 backup;");
    expect(renderBalancer(model, "haproxy", META).refusals).toEqual([]);
  });

  it("refuses backup servers in an nginx upstream that hashes", () => {
    const model = BalancerModel.parse(VARIANTS.source);
    model.backends[0]?.servers.push({
      name: "spare",
      address: "10.0.0.99",
      port: 8080,
      weight: 1,
      backup: true,
      state: "ready",
    });
    const nginx = renderBalancer(model, "nginx", META);
    expect(nginx.refusals).toEqual([
      { path: "backends.0.servers.2.backup", message: expect.stringContaining("backup servers") },
    ]);
    expect(nginx.text).not.toContain("10.0.0.99");
  });
});
