/**
 * The direct service manager: the agent runs HAProxy and nginx itself, for hosts without systemd
 * and for tests. The daemons daemonise, so they keep serving when the agent restarts; their pid
 * files and sockets live in `runDir`. A start or reload that leaves a daemon dead writes
 * `<runDir>/<service>.failed`, which makes status() say "failed" (as systemd would) until the
 * next successful start. Actions on one service run one at a time.
 */
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findBinary } from "./binary";
import { DAEMON_TIMEOUT_MS, type DaemonDriver } from "./direct/driver";
import { haproxyDriver } from "./direct/haproxy";
import { nginxDriver } from "./direct/nginx";
import { isAlive, isRunning, readPidFile, signal, waitFor } from "./direct/process";
import {
  MonitoredService,
  ServiceError,
  type ServiceManager,
  type ServicePaths,
  type ServiceReport,
  watchForChanges,
} from "./manager";

export interface DirectServiceManagerOptions {
  /** Pid files, the HAProxy master socket and failure markers (created 0700). */
  runDir: string;
  paths: Record<MonitoredService, ServicePaths>;
}

export class DirectServiceManager implements ServiceManager {
  readonly kind = "direct";
  private readonly runDir: string;
  private readonly paths: Record<MonitoredService, ServicePaths>;
  private readonly drivers = new Map<MonitoredService, DaemonDriver>();
  private readonly versions = new Map<MonitoredService, Promise<string | undefined>>();
  private readonly queues = new Map<MonitoredService, Promise<unknown>>();

  constructor(options: DirectServiceManagerOptions) {
    this.runDir = options.runDir;
    this.paths = options.paths;
  }

  async status(service: MonitoredService): Promise<ServiceReport> {
    try {
      if (!this.binary(service)) return { installed: false, activeState: "inactive" };
      const version = await this.version(service);
      const withVersion = version ? { version } : {};
      if ((await this.runningPid(service)) !== undefined) {
        return { installed: true, activeState: "active", subState: "running", ...withVersion };
      }
      const failed = existsSync(this.failedMarker(service));
      return {
        installed: true,
        activeState: failed ? "failed" : "inactive",
        subState: failed ? "failed" : "dead",
        ...withVersion,
      };
    } catch {
      return { installed: true, activeState: "unknown" };
    }
  }

  start(service: MonitoredService): Promise<void> {
    return this.serialised(service, () => this.startNow(service));
  }

  /** Watches each installed service's master pid (pid file, /proc): a start, stop or death. */
  watch(onChange: () => void, signal: AbortSignal): void {
    // Which daemons are installed changes only with an install job: looked up every 5 s (a PATH
    // search is a dozen stat calls). Between full looks, once a second, only the known masters
    // are checked, one /proc read each: a death shows at once, a start within a second.
    let installed: MonitoredService[] = [];
    let installedAt = Number.NEGATIVE_INFINITY;
    let pids: (number | undefined)[] = [];
    let fullAt = Number.NEGATIVE_INFINITY;
    const look = async () => {
      const now = Date.now();
      if (now - installedAt >= 5_000) {
        installed = MonitoredService.options.filter((service) => this.binary(service));
        installedAt = now;
      }
      const alive = pids.every((pid) => pid === undefined || isAlive(pid));
      if (!alive || pids.length !== installed.length || now - fullAt >= 1_000) {
        pids = await Promise.all(
          installed.map((service) => this.runningPid(service).catch(() => undefined)),
        );
        fullAt = now;
      }
      return `${installed.join()}:${pids.join()}`;
    };
    watchForChanges(look, onChange, signal);
  }

  reload(service: MonitoredService): Promise<void> {
    return this.serialised(service, async () => {
      const driver = this.driver(service);
      const pid = await this.runningPid(service);
      if (pid === undefined) throw new ServiceError(`${service} is not running: start it first`);
      await driver.check(); // a bad configuration never reaches the running daemon
      try {
        await driver.reload(pid);
      } finally {
        if ((await this.runningPid(service)) === undefined) {
          await this.markFailed(service, "died during reload");
        }
      }
    });
  }

  restart(service: MonitoredService): Promise<void> {
    return this.serialised(service, async () => {
      // Checked first: stopping a working daemon for a configuration that cannot start is worse.
      await this.driver(service).check();
      await this.stopNow(service);
      await this.startNow(service);
    });
  }

  /** Stops the service (not part of ServiceManager: tests and restart use it). */
  stop(service: MonitoredService): Promise<void> {
    return this.serialised(service, () => this.stopNow(service));
  }

  private async startNow(service: MonitoredService): Promise<void> {
    const driver = this.driver(service);
    await mkdir(this.runDir, { recursive: true, mode: 0o700 });
    if ((await this.runningPid(service)) !== undefined) {
      await writeFile(this.wantedMarker(service), "started by the agent\n");
      return;
    }
    try {
      await driver.check();
      await driver.launch();
      const pid = await waitFor(() => this.runningPid(service), DAEMON_TIMEOUT_MS);
      if (pid === undefined) {
        throw new ServiceError(`${service} exited or wrote no pid file after starting`);
      }
    } catch (error) {
      await this.markFailed(service, error instanceof Error ? error.message : String(error));
      throw error;
    }
    await rm(this.failedMarker(service), { force: true });
    await writeFile(this.wantedMarker(service), "started by the agent\n");
  }

  /**
   * The services the agent started and nobody stopped through it since: what it starts again
   * when it starts (after a reboot, or a daemon that died while the agent was down).
   */
  async wanted(): Promise<MonitoredService[]> {
    return MonitoredService.options.filter((service) => existsSync(this.wantedMarker(service)));
  }

  private async stopNow(service: MonitoredService): Promise<void> {
    const driver = this.driver(service);
    await rm(this.wantedMarker(service), { force: true });
    const pid = await this.runningPid(service);
    if (pid === undefined) return;
    const gone = async () => ((await isRunning(pid, driver.processName)) ? undefined : true);
    signal(pid, driver.stopSignal);
    if (!(await waitFor(gone, DAEMON_TIMEOUT_MS))) {
      signal(pid, "SIGKILL");
      if (!(await waitFor(gone, 2_000)))
        throw new ServiceError(`${service} (pid ${pid}) did not stop`);
    }
    await rm(await driver.pidFile(), { force: true });
    await rm(this.failedMarker(service), { force: true });
  }

  /** The master's pid when it is running. */
  private async runningPid(service: MonitoredService): Promise<number | undefined> {
    const driver = this.driver(service);
    const pid = await readPidFile(await driver.pidFile());
    return pid !== undefined && (await isRunning(pid, driver.processName)) ? pid : undefined;
  }

  private binary(service: MonitoredService): string | undefined {
    return findBinary(this.paths[service].binary);
  }

  private driver(service: MonitoredService): DaemonDriver {
    let driver = this.drivers.get(service);
    if (!driver) {
      const binary = this.binary(service);
      if (!binary)
        throw new ServiceError(`${service} is not installed (${this.paths[service].binary})`);
      const paths = { ...this.paths[service], binary };
      driver =
        service === "haproxy" ? haproxyDriver(paths, this.runDir) : nginxDriver(paths, this.runDir);
      this.drivers.set(service, driver);
    }
    return driver;
  }

  private version(service: MonitoredService): Promise<string | undefined> {
    let version = this.versions.get(service);
    if (!version) {
      version = this.driver(service)
        .version()
        .catch(() => undefined);
      this.versions.set(service, version);
    }
    return version;
  }

  private wantedMarker(service: MonitoredService): string {
    return join(this.runDir, `${service}.wanted`);
  }

  private failedMarker(service: MonitoredService): string {
    return join(this.runDir, `${service}.failed`);
  }

  private async markFailed(service: MonitoredService, reason: string): Promise<void> {
    await mkdir(this.runDir, { recursive: true, mode: 0o700 });
    await writeFile(this.failedMarker(service), `${reason}\n`);
  }

  /** Runs `action` after any action on the same service has finished. */
  private serialised<T>(service: MonitoredService, action: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(service) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(action);
    this.queues.set(service, next);
    return next;
  }
}
