/**
 * The serve probe against a real HTTP server on loopback: what a client would get through this
 * member's own frontend decides `probe.ok`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { servedOk, serveProbe } from "../../../agent/probes/serve";

let server: Server | undefined;

async function answering(status: number): Promise<string> {
  server = createServer((_req, res) => {
    res.statusCode = status;
    res.end("body\n");
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe("serve probe", () => {
  it("is ok when the frontend answers, with its status and time", async () => {
    const url = await answering(200);
    const { probe } = await serveProbe({ url }).collect();
    expect(probe).toMatchObject({ url, ok: true, status: 200 });
    expect(probe?.ms).toBeGreaterThanOrEqual(0);
  });

  it("fails on the 503 a balancer gives when no backend server is up", async () => {
    const url = await answering(503);
    expect((await serveProbe({ url }).collect()).probe).toMatchObject({ ok: false, status: 503 });
  });

  it("fails with the reason when nothing listens", async () => {
    const url = await answering(200);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect((await serveProbe({ url }).collect()).probe).toMatchObject({
      ok: false,
      error: "ECONNREFUSED",
    });
  });

  it("counts any answer below 500 as served", () => {
    expect([200, 301, 404, 499].map(servedOk)).toEqual([true, true, true, true]);
    expect([500, 502, 503, 0].map(servedOk)).toEqual([false, false, false, false]);
  });
});
