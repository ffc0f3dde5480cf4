/**
 * Agent request bodies are capped before they reach the pool's coordinator: an oversized body
 * answers 413 `payload_too_large` naming the cap, whether it announces its length or streams it.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import {
  AGENT_REQUEST_MAX_BYTES,
  HAPROXY_STAT_MAX_BYTES,
  HEARTBEAT_MAX_BYTES,
  JOB_RESULT_MAX_BYTES,
} from "../../../shared/limits";
import { AGENT_IP, BASE, createPool, type Enrolled, enroll, heartbeat } from "../helpers";

const MiB = 1024 * 1024;

/** A JSON body of `size` bytes: a valid-looking object padded with spaces. */
function paddedJson(size: number): string {
  const head = '{"hostname":"x","agentVersion":"0.1.0"}';
  return head + " ".repeat(Math.max(0, size - head.length));
}

async function post(enrolled: Enrolled, path: string, body: BodyInit, extra = {}) {
  const response = await exports.default.fetch(`${BASE}/agent/v1${path}`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${enrolled.secret}`,
      "CF-Connecting-IP": AGENT_IP,
      "Content-Type": "application/json",
    },
    body,
    ...extra,
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

/** A body that never says how long it is: the cap must hold while reading it. */
function streamed(totalBytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

async function member() {
  return enroll((await createPool()).id);
}

describe("agent body caps", () => {
  it.each([
    ["/heartbeat", HEARTBEAT_MAX_BYTES, "256 KiB"],
    ["/haproxy/stat", HAPROXY_STAT_MAX_BYTES, "4 MiB"],
    ["/jobs/job_x/result", JOB_RESULT_MAX_BYTES, "512 KiB"],
    ["/jobs/job_x/ack", AGENT_REQUEST_MAX_BYTES, "16 KiB"],
  ])("POST %s over its cap answers 413 naming the cap", async (path, cap, capText) => {
    const enrolled = await member();
    const answer = await post(enrolled, path, paddedJson(cap + 1));
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("payload_too_large");
    expect(answer.body.error.message).toContain(capText);
  });

  it("a 50 MB heartbeat answers 413, not 500", async () => {
    const enrolled = await member();
    const answer = await post(enrolled, "/heartbeat", paddedJson(50 * 1000 * 1000));
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("payload_too_large");
  });

  it("a streamed body without a length is cut off at the cap", async () => {
    const enrolled = await member();
    const answer = await post(enrolled, "/haproxy/stat", streamed(8 * MiB), { duplex: "half" });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("payload_too_large");
  });

  it("a heartbeat just under its cap is still accepted", async () => {
    const enrolled = await member();
    const beat = await heartbeat(enrolled);
    expect(beat.status).toBe(200);
    const padded = JSON.stringify({ hostname: enrolled.member.hostname, agentVersion: "0.1.0" });
    const answer = await post(
      enrolled,
      "/heartbeat",
      padded + " ".repeat(HEARTBEAT_MAX_BYTES - padded.length),
    );
    expect(answer.status).toBe(200);
  });
});
