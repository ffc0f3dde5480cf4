/**
 * The systemd unit-signal watch against a fake `busctl` (no system bus here): a sh script that
 * records its arguments and prints one JSON line, as `busctl monitor --json=short` does for each
 * signal, whenever the test drops a file beside it.
 */
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  busctlMonitorArgs,
  unitObjectPath,
  watchUnitSignals,
} from "../../../agent/services/systemd-signals";

const FAKE_BUSCTL = `#!/bin/sh
dir=$(dirname "$0")
echo "$*" > "$dir/args"
while :; do
  if [ -f "$dir/emit" ]; then
    rm -f "$dir/emit"
    echo '{"type":"signal","path":"/org/freedesktop/systemd1/unit/haproxy_2eservice","member":"PropertiesChanged"}'
  fi
  sleep 0.05
done
`;

let dir: string;
let controller: AbortController;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-busctl-"));
  await writeFile(join(dir, "busctl"), FAKE_BUSCTL);
  await chmod(join(dir, "busctl"), 0o755);
  controller = new AbortController();
});

afterEach(async () => {
  controller.abort();
  await rm(dir, { recursive: true, force: true });
});

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("unitObjectPath and busctlMonitorArgs", () => {
  it("escapes a unit name as systemd names its D-Bus object", () => {
    expect(unitObjectPath("haproxy.service")).toBe(
      "/org/freedesktop/systemd1/unit/haproxy_2eservice",
    );
    expect(unitObjectPath("my-lb.service")).toBe(
      "/org/freedesktop/systemd1/unit/my_2dlb_2eservice",
    );
  });

  it("asks the system bus for systemd's PropertiesChanged signals of each unit only", () => {
    const args = busctlMonitorArgs(["haproxy.service", "nginx.service"]);
    expect(args.slice(0, 3)).toEqual(["--system", "monitor", "--json=short"]);
    expect(args.slice(3)).toEqual([
      "--match=type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='/org/freedesktop/systemd1/unit/haproxy_2eservice'",
      "--match=type='signal',sender='org.freedesktop.systemd1',interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',path='/org/freedesktop/systemd1/unit/nginx_2eservice'",
    ]);
  });
});

describe("watchUnitSignals", () => {
  it("calls back on every signal busctl prints, and stops busctl when aborted", async () => {
    let changes = 0;
    watchUnitSignals({
      units: ["haproxy.service"],
      onChange: () => {
        changes += 1;
      },
      signal: controller.signal,
      busctl: join(dir, "busctl"),
    });
    await until(() => existsSync(join(dir, "args")));
    expect(await readFile(join(dir, "args"), "utf8")).toContain("haproxy_2eservice");
    expect(changes).toBe(0);
    await writeFile(join(dir, "emit"), "");
    await until(() => changes === 1);
    await writeFile(join(dir, "emit"), "");
    await until(() => changes === 2);
    controller.abort();
    // Once stopped, a signal reaches nobody (the fake is gone, the callback is not called).
    await writeFile(join(dir, "emit"), "");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(changes).toBe(2);
  });

  it("says once that signals are unavailable when there is no busctl, and throws nothing", async () => {
    const reasons: string[] = [];
    watchUnitSignals({
      units: ["haproxy.service"],
      onChange: () => {},
      signal: controller.signal,
      busctl: join(dir, "no-such-busctl"),
      onUnavailable: (why) => reasons.push(why),
    });
    await until(() => reasons.length > 0);
    expect(reasons).toEqual([expect.stringContaining("ENOENT")]);
  });
});
