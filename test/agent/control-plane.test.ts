/**
 * The agent's control plane client against a small HTTP server on loopback: what it sends, how
 * answers map to Refused (fix something) and Unavailable (retry), timeouts, size caps, and one
 * kept-alive connection for heartbeats.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  ControlPlaneClient,
  HEARTBEAT_TIMEOUT_MS,
  Refused,
  Unavailable,
} from "../../agent/control-plane";
import { AGENT_ANSWER_MAX_BYTES } from "../../shared/limits";

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

const servers: Server[] = [];
const clients: ControlPlaneClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server answering with `handler`; returns a client for it and the sockets it accepted. */
async function serve(handler: Handler, timeoutMs = 2_000) {
  const sockets = new Set<unknown>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => handler(req, Buffer.concat(chunks), res));
  });
  server.on("connection", (socket) => sockets.add(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ControlPlaneClient({
    url: `http://127.0.0.1:${port}/base/`,
    token: "t".repeat(48),
    version: "9.8.7",
    timeoutMs,
  });
  clients.push(client);
  return { client, sockets };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const OK = { jobs: [], intervalMs: 1000, serverTime: 5 };
const beat = { hostname: "vm-1", agentVersion: "9.8.7" };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error,
  );
}

describe("ControlPlaneClient", () => {
  it("sends the heartbeat with its headers under the URL's path, over one kept-alive connection", async () => {
    const seen: { url?: string; headers: IncomingMessage["headers"]; body: unknown }[] = [];
    const { client, sockets } = await serve((req, body, res) => {
      seen.push({ url: req.url, headers: req.headers, body: JSON.parse(body.toString()) });
      json(res, 200, OK);
    });
    for (let i = 0; i < 3; i++) {
      expect(await client.heartbeat(beat)).toEqual({
        ...OK,
        schedules: [],
        wants: { haproxyStat: false },
      });
    }
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({
      url: "/base/agent/v1/heartbeat",
      body: beat,
      headers: {
        authorization: `Bearer ${"t".repeat(48)}`,
        "x-baton-protocol": "1",
        "user-agent": "baton-agent/9.8.7",
        "content-type": "application/json",
      },
    });
    expect(sockets.size).toBe(1);
  });

  it("a 4xx with the control plane's error body is Refused with its code and message", async () => {
    const { client } = await serve((_req, _body, res) =>
      json(res, 403, { error: { code: "ip_not_allowed", message: "127.0.0.1 is not allowed" } }),
    );
    const error = await failure(client.heartbeat(beat));
    expect(error).toBeInstanceOf(Refused);
    expect(error).toMatchObject({ status: 403, code: "ip_not_allowed" });
  });

  it("5xx, 429, answers off the protocol and a closed port are Unavailable", async () => {
    const answers: Handler[] = [
      (_req, _body, res) => json(res, 503, { error: { code: "internal_error", message: "x" } }),
      (_req, _body, res) => json(res, 429, {}),
      (_req, _body, res) => json(res, 200, { jobs: "no" }),
      (_req, _body, res) => res.end("<html>"),
    ];
    const { client } = await serve((req, body, res) =>
      (answers.shift() as Handler)(req, body, res),
    );
    for (let i = 0; i < 4; i++) {
      expect(await failure(client.heartbeat(beat))).toBeInstanceOf(Unavailable);
    }
    const closed = new ControlPlaneClient({
      url: "http://127.0.0.1:1",
      token: "t",
      version: "1.0.0",
    });
    clients.push(closed);
    const error = await failure(closed.heartbeat(beat));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("gives up on a silent server at its timeout", async () => {
    const { client } = await serve(() => {}, 200);
    const error = await failure(client.heartbeat(beat));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).message).toBe("no answer within 200 ms");
  });

  it("abandons a heartbeat after 1 s even when other requests may wait 10 s (a blip must not outlast the delay)", async () => {
    const { client } = await serve(() => {}, 10_000);
    const error = await failure(client.heartbeat(beat));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).message).toBe(`no answer within ${HEARTBEAT_TIMEOUT_MS} ms`);
    expect(HEARTBEAT_TIMEOUT_MS).toBe(1_000);
  });

  it("the caller's abort is passed through as it is", async () => {
    const { client } = await serve(() => {});
    const controller = new AbortController();
    const pending = failure(client.heartbeat(beat, controller.signal));
    controller.abort(new Error("stopping"));
    expect(await pending).toMatchObject({ message: "stopping" });
  });

  it("uploads a backup with its checksum and job id, and downloads one with its headers", async () => {
    const archive = Buffer.from("not really a tarball");
    const sha256 = createHash("sha256").update(archive).digest("hex");
    const { client } = await serve((req, body, res) => {
      if (req.method === "POST") {
        expect(req.url).toBe("/base/agent/v1/backups?service=haproxy");
        expect(req.headers).toMatchObject({
          "content-type": "application/gzip",
          "x-baton-sha256": sha256,
          "x-baton-job-id": "job-1",
        });
        expect(body.equals(archive)).toBe(true);
        json(res, 201, { backup: { id: "bk-1" } });
      } else {
        res.writeHead(200, {
          "x-baton-sha256": sha256,
          "x-baton-service": "haproxy",
          "x-baton-backup-origin": encodeURIComponent("uploaded by édge-a for job job-1"),
        });
        res.end(archive);
      }
    });
    expect(await client.uploadBackup("haproxy", archive, sha256, "job-1")).toEqual({ id: "bk-1" });
    const download = await client.downloadBackup("bk-1");
    expect(download).toMatchObject({
      sha256,
      service: "haproxy",
      origin: "uploaded by édge-a for job job-1",
    });
    expect(Buffer.from(download.archive).equals(archive)).toBe(true);
  });

  it("fetches a certificate of its pool by id, and refuses an answer off the contract", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const sha256 = createHash("sha256").update(pem).digest("hex");
    const asked: string[] = [];
    const { client } = await serve((req, _body, res) => {
      asked.push(`${req.method} ${req.url} ${req.headers.authorization?.slice(0, 9)}`);
      if (req.url?.endsWith("crt_0123456789abcdef"))
        json(res, 200, { id: "crt_0123456789abcdef", pem, sha256 });
      else json(res, 200, { id: "../../etc/shadow", pem, sha256 });
    });
    expect(await client.downloadCertificate("crt_0123456789abcdef")).toEqual({
      id: "crt_0123456789abcdef",
      pem,
      sha256,
    });
    expect(asked).toEqual(["GET /base/agent/v1/certificates/crt_0123456789abcdef Bearer tt"]);
    expect(await failure(client.downloadCertificate("crt_ffffffffffffffff"))).toBeInstanceOf(
      Unavailable,
    );
  });

  it("reads a heartbeat answer up to the limit the control plane packs jobs under, not beyond", async () => {
    const sizes = [AGENT_ANSWER_MAX_BYTES, AGENT_ANSWER_MAX_BYTES + 1];
    const { client } = await serve((_req, _body, res) => {
      const text = JSON.stringify(OK);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(text + " ".repeat((sizes.shift() ?? 0) - Buffer.byteLength(text)));
    });
    expect((await client.heartbeat(beat)).jobs).toEqual([]);
    const error = await failure(client.heartbeat(beat));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).message).toBe(`answer larger than ${AGENT_ANSWER_MAX_BYTES} bytes`);
  });

  it("refuses an answer bigger than it accepts", async () => {
    const { client } = await serve((_req, _body, res) => {
      res.writeHead(200, { "x-baton-sha256": "0".repeat(64), "x-baton-service": "nginx" });
      res.end(Buffer.alloc(1024 * 1024 + 1));
    });
    const error = await failure(client.downloadBackup("bk-big"));
    expect(error).toBeInstanceOf(Unavailable);
    expect((error as Error).message).toBe("answer larger than 1048576 bytes");
  });
});
