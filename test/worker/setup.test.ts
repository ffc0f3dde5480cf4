// The worker project runs its files one after another in one workerd with the Worker loaded once
// (isolate: false). setup.ts must still give every file what a fresh workerd gave it: an empty
// D1 at the latest migration and no Durable Object state. This file checks that on arrival, then
// leaves a pool, a member and a coordinator with an alarm behind for whichever file comes next.
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createPool, enroll, heartbeat } from "./helpers";

/** Stored keys and pending alarms of every coordinator this workerd has ever run. */
async function coordinatorState() {
  let keys = 0;
  let alarms = 0;
  for (const id of await listDurableObjectIds(env.POOL_COORDINATOR)) {
    await runInDurableObject(env.POOL_COORDINATOR.get(id), async (_instance, state) => {
      keys += (await state.storage.list()).size;
      if ((await state.storage.getAlarm()) !== null) alarms += 1;
    });
  }
  return { keys, alarms };
}

it("starts from an empty D1 with every migration applied", async () => {
  for (const table of ["pools", "members", "events", "jobs", "users", "sessions"]) {
    const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>();
    expect(row?.n, table).toBe(0);
  }
  const applied = await env.DB.prepare("SELECT name FROM d1_migrations ORDER BY id").all<{
    name: string;
  }>();
  expect(applied.results.map((row) => row.name)).toEqual(
    env.TEST_MIGRATIONS.map((migration) => migration.name),
  );
});

it("starts with no coordinator state: nothing stored, no alarm pending", async () => {
  expect(await coordinatorState()).toEqual({ keys: 0, alarms: 0 });
});

it("leaves a pool with a beating member and its coordinator behind", async () => {
  const pool = await createPool();
  const enrolled = await enroll(pool.id);
  expect((await heartbeat(enrolled)).status).toBe(200);
  const left = await coordinatorState();
  expect(left.keys).toBeGreaterThan(0);
  expect(left.alarms).toBe(1);
});
