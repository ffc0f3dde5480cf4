/**
 * nginx's `stub_status` counters (BATON_NGINX_STATUS_URL, loopback http only) into the
 * heartbeat's `nginx` section: one GET with a short timeout and a small body cap. A failure
 * fails the probe and the beat goes without the section; whether nginx runs at all is the
 * services probe's job.
 */
import { get } from "node:http";
import type { Heartbeat } from "../../shared/agent-protocol";
import { parseStubStatus } from "../parsers/nginx-stub-status";
import type { Probe } from "./probe";

const REQUEST_TIMEOUT_MS = 1_000;
/** The page is about 100 bytes; anything much larger is not it. */
const MAX_BODY_BYTES = 4 * 1024;

export function fetchText(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { timeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`${url} answered HTTP ${res.statusCode}`));
        }
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY_BYTES) request.destroy(new Error(`${url}: answer too large`));
        });
        res.on("end", () => resolve(body));
        res.on("error", reject);
      },
    );
    request.on("timeout", () =>
      request.destroy(new Error(`${url} timed out after ${timeoutMs} ms`)),
    );
    request.on("error", reject);
  });
}

export function nginxProbe({
  statusUrl,
  timeoutMs = REQUEST_TIMEOUT_MS,
}: {
  statusUrl: string;
  timeoutMs?: number;
}): Probe {
  return {
    name: "nginx",
    timeoutMs: timeoutMs + 500,
    async collect(): Promise<Partial<Heartbeat>> {
      return { nginx: parseStubStatus(await fetchText(statusUrl, timeoutMs)) };
    },
  };
}
