/**
 * A config that validates but cannot bind (issue #12 item 4), against a real HAProxy 2.6 and a
 * real nginx 1.22 run by the DirectServiceManager, with clients connecting all along: the job
 * is refused before anything reaches the daemon, its output names the listener, and not one
 * client connection is refused. A config that binds but does not serve (the local probe answers
 * 503) is rolled back, with output that says what clients saw. And, straight through the service
 * manager, what the check prevents: HAProxy's running listeners refuse clients for about 2 s.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createTcpServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
} from "./sites";

/** An address on no interface of this machine (TEST-NET would do; this is the issue's). */
const FOREIGN = "10.99.99.99:8443";

let shared: string;
const sites: Site[] = [];
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  shared = await mkdtemp(join(tmpdir(), "baton-listeners-"));
  busy = createTcpServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  const address = busy.address();
  busyPort = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  for (const site of sites) await site.stop();
  await new Promise((resolve) => busy?.close(resolve));
  await rm(shared, { recursive: true, force: true });
});

describe("haproxy.config.apply with a listener that cannot bind", () => {
  let edge: Site;
  let port: number;
  const socket = () => join(shared, "haproxy-admin.sock");
  const config = (body: string) =>
    haproxyConfig({ socket: socket(), port, body, upstream: busyPort });
  const job = (probeUrl?: string) =>
    testJob({
      kind: "haproxy.config.apply",
      services: edge.services,
      config: { ...edge.config, ...(probeUrl ? { probeUrl } : {}) },
    });

  beforeAll(async () => {
    port = await freePort();
    edge = await startHaproxySite({ socket: socket(), port, body: "one", upstream: busyPort });
    sites.push(edge);
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
      `bind 127.0.0.1:${port}\n    bind 127.0.0.1:${busyPort}`,
    );
    const traffic = startTraffic(port);
    const { ctx } = job();
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config: bad }, ctx));
    const { failures } = await traffic.stop();
    expect(error.message).toContain(`listener 127.0.0.1:${busyPort}`);
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
    const socket = join(shared, "haproxy-raw.sock");
    const edge = await startHaproxySite({ socket, port, body: "one", upstream: busyPort });
    sites.push(edge);
    const good = haproxyConfig({ socket, port, body: "one", upstream: busyPort });
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
  const config = (body: string) => nginxConfig({ runtime: shared, port, body });

  beforeAll(async () => {
    port = await freePort();
    edge = await startNginxSite({ port, body: "one", runtime: shared });
    sites.push(edge);
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
