/** The host probe: rates between beats from /proc snapshots, and one real collect's cost. */
import { describe, expect, it } from "vitest";
import { cpuPercent, hostProbe, ratePerSecond } from "../../../agent/probes/host";
import { HostMetrics } from "../../../shared/heartbeat";

const ROUTE =
  "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nens3\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\n";
const netDev = (rx: number, tx: number) =>
  `Inter-| header\n face | header\n    lo: 9 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n  ens3: ${rx} 1 0 0 0 0 0 0 ${tx} 1 0 0 0 0 0 0\n`;
const stat = (busy: number, idle: number) => `cpu  ${busy} 0 0 ${idle} 0 0 0 0 0 0\n`;

describe("host probe", () => {
  it("reports CPU busy share and network bytes per second between two beats", async () => {
    let clock = 10_000;
    const files: Record<string, string> = {
      "/proc/net/route": ROUTE,
      "/proc/net/dev": netDev(1_000, 5_000),
      "/proc/stat": stat(100, 900),
    };
    const probe = hostProbe({ now: () => clock, readText: async (path) => files[path] ?? "" });
    const first = (await probe.collect()).host;
    expect(first?.cpuPercent).toBe(10); // since boot
    expect(first?.netRxBytesPerS).toBeUndefined(); // no previous sample yet
    clock += 2_000;
    files["/proc/net/dev"] = netDev(5_000, 6_000);
    files["/proc/stat"] = stat(175, 925);
    const second = (await probe.collect()).host;
    expect(second).toMatchObject({ cpuPercent: 75, netRxBytesPerS: 2_000, netTxBytesPerS: 500 });
    expect(second?.diskTotalBytes).toBeGreaterThan(0);
    expect(HostMetrics.parse(second)).toEqual(second);
  });

  it("never reports negative rates when a counter resets", () => {
    expect(ratePerSecond(10, 5_000, 1_000)).toBeUndefined();
    expect(ratePerSecond(3_000, 1_000, 2_000)).toBe(1_000);
    expect(cpuPercent({ idle: 5, total: 10 }, { idle: 5, total: 10 })).toBe(0);
  });

  it("collects this machine's metrics within the contract in well under a millisecond of CPU", async () => {
    const probe = hostProbe();
    await probe.collect();
    const rounds = 200;
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i++) {
      const { host } = await probe.collect();
      expect(HostMetrics.safeParse(host).success).toBe(true);
    }
    const used = process.cpuUsage(cpu);
    const perCollectMs = (used.user + used.system) / 1000 / rounds;
    console.log(`host probe: ${perCollectMs.toFixed(3)} ms CPU per collect`);
    expect(perCollectMs).toBeLessThan(2); // 1 Hz: < 0.2 % of a core
  });
});
