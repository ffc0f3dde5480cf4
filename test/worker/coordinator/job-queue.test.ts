/**
 * Large job payloads: capped when queued, and packed into heartbeat answers so that an answer
 * never exceeds what the agent reads and one large job never holds the others back.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { HeartbeatResponse } from "../../../shared/heartbeat";
import { AGENT_ANSWER_MAX_BYTES, JOB_PAYLOAD_MAX_BYTES } from "../../../shared/limits";
import {
  AGENT_IP,
  admin,
  BASE,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  queueJob,
} from "../helpers";

/**
 * An HAProxy config of about `bytes` bytes of UTF-8, under 512 Ki characters: its comments are
 * in box-drawing characters (3 bytes each), as generated configs often are.
 */
function configOfBytes(bytes: number): string {
  const line = `# ${"─".repeat(40)}\n`; // 124 bytes, 42 characters
  const lines = Math.floor(bytes / new TextEncoder().encode(line).length);
  return `global\n${line.repeat(lines - 1)}`;
}

/** One heartbeat, with the answer's size as the agent would read it. */
async function beat(enrolled: Enrolled) {
  const response = await exports.default.fetch(`${BASE}/agent/v1/heartbeat`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${enrolled.secret}`,
      "CF-Connecting-IP": AGENT_IP,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({ hostname: enrolled.member.hostname, agentVersion: "0.1.0" }),
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  expect(response.status).toBe(200);
  const answer = JSON.parse(new TextDecoder().decode(bytes)) as HeartbeatResponse;
  return { bytes: bytes.length, kinds: answer.jobs.map((job) => job.kind) };
}

describe("large job payloads", () => {
  it("refuses a payload over the cap with 413 naming the cap", async () => {
    const enrolled = await enroll((await createPool()).id);
    const config = configOfBytes(JOB_PAYLOAD_MAX_BYTES + 4096);
    expect(config.length).toBeLessThan(512 * 1024); // within the character limit
    const queued = await admin(`/members/${enrolled.member.id}/jobs`, {
      body: { kind: "haproxy.config.apply", payload: { config } },
    });
    expectError(queued, 413, "payload_too_large");
    expect((queued.body as ErrorBody).error.message).toContain("512 KiB");
  });

  it("keeps every heartbeat answer under the agent's limit and delivers the small job at once", async () => {
    const enrolled = await enroll((await createPool()).id);
    const config = configOfBytes(JOB_PAYLOAD_MAX_BYTES - 16 * 1024);
    const first = await queueJob(enrolled.member.id, {
      kind: "haproxy.config.apply",
      payload: { config },
    });
    const second = await queueJob(enrolled.member.id, {
      kind: "haproxy.config.apply",
      payload: { config: `${config}# second\n` },
    });
    const third = await queueJob(enrolled.member.id, {
      kind: "haproxy.config.apply",
      payload: { config: `${config}# third\n` },
    });
    const reload = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    const ids = [first.id, second.id, third.id, reload.id];
    expect(ids).toEqual([...ids].sort()); // queued in this order: the reload is last

    const one = await beat(enrolled);
    expect(one.bytes).toBeLessThanOrEqual(AGENT_ANSWER_MAX_BYTES);
    expect(one.kinds).toEqual(["haproxy.config.apply", "haproxy.reload"]);

    const two = await beat(enrolled);
    expect(two.bytes).toBeLessThanOrEqual(AGENT_ANSWER_MAX_BYTES);
    expect(two.kinds).toEqual(["haproxy.config.apply"]);

    const three = await beat(enrolled);
    expect(three.kinds).toEqual(["haproxy.config.apply"]);
  });
});

describe("POST /api/v1/members/:id/jobs body", () => {
  it("a request body far over any payload answers 413 before it is parsed", async () => {
    const enrolled = await enroll((await createPool()).id);
    const config = "x".repeat(3 * 1024 * 1024);
    const queued = await admin(`/members/${enrolled.member.id}/jobs`, {
      body: { kind: "haproxy.config.apply", payload: { config } },
    });
    expectError(queued, 413, "payload_too_large");
    expect((queued.body as ErrorBody).error.message).toContain("2 MiB");
  });
});
