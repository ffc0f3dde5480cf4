/**
 * Rollouts of revisions the model stored (PUT /balancer): each step's job carries exactly the
 * text the render endpoint answers for the pool's profile, with its SHA-256; a revision whose TLS
 * binds name certificates the pool cannot send yet is refused with the ids.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Job } from "../../../shared/jobs";
import { fullModel, minimalModel } from "../../shared/balancer-models";
import { VARIANTS } from "../balancer/variants";
import { setClock } from "../coordinator/clock";
import { ADMIN, admin, BASE, createPool, enroll, expectError, heartbeat } from "../helpers";
import { sha256, T0 } from "./world";

async function render(poolId: string, query: string): Promise<string> {
  const response = await exports.default.fetch(
    `${BASE}/api/v1/pools/${poolId}/balancer/render?${query}`,
    { headers: ADMIN },
  );
  expect(response.status).toBe(200);
  return response.text();
}

describe("rolling out a stored revision", { timeout: 20_000 }, () => {
  it("sends the rendered text of the pool's profile, byte for byte, with its hash", async () => {
    const pool = await createPool({ profile: "nginx", name: "edge-stored" });
    await setClock(pool.id, T0);
    const member = await enroll(pool.id);
    await heartbeat(member, { publicIp: "198.51.100.7" });
    const put = await admin(`/pools/${pool.id}/balancer`, { method: "PUT", body: minimalModel() });
    expect(put.status).toBe(201);
    const started = await admin<{ rollout: { steps: { jobId: string | null }[] } }>(
      `/pools/${pool.id}/rollouts`,
      { body: { revision: 1 } },
    );
    expect(started.status).toBe(201);
    const jobId = started.body.rollout.steps[0]?.jobId;
    const job = (await admin<{ job: Job }>(`/jobs/${jobId}`)).body.job;
    const text = await render(pool.id, "target=nginx&revision=1");
    expect(job.payload).toEqual({
      target: "nginx",
      revision: 1,
      sha256: await sha256(text),
      text,
      certificates: [],
    });
  });

  it("refuses a revision whose certificates cannot be sent, naming them", async () => {
    const pool = await createPool({ name: "edge-tls" });
    await setClock(pool.id, T0);
    const member = await enroll(pool.id);
    await heartbeat(member, { publicIp: "198.51.100.8" });
    const model = VARIANTS["tls-redirect"] ?? fullModel();
    expect((await admin(`/pools/${pool.id}/balancer`, { method: "PUT", body: model })).status).toBe(
      201,
    );
    const refused = await admin(`/pools/${pool.id}/rollouts`, { body: { revision: 1 } });
    expectError(refused, 404, "not_found");
    expect((refused.body as { error: { message: string } }).error.message).toMatch(
      /^Certificates crt_0123456789abcdef are not stored/,
    );
  });
});
