/** One TCP connection attempt, closed as soon as it is accepted. */
import { connect } from "node:net";

/** Null when `host:port` accepted a connection within `timeoutMs`; otherwise why not. */
export function connectOnce(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      resolve(null);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve("ETIMEDOUT");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
