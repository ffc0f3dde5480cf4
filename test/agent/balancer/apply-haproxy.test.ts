/**
 * `balancer.apply` against a real HAProxy 2.6 run by the DirectServiceManager: a revision with a
 * certificate fetched and checked, kept on the next revision, refused when its hash is wrong,
 * and rolled back byte for byte when its backend loses every UP server after the reload. The
 * heartbeat's `balancer` section follows the file on disk, hand edits included.
 */

import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer as createTcpServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { applyBalancer } from "../../../agent/balancer/apply";
import { balancerProbe } from "../../../agent/probes/balancer";
import { freePort } from "../haproxy/haproxy-instance";
import { failure, MemoryJobApi, testJob } from "../jobs/job-context";
import { get, startHaproxySite, useSiteLab } from "../jobs/sites";
import { haproxyRevision, payloadFor, presentedCn, selfSignedPem, sha256 } from "./revisions";

const lab = useSiteLab("baton-balancer-haproxy-");
const CERT_ID = "crt_0123456789abcdef";

describe("balancer.apply on HAProxy", () => {
  let edge: Awaited<ReturnType<typeof startHaproxySite>> & { port: number; socket: string };
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
  const revision = (n: number, extra: Partial<Parameters<typeof haproxyRevision>[0]> = {}) =>
    haproxyRevision({
      revision: n,
      socket: edge.socket,
      port: edge.port,
      upstream: lab.upstreamPort,
      tls: { port: tlsPort, certId: CERT_ID },
      ...extra,
    });
  const certsDir = () => join(edge.confDir, "baton-certs");

  beforeAll(async () => {
    const port = await freePort();
    tlsPort = await freePort();
    const socket = join(lab.shared, "admin.sock");
    const site = await startHaproxySite({ socket, port, body: "hand", upstream: lab.upstreamPort });
    lab.sites.push(site);
    edge = { ...site, port, socket };
    pem = selfSignedPem("rev-one.example");
    api.certificates.set(CERT_ID, { id: CERT_ID, pem, sha256: sha256(pem) });
  }, 30_000);

  it("applies a revision with its certificate: serves it over TLS, writes both as sent", async () => {
    const { ctx, lines } = job();
    const text = revision(1);
    await applyBalancer(payloadFor("haproxy", 1, text, [{ id: CERT_ID, pem }]), ctx);
    expect(await get(edge.port)).toBe("upstream");
    expect(await presentedCn(tlsPort)).toBe("rev-one.example");
    expect(await readFile(edge.configFile, "utf8")).toBe(text);
    expect(await readFile(join(certsDir(), `${CERT_ID}.pem`), "utf8")).toBe(pem);
    expect((await stat(join(certsDir(), `${CERT_ID}.pem`))).mode & 0o777).toBe(0o600);
    expect((await stat(certsDir())).mode & 0o777).toBe(0o700);
    const output = lines.join("\n");
    expect(output).toMatch(/certificates: 0 already here, 1 fetched/);
    expect(output).toMatch(/backends reached their health state/);
    expect(output).toMatch(/revision 1 \(sha256 [0-9a-f]{12}…\) applied to .* in \d+ ms/);
    // Nothing staged is left beside the live files.
    expect((await readdir(edge.confDir)).sort()).toEqual(["baton-certs", "conf.d", "haproxy.cfg"]);
  }, 30_000);

  it("the heartbeat reports the file's revision and hash, and a hand edit as a new hash", async () => {
    const probe = balancerProbe({ files: [edge.configFile, "/nonexistent/nginx.conf"] });
    const text = await readFile(edge.configFile, "utf8");
    expect(await probe.collect()).toEqual({ balancer: { revision: 1, sha256: sha256(text) } });
    const edited = `${text}# tuned by hand\n`;
    await writeFile(edge.configFile, edited);
    expect(await probe.collect()).toEqual({ balancer: { revision: 1, sha256: sha256(edited) } });
    await writeFile(edge.configFile, text);
  });

  it("keeps a certificate it already has: the next revision fetches nothing", async () => {
    // What an agent stopped mid-job would leave: removed by the next apply.
    await mkdir(join(edge.confDir, ".baton-balancer-stale1"));
    const { ctx, lines } = job();
    const asked = api.certificateRequests.length;
    await applyBalancer(payloadFor("haproxy", 2, revision(2), [{ id: CERT_ID, pem }]), ctx);
    expect(api.certificateRequests.length).toBe(asked);
    expect(lines.join("\n")).toMatch(/certificates: 1 already here, 0 fetched/);
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(2));
    expect((await readdir(edge.confDir)).sort()).toEqual(["baton-certs", "conf.d", "haproxy.cfg"]);
  }, 30_000);

  it("refuses a certificate whose hash is not the revision's, and changes nothing", async () => {
    const other = selfSignedPem("intruder.example");
    const id = "crt_fedcba9876543210";
    api.certificates.set(id, { id, pem: other, sha256: sha256(other) });
    const payload = payloadFor("haproxy", 3, revision(3, { tls: { port: tlsPort, certId: id } }), [
      { id, pem },
    ]);
    const { ctx } = job();
    const error = await failure(applyBalancer(payload, ctx));
    expect(error.message).toMatch(/certificate crt_fedcba9876543210 does not match the revision/);
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(2));
    expect(await readdir(certsDir())).toEqual([`${CERT_ID}.pem`]);
    expect(await presentedCn(tlsPort)).toBe("rev-one.example");
  }, 30_000);

  it("refuses a text that does not hash to its sha256, or whose header names another revision", async () => {
    const payload = payloadFor("haproxy", 4, revision(4));
    const tampered = {
      ...payload,
      text: payload.text.replace("timeout client 5s", "timeout client 9s"),
    };
    const a = await failure(applyBalancer(tampered, job().ctx));
    expect(a.message).toMatch(/does not hash to the revision's sha256/);
    const misnamed = payloadFor("haproxy", 5, revision(4));
    const b = await failure(applyBalancer(misnamed, job().ctx));
    expect(b.message).toBe("the text's header names revision 4, the job revision 5: not applied");
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(2));
  });

  it("validates with the certificates in place: a certificate the revision does not carry is refused by haproxy -c", async () => {
    const text = revision(6, { tls: { port: tlsPort, certId: "crt_notcarried000000" } });
    const error = await failure(applyBalancer(payloadFor("haproxy", 6, text), job().ctx));
    expect(error.message).toMatch(/haproxy -c rejected the configuration/);
    expect(await readFile(edge.configFile, "utf8")).toBe(revision(2));
    expect(await readdir(certsDir())).toEqual([`${CERT_ID}.pem`]);
  }, 30_000);

  it("rolls back a revision whose backend has no server UP after the reload: file and certificates back byte for byte", async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const deadPort = typeof address === "object" && address ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    const before = await readFile(edge.configFile);
    const certBefore = await readFile(join(certsDir(), `${CERT_ID}.pem`));
    const newPem = selfSignedPem("rev-seven.example");
    const id = "crt_7777777777777777";
    api.certificates.set(id, { id, pem: newPem, sha256: sha256(newPem) });
    // No probe URL here: the local probe would catch the 503 first; this is about backend health.
    const { ctx, lines } = testJob({
      kind: "balancer.apply",
      services: edge.services,
      config: edge.config,
      api,
    });
    const text = revision(7, { upstream: deadPort, tls: { port: tlsPort, certId: id } });
    const error = await failure(
      applyBalancer(payloadFor("haproxy", 7, text, [{ id, pem: newPem }]), ctx),
    );
    expect(error.message).toMatch(
      /^revision 7 rolled back \(in place for \d+ ms\): backend be_app has no server UP after the reload \(it had before\)/,
    );
    expect(error.message).toMatch(/previous configuration restored and reloaded/);
    expect(lines.join("\n")).toMatch(/restoring the previous configuration/);
    expect(await readFile(edge.configFile)).toEqual(before);
    expect(await readdir(certsDir())).toEqual([`${CERT_ID}.pem`]);
    expect(await readFile(join(certsDir(), `${CERT_ID}.pem`))).toEqual(certBefore);
    expect(await get(edge.port)).toBe("upstream");
    expect(await presentedCn(tlsPort)).toBe("rev-one.example");
  }, 40_000);

  it("with a local probe too, names the backend that lost its servers, not the probe's 503 (health before the probe)", async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    const deadPort = typeof address === "object" && address ? address.port : 0;
    await new Promise((resolve) => closed.close(resolve));
    const before = await readFile(edge.configFile);
    const { ctx } = job();
    const text = revision(8, { upstream: deadPort });
    const error = await failure(
      applyBalancer(payloadFor("haproxy", 8, text, [{ id: CERT_ID, pem }]), ctx),
    );
    expect(error.message).toMatch(
      /^revision 8 rolled back \(in place for \d+ ms\): backend be_app has no server UP after the reload/,
    );
    expect(await readFile(edge.configFile)).toEqual(before);
    expect(await get(edge.port)).toBe("upstream");
  }, 40_000);

  it("rolls back a revision that drops the runtime API the agent watches HAProxy through", async () => {
    const before = await readFile(edge.configFile);
    const text = revision(8).replace(/ {4}stats socket .*\n/, "");
    const error = await failure(
      applyBalancer(payloadFor("haproxy", 8, text, [{ id: CERT_ID, pem }]), job().ctx),
    );
    expect(error.message).toMatch(
      /^revision 8 rolled back \(in place for \d+ ms\): haproxy reload could not be confirmed: .*does the new config keep the agent's stats socket\?\); previous configuration restored and reloaded/,
    );
    expect(await readFile(edge.configFile)).toEqual(before);
    expect(await get(edge.port)).toBe("upstream");
  }, 40_000);
});
