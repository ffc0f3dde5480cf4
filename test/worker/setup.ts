import {
  abortAllDurableObjects,
  applyD1Migrations,
  listDurableObjectIds,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";

// The worker project runs its files one after another in one workerd with the Worker loaded once
// (isolate: false in vitest.config.ts). Each file must still start as in a fresh workerd: no
// coordinator state (a leftover alarm would write into the next file's D1) and an empty D1 at
// the latest migration. `reset()` from cloudflare:test is not enough: it spares objects that are
// not running and does not touch D1.

/** Coordinators already emptied by an earlier file's setup (the isolate outlives each file). */
const scope = globalThis as { emptiedCoordinators?: Set<string> };
scope.emptiedCoordinators ??= new Set();
const emptied = scope.emptiedCoordinators;
for (const id of await listDurableObjectIds(env.POOL_COORDINATOR)) {
  if (emptied.has(id.toString())) continue;
  await runInDurableObject(env.POOL_COORDINATOR.get(id), async (_instance, state) => {
    await state.storage.deleteAlarm();
    await state.storage.deleteAll();
  });
  emptied.add(id.toString());
}
await abortAllDurableObjects(); // no instance keeps what it held in memory

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
const { results: tables } = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'd1_migrations' " +
    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
).all<{ name: string }>();
await env.DB.batch([
  // Rows go in any order: foreign keys are checked at the end of the batch, when none is left.
  env.DB.prepare("PRAGMA defer_foreign_keys = on"),
  ...tables.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`)),
]);
