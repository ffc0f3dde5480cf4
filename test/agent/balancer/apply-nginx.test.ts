/**
 * `balancer.apply` against a real nginx 1.22: a complete main nginx.conf whose certificate is
 * referenced relatively from `baton-certs/` (resolved against the config file's directory), and
 * a revision `nginx -t` refuses leaving the running one untouched.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { applyBalancer } from "../../../agent/balancer/apply";
import { freePort } from "../haproxy/haproxy-instance";
import { failure, MemoryJobApi, testJob } from "../jobs/job-context";
import { get, type Site, startNginxSite, useSiteLab } from "../jobs/sites";
import { nginxRevision, payloadFor, presentedCn, selfSignedPem, sha256 } from "./revisions";

// nginx's pid file and logs live under the lab's dir, which goes only after its sites are
// stopped (a runtime dir removed first left nginx running without its pid file).
const lab = useSiteLab("baton-balancer-nginx-");
const CERT_ID = "crt_abcdefabcdef0001";
let runtime = "";

describe("balancer.apply on nginx", () => {
  let edge: Site & { port: number };
  let tlsPort: number;
  let pem: string;
  const api = new MemoryJobApi();
  const job = () =>
    testJob({
      kind: "balancer.apply",
      services: edge.services,
      config: { ...edge.config, probeUrl: `http://127.0.0.1:${edge.port}/` },
      api,
    });
  const revision = (n: number) =>
    nginxRevision({
      revision: n,
      runtime,
      port: edge.port,
      upstream: lab.upstreamPort,
      tls: { port: tlsPort, certId: CERT_ID },
    });

  beforeAll(async () => {
    runtime = join(lab.shared, "nginx-run");
    await mkdir(runtime);
    const port = await freePort();
    tlsPort = await freePort();
    const site = await startNginxSite({ port, body: "hand", runtime });
    lab.sites.push(site);
    edge = { ...site, port };
    pem = selfSignedPem("nginx-rev.example");
    api.certificates.set(CERT_ID, { id: CERT_ID, pem, sha256: sha256(pem) });
  }, 30_000);

  it("applies a revision with its certificate: proxies to the backend and serves TLS with it", async () => {
    const { ctx, lines } = job();
    await applyBalancer(payloadFor("nginx", 1, revision(1), [{ id: CERT_ID, pem }]), ctx);
    expect(await get(edge.port)).toBe("upstream");
    expect(await presentedCn(tlsPort)).toBe("nginx-rev.example");
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(1));
    expect(lines.join("\n")).toMatch(/the local probe http:\/\/127\.0\.0\.1:\d+\/ passes/);
    expect((await readdir(edge.confDir)).sort()).toEqual(["baton-certs", "conf.d", "nginx.conf"]);
  }, 30_000);

  it("a revision nginx -t refuses leaves the file, the certificates and the traffic as they were", async () => {
    const broken = revision(2).replace("http {", "http {\n  frobnicate on;");
    const error = await failure(applyBalancer(payloadFor("nginx", 2, broken), job().ctx));
    expect(error.message).toMatch(/unknown directive "frobnicate"/);
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(1));
    expect(await readdir(join(edge.confDir, "baton-certs"))).toEqual([`${CERT_ID}.pem`]);
    expect(await get(edge.port)).toBe("upstream");
  }, 30_000);
});
