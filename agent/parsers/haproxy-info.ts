/**
 * Parser for HAProxy's runtime API `show info` ("Key: value" lines). Pure, tested against output
 * captured from a real HAProxy 2.6. Only the fields the heartbeat carries are kept; a field that
 * is missing or not a whole number is left out rather than reported as 0, so the dashboard can
 * tell "no data" from "idle".
 */

/** The `show info` fields the heartbeat's HaproxySummary carries. */
export interface ShowInfo {
  version?: string;
  uptimeS?: number;
  currentConnections?: number;
  /** New sessions per second over the last second (SessRate). */
  sessionRate?: number;
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** "Key: value" lines into a map; keys may contain spaces ("Build info", "Unstoppable Jobs"). */
export function parseInfoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at <= 0) continue;
    fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

export function parseShowInfo(text: string): ShowInfo {
  const fields = parseInfoFields(text);
  const version = fields.get("Version");
  const info: ShowInfo = {};
  if (version) info.version = version.slice(0, 64);
  const uptimeS = count(fields.get("Uptime_sec"));
  if (uptimeS !== undefined) info.uptimeS = uptimeS;
  const currentConnections = count(fields.get("CurrConns"));
  if (currentConnections !== undefined) info.currentConnections = currentConnections;
  const sessionRate = count(fields.get("SessRate"));
  if (sessionRate !== undefined) info.sessionRate = sessionRate;
  return info;
}
