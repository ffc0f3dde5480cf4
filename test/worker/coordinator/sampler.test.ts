import { expect, it } from "vitest";
import { Sampler } from "../../../worker/coordinator/sampler";

const INTERVAL_MS = 30_000;
const host = (cpuPercent: number) => ({ cpuPercent, memUsedBytes: 1, memTotalBytes: 2, load1: 0 });
const beat = { hostname: "h", agentVersion: "1" };

it("hands out each member's latest figures once per interval", () => {
  const sampler = new Sampler(INTERVAL_MS);
  sampler.offer("a", beat, 0);
  expect(sampler.dueAt()).toBeNull();
  sampler.offer("a", { ...beat, host: host(10) }, 1_000);
  sampler.offer("b", { ...beat, haproxy: { currentConnections: 7 } }, 2_000);
  sampler.offer("a", { ...beat, host: host(20) }, 3_000);
  expect(sampler.dueAt()).toBe(1_000 + INTERVAL_MS);
  expect(sampler.take(INTERVAL_MS)).toBeNull();

  const sample = sampler.take(1_000 + INTERVAL_MS);
  expect(sample?.a?.cpuPercent).toBe(20);
  expect(sample?.b?.currentConnections).toBe(7);
  expect(sampler.dueAt()).toBeNull();
  expect(sampler.take(10 * INTERVAL_MS)).toBeNull();
});

it("follows the configured interval", () => {
  const sampler = new Sampler(2_000);
  sampler.offer("a", { ...beat, host: host(10) }, 500);
  expect(sampler.dueAt()).toBe(2_500);
  expect(sampler.take(2_499)).toBeNull();
  expect(sampler.take(2_500)?.a?.cpuPercent).toBe(10);
});

it("keeps the mean round-trip of the interval's beats, per member, and starts afresh", () => {
  const sampler = new Sampler(INTERVAL_MS);
  sampler.offer("a", { ...beat, rttMs: 10, host: host(5) }, 0);
  sampler.offer("a", { ...beat, host: host(6) }, 1_000); // a beat after a failed one: no rtt
  sampler.offer("a", { ...beat, rttMs: 21, host: host(7) }, 2_000);
  sampler.offer("b", { ...beat, rttMs: 4 }, 2_500); // a round-trip alone is worth a sample
  sampler.offer("c", { ...beat, host: host(1) }, 3_000); // an agent older than the field
  const first = sampler.take(INTERVAL_MS);
  expect(first?.a).toMatchObject({ rttMs: 16, cpuPercent: 7 }); // (10 + 21) / 2, rounded
  expect(first?.b?.rttMs).toBe(4);
  expect(first?.c?.rttMs).toBeUndefined();
  expect(JSON.stringify(first?.c)).not.toContain("rttMs");

  sampler.offer("a", { ...beat, rttMs: 100 }, INTERVAL_MS + 1);
  expect(sampler.take(2 * INTERVAL_MS + 1)?.a?.rttMs).toBe(100);
});

it("drops a removed member's figures", () => {
  const sampler = new Sampler(INTERVAL_MS);
  sampler.offer("a", { ...beat, host: host(10), rttMs: 3 }, 0);
  sampler.forget("a");
  expect(sampler.take(INTERVAL_MS)).toBeNull();
});
