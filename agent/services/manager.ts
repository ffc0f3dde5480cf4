/**
 * How the agent sees and drives HAProxy and nginx on its VM. Two implementations: `systemd`
 * (production: `systemctl show`, `systemctl reload|restart`) and `direct` (the agent runs the
 * daemon itself with a pid file, for hosts without systemd and for tests).
 */
import { MonitoredService, type ServiceReport } from "../../shared/agent-protocol";

export { MonitoredService, type ServiceReport };

/** A service manager action failed; `message` is one line saying what and why. */
export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    message: string,
    /** The failing command's output, for the job output tail. */
    readonly output = "",
  ) {
    super(message);
  }
}

/** Where a service's files are on this VM. */
export interface ServicePaths {
  /** The binary (`haproxy`, `nginx`), resolved on PATH unless absolute. */
  binary: string;
  /** The main configuration file. */
  configFile: string;
}

export interface ServiceManager {
  readonly kind: "systemd" | "direct";
  /** Whether the service is installed and what state it is in. Never throws. */
  status(service: MonitoredService): Promise<ServiceReport>;
  /** Starts the service if it is not running. */
  start(service: MonitoredService): Promise<void>;
  /** Reloads the configuration without dropping connections; throws ServiceError. */
  reload(service: MonitoredService): Promise<void>;
  /** Stops and starts the service; throws ServiceError. */
  restart(service: MonitoredService): Promise<void>;
  /**
   * Optional, for managers whose status() is costly (systemd spawns systemctl): a cheap check of
   * whether the state last reported may be out of date, e.g. because the unit's main process is
   * gone. Never throws.
   */
  mayHaveChanged?(service: MonitoredService): boolean;
  /**
   * Calls `onChange` as soon as a service's process starts, stops or dies, until `signal`
   * aborts, so the agent can send a heartbeat at once instead of at the next interval. Cheap
   * checks only (pid files, /proc); never throws.
   */
  watch?(onChange: () => void, signal: AbortSignal): void;
}

/**
 * How often `watch` looks: one /proc read per daemon, five times a second. bench:agent measured
 * the agent at 1.02 % of a core looking ten times a second, 0.90 % at five.
 */
export const WATCH_INTERVAL_MS = 200;

/**
 * Polls `look` every `intervalMs` and calls `onChange` when its answer differs from the last
 * one. `look` is cheap and never throws; one look runs at a time.
 */
export function watchForChanges(
  look: () => Promise<string> | string,
  onChange: () => void,
  signal: AbortSignal,
  intervalMs = WATCH_INTERVAL_MS,
): void {
  let last: string | undefined;
  let busy = false;
  const tick = async () => {
    if (busy || signal.aborted) return;
    busy = true;
    try {
      const now = await look();
      if (last !== undefined && now !== last && !signal.aborted) onChange();
      last = now;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  void tick();
}
