import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { Socket } from "node:net";

/**
 * A small real backend on loopback: answers every request with its name (body and X-Server),
 * `/health` with 200, and while `slow` is set holds each request until `release()`. It can be
 * killed (its port refuses connections) and revived on the same port.
 */
export class Backend {
  readonly name: string;
  port = 0;
  slow = false;
  /** Answers everything, /health included, with 503 (a sick application, not a dead one). */
  sick = false;
  /** The headers of the last request it served. */
  lastHeaders: IncomingHttpHeaders = {};
  private server: Server | null = null;
  private held: (() => void)[] = [];
  private sockets = new Set<Socket>();

  constructor(name: string) {
    this.name = name;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const answer = () => {
        response.setHeader("X-Server", this.name);
        response.end(`${this.name}\n`);
      };
      if (this.sick) {
        response.statusCode = 503;
        response.setHeader("X-Server", this.name);
        return void response.end("unavailable\n");
      }
      if (request.url === "/health") return void response.end("ok\n");
      this.lastHeaders = request.headers;
      if (this.slow) this.held.push(answer);
      else answer();
    });
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address && typeof address !== "string") this.port = address.port;
    this.server = server;
  }

  /** How many requests it holds now. */
  heldCount(): number {
    return this.held.length;
  }

  /** Answers every held request. */
  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  /** Stops listening and drops every connection: the port now refuses. */
  async kill(): Promise<void> {
    this.release();
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Three started backends named app1, app2, app3. */
export async function startBackends(): Promise<Backend[]> {
  const backends = ["app1", "app2", "app3"].map((name) => new Backend(name));
  for (const backend of backends) await backend.start();
  return backends;
}
