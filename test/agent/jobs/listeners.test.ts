/**
 * A config that validates but cannot bind (issue #12 item 4), against a real HAProxy 2.6 and a
 * real nginx 1.22 run by the DirectServiceManager, with clients connecting all along: the job
 * is refused before anything reaches the daemon, its output names the listener, and not one
 * client connection is refused. A config that binds but does not serve (the local probe answers
 * 503) is rolled back, with output that says what clients saw. And, straight through the service
 * manager, what the check prevents: HAProxy's running listeners refuse clients for about 2 s.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { haproxyHandlers } from "../../../agent/jobs/haproxy";
import { watchRefusals } from "../../../agent/jobs/listeners";
import { nginxHandlers } from "../../../agent/jobs/nginx";
import { freePort } from "../haproxy/haproxy-instance";
import { startTraffic } from "../services/traffic";
import { failure, testJob } from "./job-context";
import {
  get,
  haproxyConfig,
  nginxConfig,
  type Site,
  startHaproxySite,
  startNginxSite,
  useSiteLab,
} from "./sites";

/** An address on no interface of this machine (TEST-NET would do; this is the issue's). */
const FOREIGN = "10.99.99.99:8443";

// The lab's upstream doubles as a port another program (this test) holds.
const lab = useSiteLab("baton-listeners-");

describe("haproxy.config.apply with a listener that cannot bind", () => {
  let edge: Site;
  let port: number;
  const socket = () => join(lab.shared, "haproxy-admin.sock");
  const config = (body: string) =>
    haproxyConfig({ socket: socket(), port, body, upstream: lab.upstreamPort });
  const job = (probeUrl?: string) =>
    testJob({
      kind: "haproxy.config.apply",
      services: edge.services,
      config: { ...edge.config, ...(probeUrl ? { probeUrl } : {}) },
    });

  beforeAll(async () => {
    port = await freePort();
    edge = await startHaproxySite({
      socket: socket(),
      port,
      body: "one",
      upstream: lab.upstreamPort,
    });
    lab.sites.push(edge);
  }, 30_000);

  it("refuses an address not on this host: output names it, no client is refused", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const bad = config("two").replace(
      `bind 127.0.0.1:${port}`,
      `bind 127.0.0.1:${port}\n    bind ${FOREIGN}`,
    );
    const traffic = startTraffic(port);
    const { ctx, lines } = job();
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config: bad }, ctx));
    const { ok, failures } = await traffic.stop();
    expect(error.message).toContain(`listener ${FOREIGN}`);
    expect(error.message).toMatch(/not an address of this host/);
    expect(lines.join("\n")).not.toMatch(/kept serving/);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(port)).toBe("one");
  }, 40_000);

  it("refuses a port another program holds, naming the program", async () => {
    const bad = config("two").replace(
      `bind 127.0.0.1:${port}`,
      `bind 127.0.0.1:${port}\n    bind 127.0.0.1:${lab.upstreamPort}`,
    );
    const traffic = startTraffic(port);
    const { ctx } = job();
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config: bad }, ctx));
    const { failures } = await traffic.stop();
    expect(error.message).toContain(`listener 127.0.0.1:${lab.upstreamPort}`);
    expect(error.message).toMatch(new RegExp(`already in use by \\S+ \\(pid ${process.pid}\\)`));
    expect(failures).toEqual([]);
    expect(await get(port)).toBe("one");
  }, 40_000);

  it("rolls back a config whose local probe fails after the reload, and says what clients saw", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const unserving = config("two").replace("status 200", "status 503");
    const { ctx, lines } = job(`http://127.0.0.1:${port}/`);
    const error = await failure(
      haproxyHandlers["haproxy.config.apply"]({ config: unserving }, ctx),
    );
    expect(error.message).toMatch(/local probe .* answered 503/);
    expect(error.message).toMatch(/previous configuration restored/);
    expect(lines.join("\n")).toMatch(/no connection to 127\.0\.0\.1:\d+ was refused/);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(port)).toBe("one");
  }, 40_000);
});

describe("what a bad bind costs when it reaches HAProxy (why the check runs first)", () => {
  it("the refusal watch measures the pause of the running listeners", async () => {
    const port = await freePort();
    const socket = join(lab.shared, "haproxy-raw.sock");
    const edge = await startHaproxySite({ socket, port, body: "one", upstream: lab.upstreamPort });
    lab.sites.push(edge);
    const good = haproxyConfig({ socket, port, body: "one", upstream: lab.upstreamPort });
    // Straight to the service manager: haproxy -c passes, nothing checks the bind.
    await writeFile(
      edge.configFile,
      good.replace(`bind 127.0.0.1:${port}`, `bind 127.0.0.1:${port}\n    bind ${FOREIGN}`),
    );
    const listener = { name: `127.0.0.1:${port}`, host: "127.0.0.1", port, transparent: false };
    const watch = await watchRefusals([listener]);
    await edge.services.reload("haproxy").catch(() => {});
    const [seen = ""] = await watch.stop();
    expect(seen).toMatch(
      new RegExp(`connections to 127\\.0\\.0\\.1:${port} were refused for about \\d+ ms`),
    );
    await writeFile(edge.configFile, good);
    await edge.services.reload("haproxy");
    expect(await get(port)).toBe("one");
  }, 40_000);
});

describe("nginx.config.apply with a listener that cannot bind", () => {
  let edge: Site;
  let port: number;
  const config = (body: string) => nginxConfig({ runtime: lab.shared, port, body });

  beforeAll(async () => {
    port = await freePort();
    edge = await startNginxSite({ port, body: "one", runtime: lab.shared });
    lab.sites.push(edge);
  }, 30_000);

  it("refuses an address not on this host: output names it, no client is refused", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const bad = config("two").replace(
      `listen 127.0.0.1:${port};`,
      `listen 127.0.0.1:${port};\n    listen ${FOREIGN};`,
    );
    const traffic = startTraffic(port);
    const { ctx, lines } = testJob({
      kind: "nginx.config.apply",
      services: edge.services,
      config: edge.config,
    });
    const error = await failure(nginxHandlers["nginx.config.apply"]({ config: bad }, ctx));
    const { ok, failures } = await traffic.stop();
    // nginx -t binds as it checks, so its own words name the listener first.
    expect(error.message).toContain(FOREIGN);
    expect(error.message).toMatch(/not an address of this host|Cannot assign requested address/);
    expect(lines.join("\n")).not.toMatch(/keeps the previous one/);
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(0);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(port)).toBe("one");
  }, 40_000);

  it("rolls back a config whose local probe fails after the reload, and says what clients saw", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const { ctx, lines } = testJob({
      kind: "nginx.config.apply",
      services: edge.services,
      config: { ...edge.config, probeUrl: `http://127.0.0.1:${port}/` },
    });
    const unserving = config("two").replace("return 200", "return 503");
    const error = await failure(nginxHandlers["nginx.config.apply"]({ config: unserving }, ctx));
    expect(error.message).toMatch(
      /local probe .* answered 503; previous configuration restored and reloaded/,
    );
    expect(lines.join("\n")).toMatch(/no connection to 127\.0\.0\.1:\d+ was refused/);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(port)).toBe("one");
  }, 40_000);
});
