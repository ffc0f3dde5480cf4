/**
 * systemd tells D-Bus listeners the moment a unit's state changes (`PropertiesChanged` on the
 * unit's object). `busctl monitor` prints each such signal on a line; the agent only needs to
 * know that something changed, then reads the state with `systemctl show` as usual. One
 * long-lived busctl per agent, started again after a pause if it ends; without busctl (or
 * without a system bus) the agent keeps its fallback: the main-pid watch and the periodic show.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** How long to wait before starting busctl again after it ended: doubling, at most 5 min. */
const RESTART_AFTER_MS = 5_000;
const RESTART_MAX_MS = 300_000;
/** A busctl that ran this long was working: the next restart waits the shortest time again. */
const HEALTHY_RUN_MS = 60_000;

/** A unit's D-Bus object path: "haproxy.service" → /org/freedesktop/systemd1/unit/haproxy_2eservice. */
export function unitObjectPath(unit: string): string {
  const escaped = [...unit]
    .map((char) =>
      /[A-Za-z0-9]/.test(char) ? char : `_${char.charCodeAt(0).toString(16).padStart(2, "0")}`,
    )
    .join("");
  return `/org/freedesktop/systemd1/unit/${escaped}`;
}

/** busctl's arguments: one match per unit, signals from systemd about that unit's properties. */
export function busctlMonitorArgs(units: readonly string[]): string[] {
  const matches = units.map(
    (unit) =>
      `--match=type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='${unitObjectPath(unit)}'`,
  );
  return ["--system", "monitor", "--json=short", ...matches];
}

export interface UnitSignalOptions {
  units: readonly string[];
  onChange: () => void;
  signal: AbortSignal;
  /** The busctl binary (tests point it at a fake). */
  busctl?: string;
  /** Told once when busctl cannot be run or ends: the fallback then carries on alone. */
  onUnavailable?: (why: string) => void;
}

/** Calls `onChange` whenever systemd signals a change to one of `units`, until `signal` aborts. */
export function watchUnitSignals(options: UnitSignalOptions): void {
  const { units, onChange, signal } = options;
  let told = false;
  const unavailable = (why: string) => {
    if (!told) options.onUnavailable?.(why);
    told = true;
  };
  let child: ChildProcess | null = null;
  let restarts = 0;
  const start = () => {
    if (signal.aborted) return;
    const startedAt = Date.now();
    child = spawn(options.busctl ?? "busctl", busctlMonitorArgs(units), {
      stdio: ["ignore", "pipe", "ignore"],
    });
    child.on("error", (error) => unavailable(`busctl: ${error.message}`));
    if (child.stdout) {
      createInterface({ input: child.stdout }).on("line", (line) => {
        if (line.trim() !== "" && !signal.aborted) onChange();
      });
    }
    child.on("exit", (code) => {
      child = null;
      if (signal.aborted) return;
      unavailable(`busctl monitor ended (exit ${code ?? "by signal"})`);
      restarts = Date.now() - startedAt > HEALTHY_RUN_MS ? 0 : restarts + 1;
      const delay = Math.min(RESTART_MAX_MS, RESTART_AFTER_MS * 2 ** Math.max(0, restarts - 1));
      setTimeout(start, delay).unref();
    });
  };
  signal.addEventListener("abort", () => child?.kill("SIGTERM"), { once: true });
  start();
}
