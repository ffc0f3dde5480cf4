/**
 * The agent reaches shared/ through shared/agent-protocol.ts alone (plus the cron grammar both
 * sides run): the admin API's schemas must not travel in the bundle every VM runs as root.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const agentDir = join(import.meta.dirname, "..", "..", "agent");
const ALLOWED = new Set(["shared/agent-protocol", "shared/cron"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the agent's view of shared/", () => {
  it("imports only the agent protocol and the cron grammar", () => {
    const strays = sources(agentDir).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from "(?:\.\.\/)+(shared\/[\w-]+)"/g)]
        .map((match) => match[1] ?? "")
        .filter((module) => !ALLOWED.has(module))
        .map((module) => `${relative(agentDir, file)} → ${module}`),
    );
    expect(strays).toEqual([]);
  });
});
