import { expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import { admin, createPool } from "../helpers";

it("enrolls a hostname once when two enrollments race", async () => {
  const pool = await createPool();
  const body = { name: "edge-1", hostname: "edge-1", allowedIps: ["203.0.113.10"] };
  const results = await Promise.all(
    Array.from({ length: 4 }, () => admin(`/pools/${pool.id}/members`, { body })),
  );
  expect(results.map((result) => result.status).sort()).toEqual([201, 409, 409, 409]);
  for (const result of results.filter((r) => r.status === 409)) {
    expect((result.body as ErrorBody).error.code).toBe("hostname_taken");
  }
  const list = await admin<{ members: unknown[] }>(`/pools/${pool.id}/members`);
  expect(list.body.members).toHaveLength(1);
});
