/**
 * A recording fake `systemctl` for the systemd service manager's tests: a small sh script in a
 * temp dir that appends its arguments to `calls.log` and answers from files the test writes next
 * to it: `show.txt` (or `show.rc` + `show.err` for a failing show), and for any action
 * (`reload`, `restart`, `start`) `action.rc`, `action.err` and `after.txt`, which becomes the
 * new `show.txt`, as the unit's state after the action.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = `#!/bin/sh
dir=$(dirname "$0")
# Logged on the way out, once the answer was read: a test that waits for a call to change the
# next answer must not change this one (it did, between the log line and the read).
trap 'echo "$*" >> "$dir/calls.log"' EXIT
case "$1" in
  show)
    if [ -f "$dir/show.rc" ]; then cat "$dir/show.err" >&2; exit "$(cat "$dir/show.rc")"; fi
    cat "$dir/show.txt" ;;
  status)
    echo "fake status: $*"; exit 3 ;;
  *)
    if [ -f "$dir/action.err" ]; then cat "$dir/action.err" >&2; fi
    if [ -f "$dir/after.txt" ]; then cp "$dir/after.txt" "$dir/show.txt"; fi
    exit "$(cat "$dir/action.rc" 2>/dev/null || echo 0)" ;;
esac
`;

export interface FakeSystemctl {
  path: string;
  /** Writes one of the answer files (`show.txt`, `action.rc`…). */
  answer(file: string, text: string): Promise<void>;
  /** The argument lists it was called with, one string each. */
  calls(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export async function fakeSystemctl(): Promise<FakeSystemctl> {
  const dir = await mkdtemp(join(tmpdir(), "baton-systemctl-"));
  const path = join(dir, "systemctl");
  await writeFile(path, SCRIPT);
  await chmod(path, 0o755);
  return {
    path,
    answer: (file, text) => writeFile(join(dir, file), text),
    calls: async () =>
      (await readFile(join(dir, "calls.log"), "utf8").catch(() => "")).split("\n").filter(Boolean),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
