import { describe, expect, it } from "vitest";
import { HEARTBEAT_LOG_MS, HeartbeatLog } from "../../../worker/coordinator/heartbeat-log";

const T = Date.UTC(2030, 0, 15, 10, 0, 0);

describe("HeartbeatLog", () => {
  it("keeps each member's arrivals of the window, and the one before it", () => {
    const log = new HeartbeatLog(T);
    for (let at = T; at <= T + HEARTBEAT_LOG_MS + 10_000; at += 1_000) log.heard("m1", at);
    log.heard("m2", T + 5_000);
    const { since, arrivals } = log.snapshot();
    expect(since).toBe(T);
    const m1 = arrivals.m1 ?? [];
    const last = T + HEARTBEAT_LOG_MS + 10_000;
    expect(m1.at(-1)).toBe(last);
    // One arrival at or before the window's start, none older.
    expect(m1[0]).toBe(last - HEARTBEAT_LOG_MS);
    expect(m1).toHaveLength(HEARTBEAT_LOG_MS / 1_000 + 1);
    expect(arrivals.m2).toEqual([T + 5_000]);
  });

  it("records a member beating many times a second at most every 250 ms", () => {
    const log = new HeartbeatLog(T);
    for (let at = T; at < T + 1_000; at += 50) log.heard("m1", at);
    expect(log.snapshot().arrivals.m1).toEqual([T, T + 250, T + 500, T + 750]);
  });

  it("forgets a removed member, and everything when the pool goes", () => {
    const log = new HeartbeatLog(T);
    log.heard("m1", T);
    log.heard("m2", T);
    log.forget("m1");
    expect(Object.keys(log.snapshot().arrivals)).toEqual(["m2"]);
    log.clear();
    expect(log.snapshot().arrivals).toEqual({});
  });
});
