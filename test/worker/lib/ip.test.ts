import { describe, expect, it } from "vitest";
import { ipAllowed, ipInRange, parseIp } from "../../../worker/lib/ip";

describe("ipInRange", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7", true],
    ["203.0.113.8", "203.0.113.7", false],
    ["10.1.2.3", "10.0.0.0/8", true],
    ["11.0.0.1", "10.0.0.0/8", false],
    ["192.168.1.255", "192.168.1.0/24", true],
    ["192.168.2.0", "192.168.1.0/24", false],
    ["8.8.8.8", "0.0.0.0/0", true],
    ["198.51.100.1", "198.51.100.1/32", true],
    ["2001:db8::1", "2001:db8::/32", true],
    ["2001:db9::1", "2001:db8::/32", false],
    ["::1", "::1", true],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1", true],
    ["::ffff:203.0.113.7", "203.0.113.0/24", true],
    ["203.0.113.7", "2001:db8::/32", false],
    ["unknown", "0.0.0.0/0", false],
    ["10.0.0.1", "10.0.0.0/33", false],
  ])("%s in %s → %s", (address, range, expected) => {
    expect(ipInRange(address, range)).toBe(expected);
  });
});

describe("parseIp", () => {
  it.each([
    "256.1.1.1",
    "1.2.3",
    "1.2.3.4.5",
    "a.b.c.d",
    "1::2::3",
    "12345::1",
    "1:2:3:4:5:6:7:8:9",
    "",
  ])("rejects %s", (text) => expect(parseIp(text)).toBeNull());

  it("reads both families", () => {
    expect(parseIp("0.0.0.1")).toEqual({ bits: 32, value: 1n });
    expect(parseIp("::2")).toEqual({ bits: 128, value: 2n });
    expect(parseIp("1:2:3:4:5:6:7:8")?.value).toBe(0x00010002000300040005000600070008n);
  });
});

it("ipAllowed matches any listed range", () => {
  expect(ipAllowed("10.0.0.5", ["192.0.2.1", "10.0.0.4/30"])).toBe(true);
  expect(ipAllowed("10.0.0.5", ["192.0.2.1", "10.0.0.0/30", "10.0.0.5"])).toBe(true);
  expect(ipAllowed("10.0.0.5", ["192.0.2.1", "10.0.0.0/30"])).toBe(false);
  expect(ipAllowed("10.0.0.5", [])).toBe(false);
});
