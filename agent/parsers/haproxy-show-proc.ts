/**
 * Parser for `show proc` on HAProxy's master CLI (2.6):
 *
 *     #<PID>          <type>          <reloads>       <uptime>        <version>
 *     1162            master          2 [failed: 1]   0d00h00m16s     2.6.12-1+deb12u4
 *     # workers
 *     1163            worker          1               0d00h00m01s     2.6.12-1+deb12u4
 *     # old workers
 *     1100            worker          2               0d00h01m00s     2.6.12-1+deb12u4
 *
 * The direct service manager compares two answers around a reload: the master's reload counter
 * went up, `failed` says whether the last reload was refused (HAProxy resets it on success), and
 * a worker pid that was not there before is the new configuration serving.
 */
export interface ShowProc {
  masterPid: number;
  /** Reloads since the master started. */
  reloads: number;
  /** Failed reloads since the last successful one. */
  failedReloads: number;
  /** Current workers (not the old ones still finishing their connections). */
  workers: number[];
  oldWorkers: number[];
}

const MASTER = /^(\d+)\s+master\s+(\d+)(?:\s+\[failed:\s*(\d+)\])?/;
const WORKER = /^(\d+)\s+worker\s/;

/** Returns undefined when the text has no master line (not a `show proc` answer). */
export function parseShowProc(text: string): ShowProc | undefined {
  let master: RegExpExecArray | null = null;
  let section = "";
  const workers: number[] = [];
  const oldWorkers: number[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#")) {
      section = line.slice(1).trim();
      continue;
    }
    master ??= MASTER.exec(line);
    const worker = WORKER.exec(line);
    if (!worker) continue;
    if (section === "workers") workers.push(Number(worker[1]));
    else if (section === "old workers") oldWorkers.push(Number(worker[1]));
  }
  if (!master) return undefined;
  return {
    masterPid: Number(master[1]),
    reloads: Number(master[2]),
    failedReloads: Number(master[3] ?? 0),
    workers,
    oldWorkers,
  };
}
