import { expect, it } from "vitest";
import { SAMPLE_INTERVAL_MS, Sampler } from "../../../worker/coordinator/sampler";

const host = (cpuPercent: number) => ({ cpuPercent, memUsedBytes: 1, memTotalBytes: 2, load1: 0 });
const beat = { hostname: "h", agentVersion: "1" };

it("hands out each member's latest figures once per interval", () => {
  const sampler = new Sampler();
  sampler.offer("a", beat, 0);
  expect(sampler.dueAt()).toBeNull();
  sampler.offer("a", { ...beat, host: host(10) }, 1_000);
  sampler.offer("b", { ...beat, haproxy: { currentConnections: 7 } }, 2_000);
  sampler.offer("a", { ...beat, host: host(20) }, 3_000);
  expect(sampler.dueAt()).toBe(1_000 + SAMPLE_INTERVAL_MS);
  expect(sampler.take(SAMPLE_INTERVAL_MS)).toBeNull();

  const sample = sampler.take(1_000 + SAMPLE_INTERVAL_MS);
  expect(sample?.a?.cpuPercent).toBe(20);
  expect(sample?.b?.currentConnections).toBe(7);
  expect(sampler.dueAt()).toBeNull();
  expect(sampler.take(10 * SAMPLE_INTERVAL_MS)).toBeNull();
});

it("drops a removed member's figures", () => {
  const sampler = new Sampler();
  sampler.offer("a", { ...beat, host: host(10) }, 0);
  sampler.forget("a");
  expect(sampler.take(SAMPLE_INTERVAL_MS)).toBeNull();
});
