import type { HaproxyStatRow } from "../../../shared/haproxy-stat";

export interface BackendChoice {
  backend: string;
  servers: { name: string; status: string | null }[];
}

/** What the drain and ready jobs may pick from: how far the table is, or why there is none. */
export type ServerChoices =
  | { kind: "table"; collectedAt: number; backends: BackendChoice[] }
  | { kind: "none"; reason: string };

/**
 * The backends of a member's latest `show stat`, each with its servers, in the table's order:
 * what "backend/server" pickers offer. Frontends and listeners are not drain targets.
 */
export function backendChoices(rows: HaproxyStatRow[]): BackendChoice[] {
  const byBackend = new Map<string, BackendChoice>();
  const backendOf = (name: string) => {
    let choice = byBackend.get(name);
    if (!choice) {
      choice = { backend: name, servers: [] };
      byBackend.set(name, choice);
    }
    return choice;
  };
  for (const row of rows) {
    if (row.kind === "backend") backendOf(row.proxy);
    if (row.kind === "server")
      backendOf(row.proxy).servers.push({ name: row.service, status: row.status });
  }
  return [...byBackend.values()];
}

/** The `target` picker's value: "backend/server", or "backend/" for every server of it. */
export function targetValue(backend: string, server?: string): string {
  return `${backend}/${server ?? ""}`;
}

/** Splits a picked target back into the job's payload fields (names never contain "/"). */
export function splitTarget(target: string): { backend: string; server: string } | null {
  const slash = target.indexOf("/");
  if (slash <= 0) return null;
  return { backend: target.slice(0, slash), server: target.slice(slash + 1) };
}
