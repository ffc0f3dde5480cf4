// A real HAProxy on loopback for bench:agent: the agent tests' site (test/harness/haproxy-site.mjs:
// `app1` UP, `app2` DOWN, checked every 2 s here) run master-worker in the foreground, spawned
// detached and stopped by process group.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { prepareHaproxySite } from "../../test/harness/haproxy-site.mjs";
import { stopGroup } from "../../test/harness/process-group.mjs";

export { findHaproxy } from "../../test/harness/haproxy-site.mjs";

/** `show info` over the admin socket; resolves true when HAProxy answers. */
function answers(socketPath) {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let text = "";
    socket.setTimeout(500, () => socket.destroy());
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(text.includes("Version:")));
    socket.on("connect", () => socket.end("show info\n"));
  });
}

/** Starts HAProxy; resolves `{ adminSocket, pid, stop() }` once its admin socket answers. */
export async function startHaproxy() {
  const site = await prepareHaproxySite({ prefix: "baton-bench-haproxy-", inter: "2s" });
  const { binary, dir, adminSocket, configFile } = site;
  const args = ["-W", "-S", join(dir, "master.sock"), "-f", configFile, "-p", join(dir, "pid")];
  const child = spawn(binary, args, { cwd: dir, detached: true, stdio: "ignore" });
  child.on("error", () => {});
  const stop = async () => {
    await stopGroup(child.pid, 5000);
    await site.cleanup();
  };
  for (const deadline = Date.now() + 10_000; !(await answers(adminSocket)); await sleep(50)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error("haproxy did not start (its admin socket never answered)");
    }
  }
  return { adminSocket, pid: child.pid, stop };
}
