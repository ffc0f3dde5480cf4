export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let threshold: LogLevel = "info";

export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Writes one JSON log line; Workers Logs and `wrangler tail` index its fields. */
export function log(level: LogLevel, fields: Record<string, unknown>): void {
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ level, at: Date.now(), ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}
