/**
 * HAProxy over its admin stats socket (BATON_HAPROXY_SOCKET): `show info` + `show stat` summarised
 * into the heartbeat's `haproxy` section, and `services.haproxy` from whether the socket answers.
 * A socket that is absent (ENOENT) or refuses (ECONNREFUSED) means HAProxy is not running, so the
 * service is reported failed; any other failure (a timeout, a garbled answer) fails the probe
 * and the beat goes without the section.
 */
import type { Heartbeat } from "../../shared/agent-protocol";
import { showInfo, showStat } from "../haproxy/runtime-api";
import { summarise } from "../parsers/haproxy-stat";
import type { Probe } from "./probe";

/** Per runtime API command; both run at once, within the probe's timeout. */
const COMMAND_TIMEOUT_MS = 1_000;
const PROBE_TIMEOUT_MS = 1_500;

const DOWN = /\b(?:ENOENT|ECONNREFUSED)\b/;

export interface HaproxyProbeOptions {
  socketPath: string;
  commandTimeoutMs?: number;
}

export function haproxyProbe({
  socketPath,
  commandTimeoutMs = COMMAND_TIMEOUT_MS,
}: HaproxyProbeOptions): Probe {
  return {
    name: "haproxy",
    timeoutMs: Math.max(PROBE_TIMEOUT_MS, commandTimeoutMs + 500),
    async collect(): Promise<Partial<Heartbeat>> {
      const options = { timeoutMs: commandTimeoutMs };
      try {
        const [info, rows] = await Promise.all([
          showInfo(socketPath, options),
          showStat(socketPath, options),
        ]);
        const haproxy = summarise(rows, info);
        const service = { installed: true, activeState: "active" as const };
        return {
          haproxy,
          services: {
            haproxy: haproxy.version ? { ...service, version: haproxy.version } : service,
          },
        };
      } catch (error) {
        if (error instanceof Error && DOWN.test(error.message)) {
          return { services: { haproxy: { installed: true, activeState: "failed" } } };
        }
        throw error;
      }
    },
  };
}
