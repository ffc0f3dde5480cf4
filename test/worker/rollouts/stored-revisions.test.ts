/**
 * Rollouts of revisions the model stored (PUT /balancer): each step's job carries exactly the
 * text the render endpoint answers for the pool's profile, with its SHA-256, and each certificate
 * its TLS binds name with the hash of what the agent will fetch.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentCertificate, Certificate } from "../../../shared/certificates";
import type { Job } from "../../../shared/jobs";
import { minimalModel } from "../../shared/balancer-models";
import { VARIANTS } from "../balancer/variants";
import * as fx from "../certificates/fixtures";
import { setClock } from "../coordinator/clock";
import { ADMIN, admin, agentCall, BASE, createPool, enroll, heartbeat } from "../helpers";
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

  it("names each certificate a revision's TLS binds use, with the hash the agent will check", async () => {
    const pool = await createPool({ name: "edge-tls" });
    await setClock(pool.id, T0);
    const member = await enroll(pool.id);
    await heartbeat(member, { publicIp: "198.51.100.8" });
    const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
      body: { certificate: fx.RSA_LEAF + fx.INTERMEDIATE, privateKey: fx.RSA_KEY },
    });
    expect(uploaded.status).toBe(201);
    const certId = uploaded.body.certificate.id;
    const model = JSON.parse(
      JSON.stringify(VARIANTS["tls-redirect"]).replaceAll("crt_0123456789abcdef", certId),
    );
    expect((await admin(`/pools/${pool.id}/balancer`, { method: "PUT", body: model })).status).toBe(
      201,
    );
    const started = await admin<{ rollout: { steps: { jobId: string | null }[] } }>(
      `/pools/${pool.id}/rollouts`,
      { body: { revision: 1 } },
    );
    expect(started.status).toBe(201);
    const job = (await admin<{ job: Job }>(`/jobs/${started.body.rollout.steps[0]?.jobId}`)).body
      .job;
    const served = await agentCall<AgentCertificate>(member, `/certificates/${certId}`);
    expect(served.status).toBe(200);
    expect((job.payload as { certificates: unknown }).certificates).toEqual([
      { id: certId, sha256: await sha256(served.body.pem) },
    ]);
  });
});
