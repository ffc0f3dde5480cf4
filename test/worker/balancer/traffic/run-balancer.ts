import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtimeCommand } from "../../../../agent/haproxy/runtime-api";
import {
  BalancerModel,
  type BalancerModelInput,
  type BalancerTarget,
} from "../../../../shared/balancer";
import { renderBalancer } from "../../../../worker/balancer/render";
import { startForegroundDaemon } from "../../../agent/foreground-daemon";
import { findHaproxy } from "../../../agent/haproxy/haproxy-instance";
import { findNginx } from "../../../agent/nginx/nginx-instance";
import { placeCertificates } from "../certificates";
import { localise } from "../localise";
import { CERTIFICATE_IDS } from "../variants";

export interface RunningBalancer {
  dir: string;
  stop(): Promise<void>;
}

/**
 * Renders `model` for `target` and runs the real daemon on it in the foreground, from its own
 * temp dir (localise.ts moves its socket and logs there); resolves once `port` accepts.
 */
export async function runBalancer(
  target: BalancerTarget,
  model: BalancerModelInput,
  port: number,
  /** A PEM (chain + key) placed as every certificate of CERTIFICATE_IDS, as the agent would. */
  certificatePem?: string,
): Promise<RunningBalancer> {
  const dir = await mkdtemp(join(tmpdir(), `baton-traffic-${target}-`));
  if (certificatePem) placeCertificates(dir, certificatePem, CERTIFICATE_IDS);
  const meta = { poolId: "pool_traffic", poolName: "traffic", revision: 1 };
  const { text } = renderBalancer(BalancerModel.parse(model), target, meta);
  const file = join(dir, target === "haproxy" ? "haproxy.cfg" : "nginx.conf");
  await writeFile(file, localise(text, dir));
  const accepts = () =>
    fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then(
      () => true,
      () => false,
    );
  const common = { cleanup: () => rm(dir, { recursive: true, force: true }) };
  const stop =
    target === "haproxy"
      ? await startForegroundDaemon({
          ...common,
          name: "haproxy",
          binary: findHaproxy(),
          args: ["-W", "-S", join(dir, "master.sock"), "-f", file, "-p", join(dir, "pid")],
          cwd: "/",
          stopSignal: "SIGTERM",
          ready: async () =>
            (await runtimeCommand(join(dir, "admin.sock"), "show info", { timeoutMs: 500 }).then(
              () => true,
              () => false,
            )) && (await accepts()),
          notReady: "did not accept",
        })
      : await startForegroundDaemon({
          ...common,
          name: "nginx",
          binary: findNginx(),
          args: ["-e", join(dir, "startup.log"), "-c", file, "-p", `${dir}/`].concat([
            "-g",
            `daemon off; pid ${join(dir, "nginx.pid")};`,
          ]),
          cwd: "/",
          stopSignal: "SIGQUIT",
          ready: accepts,
          notReady: "did not accept",
        });
  return { dir, stop };
}
