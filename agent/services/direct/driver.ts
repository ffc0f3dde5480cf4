/**
 * What the direct service manager needs from each daemon it runs itself. The manager does the
 * bookkeeping common to both (liveness from the pid file, the failed marker, locking, stopping);
 * a driver knows its daemon's command line, how to validate a configuration and how to reload
 * and confirm that the reload took.
 */
export interface DaemonDriver {
  /** The process name in /proc/<pid>/stat, checked so a stale pid cannot pass for the daemon. */
  readonly processName: string;
  /** Where the running master writes its pid. */
  pidFile(): Promise<string>;
  /** Validates the configuration file; throws ServiceError with the daemon's output. */
  check(): Promise<void>;
  /** Launches the daemon, which daemonises itself; throws ServiceError with its output. */
  launch(): Promise<void>;
  /**
   * Reloads the master `pid` gracefully (old workers finish their connections) and resolves once
   * a new worker runs the new configuration; throws ServiceError when it did not take.
   */
  reload(pid: number): Promise<void>;
  /** The signal that stops the master and its workers (SIGKILL follows if it is ignored). */
  readonly stopSignal: NodeJS.Signals;
  /** The daemon's version, e.g. "2.6.12-1+deb12u4"; undefined when it cannot be read. */
  version(): Promise<string | undefined>;
}

/** How long a launch, a reload or a stop may take before the manager gives up. */
export const DAEMON_TIMEOUT_MS = 10_000;
