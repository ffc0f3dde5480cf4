import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BalancerModel, type BalancerTarget } from "../../../shared/balancer";
import { renderBalancer } from "../../../worker/balancer/render";
import { findHaproxy } from "../../agent/haproxy/haproxy-instance";
import { findNginx } from "../../agent/nginx/nginx-instance";
import { placeCertificates, selfSignedPem } from "./certificates";
import { localise } from "./localise";
import { CERTIFICATE_IDS, VARIANTS } from "./variants";

/**
 * Every variant of the model, rendered for each target, through the real daemons' own checks:
 * `haproxy -c` (2.6) and `nginx -t` (1.22), certificates placed beside the file as the agent
 * places them. A warning counts as a failure: a renderer should not write what a daemon frowns at.
 */
const META = { poolId: "pool_check", poolName: "edge", revision: 1 };
let root: string;
let pem: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "baton-render-check-"));
  pem = selfSignedPem(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Check {
  ok: boolean;
  output: string;
}

/** Writes `text` as the target's main file in a fresh dir and runs the daemon's check on it. */
function check(target: BalancerTarget, text: string, withCertificates = true): Check {
  const dir = mkdtempSync(join(root, `${target}-`));
  if (withCertificates) placeCertificates(dir, pem, CERTIFICATE_IDS);
  const file = join(dir, target === "haproxy" ? "haproxy.cfg" : "nginx.conf");
  writeFileSync(file, localise(text, dir));
  const [binary, args] =
    target === "haproxy"
      ? [findHaproxy(), ["-c", "-f", file]]
      : [findNginx(), ["-t", "-c", file, "-p", `${dir}/`, "-e", join(dir, "startup.log")]];
  // From /, as the service starts: relative paths must resolve against the file, not the cwd.
  const run = spawnSync(binary, args, { cwd: "/", encoding: "utf8", timeout: 20_000 });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

const cases = Object.keys(VARIANTS).flatMap((name) =>
  (["haproxy", "nginx"] as const).map((target) => [name, target] as const),
);

describe("rendered configurations pass the real daemons' checks", () => {
  it.each(cases)("%s for %s", (name, target) => {
    const { text } = renderBalancer(BalancerModel.parse(VARIANTS[name]), target, META);
    const result = check(target, text);
    expect(result.output).not.toMatch(/\[WARNING\]|\[ALERT\]|\[warn\]|\[emerg\]/);
    expect(result.ok, result.output).toBe(true);
  });

  it.each(["haproxy", "nginx"] as const)(
    "%s reads the certificate from baton-certs/ beside the file: without it the check fails",
    (target) => {
      const { text } = renderBalancer(BalancerModel.parse(VARIANTS.full), target, META);
      const result = check(target, text, false);
      expect(result.ok).toBe(false);
      expect(result.output).toContain("baton-certs/crt_0123456789abcdef.pem");
    },
  );
});
