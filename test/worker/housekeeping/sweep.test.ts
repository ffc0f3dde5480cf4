import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { sweep } from "../../../worker/housekeeping/sweep";
import { SESSION_IDLE_MS } from "../../../worker/users/sessions";
import { THROTTLE_RULES } from "../../../worker/users/throttle";
import { createUser } from "../dashboard/auth-helpers";
import { createPool } from "../helpers";

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2030, 0, 15, 12);

async function ids(sql: string): Promise<string[]> {
  const { results } = await env.DB.prepare(sql).all<{ id: string }>();
  return results.map((row) => row.id).sort();
}

describe("the cron sweep", () => {
  it("drops samples past retention, ended sessions and throttle counters whose window is over", async () => {
    const pool = await createPool({ name: "swept" });
    const sample = env.DB.prepare(
      "INSERT INTO metric_samples (pool_id, at, members) VALUES (?, ?, '{}')",
    );
    await env.DB.batch([
      sample.bind(pool.id, NOW - 15 * DAY_MS),
      sample.bind(pool.id, NOW - 13 * DAY_MS),
    ]);

    const user = await createUser("viewer");
    const session = env.DB.prepare(
      "INSERT INTO sessions (id, user_id, csrf, created_at, expires_at, last_seen_at) VALUES (?, ?, 'c', ?, ?, ?)",
    );
    await env.DB.batch([
      // past its absolute end / idle too long / still good
      session.bind("s-expired", user.id, NOW - 8 * DAY_MS, NOW - DAY_MS, NOW - 60_000),
      session.bind("s-idle", user.id, NOW - DAY_MS, NOW + DAY_MS, NOW - SESSION_IDLE_MS - 1),
      session.bind("s-live", user.id, NOW - 60_000, NOW + DAY_MS, NOW - 60_000),
    ]);

    const throttle = env.DB.prepare("INSERT INTO login_throttles VALUES (?, ?, 3, ?)");
    await env.DB.batch([
      throttle.bind("ip", "t-old", NOW - THROTTLE_RULES.ip.windowMs - 1),
      throttle.bind("username", "t-current", NOW - 60_000),
      // The per-username ceiling's window is longer: 30 minutes in, it still counts.
      throttle.bind("username", "t-ceiling", NOW - 30 * 60_000),
      throttle.bind("pair", "t-pair-old", NOW - THROTTLE_RULES.pair.windowMs - 1),
    ]);

    const result = await sweep(openDb(env.DB, new D1Meter()), 14, NOW);
    expect(result).toMatchObject({ samplesDeleted: 1, sessionsDeleted: 2, throttlesDeleted: 2 });
    const samples = await env.DB.prepare("SELECT at FROM metric_samples WHERE pool_id = ?")
      .bind(pool.id)
      .all<{ at: number }>();
    expect(samples.results.map((row) => row.at)).toEqual([NOW - 13 * DAY_MS]);
    expect(await ids(`SELECT id FROM sessions WHERE user_id = '${user.id}'`)).toEqual(["s-live"]);
    expect(await ids("SELECT subject AS id FROM login_throttles WHERE subject LIKE 't-%'")).toEqual(
      ["t-ceiling", "t-current"],
    );
  });

  it("even at the shortest retention (1 day) keeps the whole day the Monitoring tab charts", async () => {
    const pool = await createPool();
    const now = Date.now();
    const times = [now - DAY_MS - 60_000, now - DAY_MS + 60_000, now - 3_600_000, now - 30_000];
    const insert = env.DB.prepare(
      "INSERT INTO metric_samples (pool_id, at, members) VALUES (?, ?, '{}')",
    );
    await env.DB.batch(times.map((at) => insert.bind(pool.id, at)));
    const result = await sweep(openDb(env.DB, new D1Meter()), 1, now);
    expect(result.samplesDeleted).toBe(1);
    const rows = await env.DB.prepare("SELECT at FROM metric_samples WHERE pool_id = ? ORDER BY at")
      .bind(pool.id)
      .all<{ at: number }>();
    expect(rows.results.map((row) => row.at)).toEqual(times.slice(1));
  });
});
