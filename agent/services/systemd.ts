/**
 * The systemd service manager (production): state from `systemctl show <unit>` read by the
 * shared parser, actions through `systemctl reload|restart|start <unit>`, each confirmed by
 * waiting for the unit to be active again. Before a reload or restart the configuration is
 * checked with the daemon itself, so a refused one fails with the daemon's words (which
 * systemctl would leave in the journal) and the running daemon is not touched.
 */
import { describeExit, exec } from "../exec";
import { parseMainPid, parseSystemctlShow } from "../parsers/systemctl-show";
import { findBinary } from "./binary";
import { checkConfig } from "./config-check";
import { isAlive } from "./direct/process";
import {
  MonitoredService,
  ServiceError,
  type ServiceManager,
  type ServicePaths,
  type ServiceReport,
  watchForChanges,
} from "./manager";
import { watchUnitSignals } from "./systemd-signals";
import { readVersion } from "./version";

const SHOW_PROPERTIES =
  "ActiveState,SubState,LoadState,MainPID,ActiveEnterTimestampMonotonic,ExecMainStartTimestamp";
const SHOW_TIMEOUT_MS = 3_000;
/** systemctl waits for the unit's own reload/start job; its unit file bounds that too. */
const ACTION_TIMEOUT_MS = 90_000;
const CONFIRM_TIMEOUT_MS = 10_000;
const CONFIRM_POLL_MS = 100;

export interface SystemdServiceManagerOptions {
  paths: Record<MonitoredService, ServicePaths>;
  /** The systemctl binary (tests point it at a recording fake). */
  systemctl?: string;
  /** The busctl binary that subscribes to systemd's unit signals (tests point it at a fake). */
  busctl?: string;
  /** Told once if the subscription is not available: the pid watch carries on alone. */
  onSignalsUnavailable?: (why: string) => void;
}

const unit = (service: MonitoredService) => `${service}.service`;

export class SystemdServiceManager implements ServiceManager {
  readonly kind = "systemd";
  private readonly paths: Record<MonitoredService, ServicePaths>;
  private readonly systemctl: string;
  private readonly options: SystemdServiceManagerOptions;
  private readonly versions = new Map<MonitoredService, Promise<string | undefined>>();
  /** Each unit's main process as the last `systemctl show` named it. */
  private readonly mainPids = new Map<MonitoredService, number>();

  constructor(options: SystemdServiceManagerOptions) {
    this.paths = options.paths;
    this.systemctl = options.systemctl ?? "systemctl";
    this.options = options;
  }

  async status(service: MonitoredService): Promise<ServiceReport> {
    const report = await this.show(service).catch(
      (): ServiceReport => ({
        installed: findBinary(this.paths[service].binary) !== undefined,
        activeState: "unknown",
      }),
    );
    if (!report.installed) return report;
    const version = await this.version(service);
    return version ? { ...report, version } : report;
  }

  async start(service: MonitoredService): Promise<void> {
    await this.act("start", service);
  }

  async reload(service: MonitoredService): Promise<void> {
    await checkConfig(service, this.resolved(service));
    await this.act("reload", service);
  }

  async restart(service: MonitoredService): Promise<void> {
    await checkConfig(service, this.resolved(service));
    await this.act("restart", service);
  }

  /** `systemctl show`, in UTC so the parser can read its timestamps. Throws when it fails. */
  private async show(service: MonitoredService): Promise<ServiceReport> {
    const result = await exec(
      this.systemctl,
      ["show", unit(service), `--property=${SHOW_PROPERTIES}`],
      {
        timeoutMs: SHOW_TIMEOUT_MS,
        env: { ...process.env, TZ: "UTC", LC_ALL: "C" },
      },
    );
    if (result.code !== 0) throw new ServiceError(describeExit("systemctl show", result));
    const pid = parseMainPid(result.stdout);
    if (pid === undefined) this.mainPids.delete(service);
    else this.mainPids.set(service, pid);
    return parseSystemctlShow(result.stdout);
  }

  /**
   * True when the main process the last `systemctl show` named has died since: a crashed or
   * killed HAProxy then shows in the next beat instead of at the next periodic `systemctl show`.
   * A /proc read, no process started.
   */
  mayHaveChanged(service: MonitoredService): boolean {
    const pid = this.mainPids.get(service);
    return pid !== undefined && !isAlive(pid);
  }

  /**
   * Calls `onChange` the moment a unit changes: systemd's own D-Bus signals for the units
   * (through `busctl monitor`), and the main pids the last `systemctl show` named, one dying
   * (the fallback where there is no busctl or system bus; starts are then seen by the
   * periodic `systemctl show`).
   */
  watch(onChange: () => void, signal: AbortSignal): void {
    const look = () =>
      MonitoredService.options.map((service) => this.mayHaveChanged(service)).join(",");
    watchForChanges(look, onChange, signal);
    watchUnitSignals({
      units: MonitoredService.options.map(unit),
      onChange,
      signal,
      ...(this.options.busctl ? { busctl: this.options.busctl } : {}),
      ...(this.options.onSignalsUnavailable
        ? { onUnavailable: this.options.onSignalsUnavailable }
        : {}),
    });
  }

  /** Runs `systemctl <verb> <unit>`, then waits until the unit is active. */
  private async act(
    verb: "start" | "reload" | "restart",
    service: MonitoredService,
  ): Promise<void> {
    const result = await exec(this.systemctl, [verb, unit(service)], {
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    if (result.code !== 0) {
      throw new ServiceError(
        `${describeExit(`systemctl ${verb} ${unit(service)}`, result)}`,
        `${result.stdout}${result.stderr}${await this.statusText(service)}`,
      );
    }
    const deadline = Date.now() + CONFIRM_TIMEOUT_MS;
    for (;;) {
      const report = await this.show(service).catch((): ServiceReport | undefined => undefined);
      if (report?.activeState === "active") return;
      if (report?.activeState === "failed" || Date.now() >= deadline) {
        throw new ServiceError(
          `${unit(service)} is ${report?.activeState ?? "unknown"} after systemctl ${verb}`,
          await this.statusText(service),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, CONFIRM_POLL_MS));
    }
  }

  /** `systemctl status` (its last journal lines) for an error's output; never throws. */
  private async statusText(service: MonitoredService): Promise<string> {
    const args = ["status", "--no-pager", "--lines=20", unit(service)];
    const result = await exec(this.systemctl, args, { timeoutMs: SHOW_TIMEOUT_MS }).catch(
      () => undefined,
    );
    return result ? `\n${result.stdout}${result.stderr}` : "";
  }

  private resolved(service: MonitoredService): ServicePaths {
    const paths = this.paths[service];
    const binary = findBinary(paths.binary);
    if (!binary) throw new ServiceError(`${service} is not installed (${paths.binary})`);
    return { ...paths, binary };
  }

  private version(service: MonitoredService): Promise<string | undefined> {
    let version = this.versions.get(service);
    if (!version) {
      const binary = findBinary(this.paths[service].binary);
      version = binary ? readVersion(service, binary) : Promise.resolve(undefined);
      this.versions.set(service, version);
    }
    return version;
  }
}
