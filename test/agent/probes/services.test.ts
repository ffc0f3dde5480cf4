/** The services probe: both daemons' reports from the service manager, real and faked. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { servicesProbe } from "../../../agent/probes/services";
import { DirectServiceManager } from "../../../agent/services/direct";
import type {
  MonitoredService,
  ServiceManager,
  ServiceReport,
} from "../../../agent/services/manager";
import { Heartbeat } from "../../../shared/heartbeat";
import { prepareNginx } from "../nginx/nginx-instance";

function fakeManager(kind: "systemd" | "direct", reports: Record<MonitoredService, ServiceReport>) {
  const calls: MonitoredService[] = [];
  const manager: ServiceManager = {
    kind,
    status: async (service) => {
      calls.push(service);
      return reports[service];
    },
    start: async () => {},
    reload: async () => {},
    restart: async () => {},
  };
  return { manager, calls };
}

describe("services probe", () => {
  it("reports a running nginx and an absent HAProxy from a direct manager", async () => {
    const site = await prepareNginx();
    const manager = new DirectServiceManager({
      runDir: join(site.dir, "run"),
      paths: { haproxy: { binary: "/nonexistent/haproxy", configFile: "/x" }, nginx: site.paths },
    });
    try {
      await manager.start("nginx");
      const section = await servicesProbe({ manager }).collect();
      expect(section.services).toEqual({
        haproxy: { installed: false, activeState: "inactive" },
        nginx: expect.objectContaining({
          installed: true,
          activeState: "active",
          version: expect.stringMatching(/^1\.22\./),
        }),
      });
      expect(
        Heartbeat.safeParse({ hostname: "edge-1", agentVersion: "1", ...section }).success,
      ).toBe(true);
    } finally {
      await manager.stop("nginx");
      await site.cleanup();
    }
  });

  it("asks systemd at most every refresh interval and direct on every beat", async () => {
    const reports = {
      haproxy: { installed: true, activeState: "active" as const },
      nginx: { installed: true, activeState: "failed" as const },
    };
    let clock = 0;
    const systemd = fakeManager("systemd", reports);
    const probe = servicesProbe({ manager: systemd.manager, now: () => clock });
    for (clock = 0; clock < 6_000; clock += 1_000) {
      expect((await probe.collect()).services).toEqual(reports);
    }
    expect(systemd.calls).toEqual(["haproxy", "nginx", "haproxy", "nginx"]); // at 0 s and 5 s

    const direct = fakeManager("direct", reports);
    const every = servicesProbe({ manager: direct.manager, now: () => clock });
    await every.collect();
    await every.collect();
    expect(direct.calls).toHaveLength(4);
  });

  it("asks systemd again at once when the manager says a unit may have changed", async () => {
    const reports: Record<MonitoredService, ServiceReport> = {
      haproxy: { installed: true, activeState: "active" },
      nginx: { installed: false, activeState: "inactive" },
    };
    let clock = 0;
    let died = false;
    const systemd = fakeManager("systemd", reports);
    systemd.manager.mayHaveChanged = (service) => service === "haproxy" && died;
    const probe = servicesProbe({ manager: systemd.manager, now: () => clock });
    await probe.collect();
    clock = 1_000;
    await probe.collect();
    expect(systemd.calls).toHaveLength(2); // cached
    died = true;
    reports.haproxy = { installed: true, activeState: "failed" };
    clock = 2_000;
    expect((await probe.collect()).services?.haproxy?.activeState).toBe("failed");
    expect(systemd.calls).toHaveLength(4);
  });
});
