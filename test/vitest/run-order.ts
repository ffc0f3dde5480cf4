// The order a whole run starts its test files in (test/vitest/sequencer.ts applies it). Vitest's
// own order runs the projects one after another by name (browser, daemons, unit, worker), so the
// longest daemons files (the installer, the agent daemon) started only once every browser file
// had, and ran on alone at the end. Here the files that mostly wait on real processes (browser,
// daemons) come first, longest first across both projects; then the worker project's, then the
// unit project's, each longest first. Those two stay together: their files share one loaded
// Worker or Node process per vitest worker (isolate: false), which a file of another project in
// between would make vitest start anew.

/** What the order needs of a test file. */
export interface RunFile {
  project: string;
  /** How long it took last time; undefined when vitest has not run it yet (a fresh clone). */
  lastMs: number | undefined;
  /** Its size in bytes: a longer file has more cases, so it breaks ties among unknowns. */
  bytes: number;
}

/** Rank of each project's block: waiting files first, then the two that share a process. */
const BLOCK: Record<string, number> = { browser: 0, daemons: 0, worker: 1, unit: 2 };

/** A file's time when vitest has none recorded (CI's fresh clone): about what one takes here. */
export const TYPICAL_MS: Record<string, number> = {
  browser: 40_000,
  daemons: 12_000,
  worker: 1_500,
  unit: 300,
};

const expectedMs = (file: RunFile) => file.lastMs ?? TYPICAL_MS[file.project] ?? 0;

/** `files` in the order to start them (a new array). */
export function runOrder<F extends RunFile>(files: readonly F[]): F[] {
  return [...files].sort(
    (a, b) =>
      (BLOCK[a.project] ?? 1) - (BLOCK[b.project] ?? 1) ||
      expectedMs(b) - expectedMs(a) ||
      b.bytes - a.bytes,
  );
}
