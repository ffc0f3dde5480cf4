/** The nginx stub_status probe against a real nginx 1.22 on loopback. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxProbe } from "../../../agent/probes/nginx";
import { type NginxInstance, startNginx } from "../nginx/nginx-instance";

let nginx: NginxInstance;

beforeAll(async () => {
  nginx = await startNginx();
});

afterAll(async () => {
  await nginx.stop();
});

describe("nginx probe", () => {
  it("reads real counters, which go up after requests", async () => {
    const probe = nginxProbe({ statusUrl: nginx.statusUrl });
    const before = (await probe.collect()).nginx;
    for (let i = 0; i < 5; i++) await (await fetch(`http://127.0.0.1:${nginx.port}/`)).text();
    const after = (await probe.collect()).nginx;
    expect(before?.activeConnections).toBeGreaterThanOrEqual(1);
    // Five requests plus the probe's own second GET.
    expect((after?.requests ?? 0) - (before?.requests ?? 0)).toBeGreaterThanOrEqual(6);
    expect(after?.accepts).toBeGreaterThanOrEqual(before?.accepts ?? 0);
  });

  it("fails on a URL that is not the stub_status page", async () => {
    const probe = nginxProbe({ statusUrl: `http://127.0.0.1:${nginx.port}/` });
    await expect(probe.collect()).rejects.toThrow(/stub_status/);
    const missing = nginxProbe({ statusUrl: `http://127.0.0.1:${nginx.port}/nginx_status/none` });
    await expect(missing.collect()).rejects.toThrow();
  });

  it("fails within its timeout when nothing answers", async () => {
    const { createServer } = await import("node:net");
    const silent = createServer(() => {}); // accepts and never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const started = Date.now();
    const probe = nginxProbe({
      statusUrl: `http://127.0.0.1:${port}/nginx_status`,
      timeoutMs: 200,
    });
    await expect(probe.collect()).rejects.toThrow(/timed out|aborted/);
    expect(Date.now() - started).toBeLessThan(1_500);
    silent.close();
  });
});
