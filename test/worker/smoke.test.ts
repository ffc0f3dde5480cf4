import { expect, it } from "vitest";
import { createPool, enroll, heartbeat } from "./helpers";

it("enrolls a member that can heartbeat", async () => {
  const pool = await createPool();
  const enrolled = await enroll(pool.id);
  const beat = await heartbeat(enrolled);
  expect(beat.status).toBe(200);
  expect(beat.body.jobs).toEqual([]);
  expect(beat.body.intervalMs).toBe(1000);
});
