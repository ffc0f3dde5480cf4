import { expect, it } from "vitest";
import { parseConfig } from "../../worker/config";

it("samples charts every 30 s unless METRIC_SAMPLE_INTERVAL_S says otherwise", () => {
  expect(parseConfig({}).metricSampleIntervalMs).toBe(30_000);
  expect(parseConfig({ METRIC_SAMPLE_INTERVAL_S: "2" }).metricSampleIntervalMs).toBe(2_000);
});

it.each(["0", "1.5", "3601", "soon"])("refuses METRIC_SAMPLE_INTERVAL_S=%s", (value) => {
  expect(() => parseConfig({ METRIC_SAMPLE_INTERVAL_S: value })).toThrow(/Bad configuration/);
});

it("shows no release key unless RELEASE_PUBLIC_KEY holds one", () => {
  const key = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
  expect(parseConfig({}).releasePublicKey).toBeUndefined();
  expect(parseConfig({ RELEASE_PUBLIC_KEY: "" }).releasePublicKey).toBeUndefined();
  expect(parseConfig({ RELEASE_PUBLIC_KEY: key }).releasePublicKey).toBe(key);
  expect(() => parseConfig({ RELEASE_PUBLIC_KEY: "-----BEGIN PRIVATE KEY-----" })).toThrow(
    /RELEASE_PUBLIC_KEY must be the public key npm run release:keygen printed/,
  );
});

it("keeps each member's newest 20 backups, at most 50 MiB, unless configured", () => {
  expect(parseConfig({})).toMatchObject({
    backupKeepPerMember: 20,
    backupMaxBytesPerMember: 50 * 1024 * 1024,
  });
  expect(
    parseConfig({ BACKUP_KEEP_PER_MEMBER: "5", BACKUP_MAX_BYTES_PER_MEMBER: "2097152" }),
  ).toMatchObject({ backupKeepPerMember: 5, backupMaxBytesPerMember: 2 * 1024 * 1024 });
});

it.each([
  ["BACKUP_KEEP_PER_MEMBER", "0"],
  ["BACKUP_KEEP_PER_MEMBER", "many"],
  // Below one backup's limit, the newest backup itself would not fit.
  ["BACKUP_MAX_BYTES_PER_MEMBER", "1000"],
])("refuses %s=%s", (name, value) => {
  expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
});

it("allows private and loopback outbound URLs only when ALLOW_PRIVATE_URLS=true", () => {
  expect(parseConfig({}).allowPrivateUrls).toBe(false);
  expect(parseConfig({ ALLOW_PRIVATE_URLS: "false" }).allowPrivateUrls).toBe(false);
  expect(parseConfig({ ALLOW_PRIVATE_URLS: "true" }).allowPrivateUrls).toBe(true);
  expect(() => parseConfig({ ALLOW_PRIVATE_URLS: "yes" })).toThrow(/ALLOW_PRIVATE_URLS/);
});
