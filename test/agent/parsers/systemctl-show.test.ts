/** `systemctl show` parser against captures in systemd's documented formats (see fixtures/). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSystemctlShow, parseSystemdTimestamp } from "../../../agent/parsers/systemctl-show";
import { ServiceReport } from "../../../shared/heartbeat";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", name), "utf8");

describe("parseSystemctlShow", () => {
  it.each([
    {
      file: "systemctl-show-haproxy-active.txt",
      want: { installed: true, activeState: "active", subState: "running", since: 1795319952000 },
    },
    {
      file: "systemctl-show-haproxy-inactive.txt",
      want: { installed: true, activeState: "inactive", subState: "dead", since: 1795299003000 },
    },
    {
      file: "systemctl-show-haproxy-failed.txt",
      want: { installed: true, activeState: "failed", subState: "failed", since: 1795320107000 },
    },
    {
      // Captured with --timestamp=unix, which prints "@<seconds>".
      file: "systemctl-show-haproxy-reloading.txt",
      want: { installed: true, activeState: "reloading", subState: "reload", since: 1795319952000 },
    },
    {
      // systemd prints every property for a unit that does not exist, with LoadState=not-found.
      file: "systemctl-show-haproxy-not-found.txt",
      want: { installed: false, activeState: "inactive", subState: "dead" },
    },
  ])("$file", ({ file, want }) => {
    const report = parseSystemctlShow(fixture(file));
    expect(report).toEqual(want);
    expect(ServiceReport.safeParse(report).success).toBe(true);
  });

  it.each([
    { text: "LoadState=loaded\nActiveState=refreshing\n", activeState: "unknown", installed: true },
    { text: "LoadState=masked\nActiveState=inactive\n", activeState: "inactive", installed: false },
    { text: "", activeState: "unknown", installed: false },
  ])("maps $text to $activeState", ({ text, activeState, installed }) => {
    expect(parseSystemctlShow(text)).toEqual({ installed, activeState });
  });
});

describe("parseSystemdTimestamp", () => {
  it.each([
    { value: "Sun 2026-11-22 03:59:12 UTC", want: 1795319952000 },
    { value: "Sun 2026-11-22 03:59:12.123456 UTC", want: 1795319952000 },
    { value: "@1795319952", want: 1795319952000 },
    // A local zone abbreviation is ambiguous: no time rather than a wrong one.
    { value: "Sun 2026-11-22 04:59:12 CET", want: undefined },
    { value: "", want: undefined },
    { value: "n/a", want: undefined },
    { value: "yesterday", want: undefined },
  ])("$value", ({ value, want }) => {
    expect(parseSystemdTimestamp(value)).toBe(want);
  });
});
