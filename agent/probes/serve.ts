/**
 * The serve probe (BATON_PROBE_URL): one request through this member's own frontend on loopback,
 * e.g. http://127.0.0.1:80/, as a client would make it. Whether HAProxy or nginx runs says little
 * about whether it would serve: with every backend server down it answers 503. The result goes
 * into the heartbeat's `probe` section, and failover counts a member whose probe fails as one
 * that cannot serve.
 */
import { request } from "node:http";
import type { Heartbeat } from "../../shared/agent-protocol";
import type { Probe } from "./probe";

const REQUEST_TIMEOUT_MS = 1_000;

/** A status below 500 means the balancer answered for itself or from a backend: it serves. */
export function servedOk(status: number): boolean {
  return status >= 100 && status < 500;
}

function once(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "GET", timeout: timeoutMs, agent: false }, (res) => {
      res.resume(); // the body does not matter; the status does
      resolve(res.statusCode ?? 0);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export function serveProbe({
  url,
  timeoutMs = REQUEST_TIMEOUT_MS,
  now = () => performance.now(),
}: {
  url: string;
  timeoutMs?: number;
  now?: () => number;
}): Probe {
  return {
    name: "probe",
    timeoutMs: timeoutMs + 500,
    async collect(): Promise<Partial<Heartbeat>> {
      const startedAt = now();
      const took = () => Math.max(0, Math.round(now() - startedAt));
      try {
        const status = await once(url, timeoutMs);
        return { probe: { url, ok: servedOk(status), status, ms: took() } };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const message = code ?? (error instanceof Error ? error.message : String(error));
        return { probe: { url, ok: false, ms: took(), error: message.slice(0, 200) } };
      }
    },
  };
}
