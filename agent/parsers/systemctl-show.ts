/**
 * Parser for `systemctl show <unit> --property=ActiveState,SubState,LoadState,MainPID,
 * ActiveEnterTimestampMonotonic,ExecMainStartTimestamp`. Pure, so it is tested against captured
 * output without systemd; the probe that runs `systemctl` only hands it the text.
 */
import { ServiceActiveState, type ServiceReport } from "../../shared/agent-protocol";

/** `KEY=VALUE` lines into a map. Values may contain `=`; only the first one splits. */
export function parseKeyValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf("=");
    if (at <= 0) continue;
    values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return values;
}

const WALL_CLOCK =
  /^[A-Za-z]{3} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (UTC|GMT)$/;

/**
 * A systemd timestamp as epoch ms, or undefined when it is unset or not in a form we can read
 * without guessing a time zone: `@1795319952` (`--timestamp=unix`) or
 * `Sun 2026-11-22 03:59:12 UTC` (the default form when the probe runs with `TZ=UTC`). A local
 * zone abbreviation (CET, EST…) is ambiguous, so it yields undefined rather than a wrong time.
 */
export function parseSystemdTimestamp(value: string | undefined): number | undefined {
  if (!value || value === "n/a") return undefined;
  const unix = /^@(\d+)$/.exec(value);
  if (unix?.[1]) return Number(unix[1]) * 1000;
  const wall = WALL_CLOCK.exec(value);
  if (!wall) return undefined;
  const [y, mo, d, h, mi, s] = wall.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * The heartbeat's ServiceReport from `systemctl show` output. `installed` is true only for
 * LoadState=loaded: systemd answers `not-found` (and still prints every property) for a unit
 * that does not exist, and `masked`/`error` units cannot be started either. An ActiveState the
 * contract does not know (newer systemd) becomes "unknown" instead of failing the whole beat.
 */
export function parseSystemctlShow(text: string): ServiceReport {
  const values = parseKeyValues(text);
  const active = ServiceActiveState.safeParse(values.get("ActiveState"));
  const subState = values.get("SubState");
  const since = parseSystemdTimestamp(values.get("ExecMainStartTimestamp"));
  return {
    installed: values.get("LoadState") === "loaded",
    activeState: active.success ? active.data : "unknown",
    ...(subState ? { subState: subState.slice(0, 64) } : {}),
    ...(since !== undefined ? { since } : {}),
  };
}

/** `MainPID=` of `systemctl show` output; undefined when the unit has no main process (0). */
export function parseMainPid(text: string): number | undefined {
  const pid = Number(parseKeyValues(text).get("MainPID"));
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
