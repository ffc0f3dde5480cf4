/**
 * How the agent sees and drives HAProxy and nginx on its VM. Two implementations: `systemd`
 * (production: `systemctl show`, `systemctl reload|restart`) and `direct` (the agent runs the
 * daemon itself with a pid file, for hosts without systemd and for tests).
 */
import type { MonitoredService, ServiceReport } from "../../shared/heartbeat";

export type { MonitoredService, ServiceReport };

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
}
