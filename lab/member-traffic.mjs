// Requests straight to each member (not through DNS), from the orchestrator on the bridge, for
// as long as a rollout runs: the DNS client only ever meets the active, and a rollout reloads the
// standbys too. One request at a time per member, a new connection each, 1 s timeout.
import { get } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

const PAUSE_MS = 50;
const TIMEOUT_MS = 1000;

function once(ip) {
  return new Promise((resolve) => {
    const req = get({ host: ip, port: 80, path: "/", agent: false, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? null : `HTTP ${res.statusCode}`));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error) => resolve(error.code ?? error.message));
  });
}

/** Starts the requests; `stop()` resolves with { role: { requests, errors, firstError } }. */
export function startMemberTraffic(hosts) {
  let running = true;
  const seen = Object.fromEntries(
    hosts.map((host) => [host.role, { requests: 0, errors: 0, firstError: null }]),
  );
  const loops = hosts.map(async (host) => {
    const tally = seen[host.role];
    while (running) {
      const error = await once(host.ip);
      tally.requests += 1;
      if (error) {
        tally.errors += 1;
        tally.firstError ??= error;
      }
      await sleep(PAUSE_MS);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return seen;
    },
  };
}
