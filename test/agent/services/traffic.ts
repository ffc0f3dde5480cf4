/**
 * Steady client traffic for reload tests: a few loops each sending GET requests on a new
 * connection every time (so every request needs the listening socket to accept), counting
 * answers and failures until stopped.
 */
import { get } from "node:http";

export interface Traffic {
  /** Stops the loops and resolves with what they saw. */
  stop(): Promise<{ ok: number; failures: string[] }>;
}

function request(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path: "/", agent: false, timeout: 5_000 }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

export function startTraffic(port: number, loops = 4): Traffic {
  let running = true;
  let ok = 0;
  const failures: string[] = [];
  const loop = async () => {
    while (running) {
      await request(port).then(
        () => ok++,
        (error: Error) => failures.push(error.message),
      );
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    async stop() {
      running = false;
      await all;
      return { ok, failures };
    },
  };
}
