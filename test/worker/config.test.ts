import { expect, it } from "vitest";
import { parseConfig } from "../../worker/config";

it("samples charts every 30 s unless METRIC_SAMPLE_INTERVAL_S says otherwise", () => {
  expect(parseConfig({}).metricSampleIntervalMs).toBe(30_000);
  expect(parseConfig({ METRIC_SAMPLE_INTERVAL_S: "2" }).metricSampleIntervalMs).toBe(2_000);
});

it.each(["0", "1.5", "3601", "soon"])("refuses METRIC_SAMPLE_INTERVAL_S=%s", (value) => {
  expect(() => parseConfig({ METRIC_SAMPLE_INTERVAL_S: value })).toThrow(/Bad configuration/);
});

it("allows private and loopback outbound URLs only when ALLOW_PRIVATE_URLS=true", () => {
  expect(parseConfig({}).allowPrivateUrls).toBe(false);
  expect(parseConfig({ ALLOW_PRIVATE_URLS: "false" }).allowPrivateUrls).toBe(false);
  expect(parseConfig({ ALLOW_PRIVATE_URLS: "true" }).allowPrivateUrls).toBe(true);
  expect(() => parseConfig({ ALLOW_PRIVATE_URLS: "yes" })).toThrow(/ALLOW_PRIVATE_URLS/);
});
