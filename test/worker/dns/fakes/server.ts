import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** A request a fake received, as the test asserts it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/execute/DNS/parse_zone?zone=example.com`. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What a fake answers: a status, a JSON body (or text) and extra headers. */
export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface FakeServer {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1 (a free port) that records requests and lets `handle` answer. */
export async function startFakeServer(
  handle: (request: RecordedRequest) => Reply,
): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: RecordedRequest = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      let reply: Reply;
      try {
        reply = handle(request);
      } catch (error) {
        reply = { status: 500, text: `fake failed: ${String(error)}` };
      }
      const body = reply.json === undefined ? (reply.text ?? "") : JSON.stringify(reply.json);
      const type = reply.json === undefined ? "text/plain" : "application/json";
      res.writeHead(reply.status, { "Content-Type": type, ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
