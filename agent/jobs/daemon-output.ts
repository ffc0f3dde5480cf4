/**
 * What of a daemon's own output may reach job output, which every viewer of the pool reads.
 * `haproxy -c` and `nginx -t` quote what they choke on, and when a config points them at a file
 * that is not config (a crt-list or an `include` of /etc/shadow) that quote is the file's first
 * line. So only lines shaped like the daemon's own messages are kept, and a quoted excerpt stays
 * only when it appears in the configuration text the job itself supplied: a path or keyword the
 * operator wrote is shown, anything read from another file becomes '…'.
 */
import type { MonitoredService } from "../../shared/agent-protocol";

const MESSAGE: Record<MonitoredService, RegExp> = {
  // [ALERT]    (9768) : config : parsing [h.cfg:8] : …
  haproxy: /^\[(?:ALERT|WARNING|NOTICE|DIAG)\]/,
  // 2026/12/04 20:59:35 [emerg] 9774#9774: …, nginx: [emerg] …, nginx: configuration file … test failed
  nginx:
    /^(?:nginx: )?(?:\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d )?\[(?:emerg|alert|crit|error|warn|notice|info)\]|^nginx: (?:the )?configuration file \S+ (?:syntax is ok|test is successful|test failed)$/,
};

const QUOTED = /'([^'\n]*)'|"([^"\n]*)"/g;

/** `line` with every quoted excerpt that is not part of `known` replaced by '…'. */
export function redactQuoted(line: string, known: readonly string[]): string {
  return line.replace(QUOTED, (whole, single: string | undefined, double: string | undefined) => {
    const inner = single ?? double ?? "";
    if (inner === "" || known.some((text) => text.includes(inner))) return whole;
    return single !== undefined ? "'…'" : '"…"';
  });
}

/**
 * The daemon's own message lines of `output`, redacted against `known` (the config texts the
 * job supplied), with a last line saying how many other lines were left out.
 */
export function daemonLines(
  service: MonitoredService,
  output: string,
  known: readonly string[],
): string[] {
  const lines = output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim());
  const kept = lines.filter((line) => MESSAGE[service].test(line.trim()));
  const shown = kept.map((line) => redactQuoted(line, known));
  const omitted = lines.length - kept.length;
  if (omitted > 0) shown.push(`(${omitted} other lines of ${service} output not shown)`);
  return shown;
}
