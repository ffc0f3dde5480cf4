import { request } from "node:http";
import { request as tlsRequest } from "node:https";

export interface Answer {
  status: number;
  location: string | null;
  /** The backend that answered (X-Server), or null for an answer of the balancer itself. */
  server: string | null;
  setCookie: string[];
}

export interface GetOptions {
  path?: string;
  /** A loopback address to connect from (127.0.0.2…): another client to `source` balancing. */
  localAddress?: string;
  cookie?: string;
  host?: string;
  /** Gives up after this long (default 10 s). */
  timeoutMs?: number;
  /** TLS with SNI `host` (the test's self-signed certificate is accepted). */
  tls?: boolean;
}

/** One GET on a fresh connection (no keep-alive), so every request is balanced anew. */
export function get(port: number, options: GetOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: options.host ?? "www.example.com" };
    if (options.cookie) headers.Cookie = options.cookie;
    const send = options.tls ? tlsRequest : request;
    const req = send(
      {
        ...(options.tls && {
          servername: (options.host ?? "www.example.com").split(":")[0],
          rejectUnauthorized: false,
        }),
        host: "127.0.0.1",
        port,
        path: options.path ?? "/",
        localAddress: options.localAddress,
        headers,
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        response.resume();
        response.on("end", () => {
          const server = response.headers["x-server"];
          resolve({
            status: response.statusCode ?? 0,
            location: response.headers.location ?? null,
            server: typeof server === "string" ? server : null,
            setCookie: response.headers["set-cookie"] ?? [],
          });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** `count` requests one after another; how many each server answered, and the failures. */
export async function tally(port: number, count: number, options: GetOptions = {}) {
  const byServer: Record<string, number> = {};
  let errors = 0;
  for (let i = 0; i < count; i++) {
    const answer = await get(port, options).catch(() => null);
    if (answer?.status !== 200 || !answer.server) errors++;
    else byServer[answer.server] = (byServer[answer.server] ?? 0) + 1;
  }
  return { byServer, errors };
}
