import { describe, expect, it } from "vitest";
import { policyDirs } from "../../../agent/policy/dirs";
import { checkHaproxy } from "../../../agent/policy/haproxy-policy";
import { checkNginx } from "../../../agent/policy/nginx-policy";
import { pathViolations } from "../../../agent/policy/rules";
import { BalancerModel } from "../../../shared/balancer";
import { renderBalancer } from "../../../worker/balancer/render";
import { VARIANTS } from "./variants";

/**
 * The agent refuses, before validating, any config that runs code or names a path outside the
 * directories its policy allows (decision 0011). A rendered file must pass that policy as it
 * stands on a Debian VM, at the agent's default paths, with nothing widened in agent.env.
 */
const META = { poolId: "pool_policy", poolName: "edge", revision: 1 };

describe.each(Object.keys(VARIANTS))("%s", (name) => {
  const model = BalancerModel.parse(VARIANTS[name]);

  it("passes the agent's strict HAProxy policy; certificates are read beside the file", () => {
    const { text } = renderBalancer(model, "haproxy", META);
    const found = checkHaproxy(text, "/etc/haproxy/haproxy.cfg");
    expect(found.violations).toEqual([]);
    expect(
      pathViolations(found.refs, policyDirs("haproxy", { extraAllowedDirs: [] }, "/etc/haproxy")),
    ).toEqual([]);
    for (const ref of found.refs.filter((one) => one.directive === "crt")) {
      expect(ref.path).toMatch(/^\/etc\/haproxy\/baton-certs\/crt_[a-z0-9]+\.pem$/);
    }
  });

  it("passes the agent's strict nginx policy; certificates are read beside the file", () => {
    const { text } = renderBalancer(model, "nginx", META);
    const found = checkNginx(text, "/etc/nginx/nginx.conf", "/etc/nginx", "/usr/share/nginx");
    expect(found.violations).toEqual([]);
    expect(found.includes).toEqual([]);
    expect(
      pathViolations(found.refs, policyDirs("nginx", { extraAllowedDirs: [] }, "/etc/nginx")),
    ).toEqual([]);
    for (const ref of found.refs.filter((one) => one.directive.startsWith("ssl_certificate"))) {
      expect(ref.path).toMatch(/^\/etc\/nginx\/baton-certs\/crt_[a-z0-9]+\.pem$/);
    }
  });
});
