/** The agent's one way to run programs: argument lists, timeouts, capped output, prompt exits. */
import { describe, expect, it } from "vitest";
import { describeExit, exec } from "../../agent/exec";

describe("exec", () => {
  it("returns the exit code and both outputs", async () => {
    const result = await exec("sh", ["-c", "echo out; echo err >&2; exit 3"]);
    expect(result).toEqual({
      code: 3,
      signal: null,
      stdout: "out\n",
      stderr: "err\n",
      timedOut: false,
    });
    expect(describeExit("sh", result)).toBe("sh exited 3: err");
  });

  it("passes arguments as they are, never through a shell", async () => {
    const result = await exec("printf", ["%s|", "$(id)", "a b", ";reboot"]);
    expect(result.stdout).toBe("$(id)|a b|;reboot|");
  });

  it("feeds stdin and closes it", async () => {
    expect((await exec("cat", [], { input: "config text" })).stdout).toBe("config text");
  });

  it("kills a program that outlives its timeout and says so", async () => {
    const result = await exec("sleep", ["30"], { timeoutMs: 100 });
    expect(result).toMatchObject({ code: null, signal: "SIGKILL", timedOut: true });
    expect(describeExit("sleep", result)).toBe("sleep timed out");
  });

  it("kills the program when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await exec("sleep", ["30"], { signal: controller.signal });
    expect(result).toMatchObject({ signal: "SIGKILL", timedOut: false });
  });

  it("resolves when the program exits even if a daemon it started holds its pipes", async () => {
    // The background sleep inherits stdout and stderr, as a daemonising HAProxy or nginx would.
    const result = await exec("sh", ["-c", "sleep 30 & echo $!"], { timeoutMs: 20_000 });
    const daemon = Number(result.stdout.trim());
    try {
      expect(result).toMatchObject({ code: 0, timedOut: false });
      expect(daemon).toBeGreaterThan(1);
    } finally {
      if (daemon > 1) process.kill(daemon, "SIGKILL");
    }
  });

  it("keeps only the last characters of long output", async () => {
    const result = await exec("sh", ["-c", "seq 1 100000"], { maxOutputChars: 12 });
    expect(result.stdout).toBe("99999\n100000\n".slice(-12));
  });

  it("rejects when the program cannot start", async () => {
    await expect(exec("/nonexistent/baton-test-binary", [])).rejects.toMatchObject({
      code: "ENOENT",
    });
  });
});
