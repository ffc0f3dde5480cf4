/** /proc parsers of the host probe, against lines in the kernel's documented formats. */
import { describe, expect, it } from "vitest";
import { defaultRouteInterface, parseNetDev, parseProcStatCpu } from "../../../agent/parsers/proc";

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 3911379871 3751334    0    0    0     0          0         0 3911379871 3751334    0    0    0     0       0          0
  eth0: 4568095704  109651    0    0    0     0          0         0  5848047   63760    0    0    0     0       0          0
`;

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth1\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
`;

describe("host /proc parsers", () => {
  it("sums the aggregate cpu line, counting iowait as idle", () => {
    const text = "cpu  744675 0 131162 3221569 15907 0 10570 1090 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
    expect(parseProcStatCpu(text)).toEqual({
      idle: 3221569 + 15907,
      total: 744675 + 131162 + 3221569 + 15907 + 10570 + 1090,
    });
    expect(parseProcStatCpu("intr 1 2 3\n")).toBeUndefined();
  });

  it("reads bytes in and out per interface", () => {
    const counters = parseNetDev(NET_DEV);
    expect(counters.get("eth0")).toEqual({ rxBytes: 4568095704, txBytes: 5848047 });
    expect(counters.get("lo")).toEqual({ rxBytes: 3911379871, txBytes: 3911379871 });
  });

  it("finds the default route's interface, or none", () => {
    expect(defaultRouteInterface(ROUTE)).toBe("eth0");
    expect(defaultRouteInterface(ROUTE.split("\n").slice(0, 2).join("\n"))).toBeUndefined();
  });
});
