/**
 * Backups as agents upload them, for the worker tests: a gzip body with its SHA-256, sent to
 * `POST /agent/v1/backups` with the member's secret and, as the agent does, the id of the backup
 * job that made it (queued here unless the test names one or none).
 */
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { Backup } from "../../../shared/backups";
import type { ErrorBody } from "../../../shared/errors";
import { AGENT_IP, BASE, type Enrolled, queueJob } from "../helpers";

export async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Queues `<service>.backup` on the member, as "Back up now" or a schedule does. */
export async function backupJob(enrolled: Enrolled, service = "haproxy"): Promise<string> {
  return (await queueJob(enrolled.member.id, { kind: `${service}.backup` })).id;
}

export interface UploadOptions {
  service?: string;
  sha?: string | null;
  /** The job header: a new backup job of the member by default, none with null. */
  jobId?: string | null;
  headers?: Record<string, string>;
}

/** Uploads `bytes` as the member's agent would; the checksum header is right unless given. */
export async function upload(enrolled: Enrolled, bytes: BodyInit, options: UploadOptions = {}) {
  const service = options.service ?? "haproxy";
  const headers: Record<string, string> = {
    Authorization: `Bearer ${enrolled.secret}`,
    "CF-Connecting-IP": AGENT_IP,
    "Content-Type": "application/gzip",
    ...options.headers,
  };
  const sha = options.sha === undefined ? await sha256(bytes as Uint8Array) : options.sha;
  if (sha !== null) headers["X-Baton-Sha256"] = sha;
  const jobId = options.jobId === undefined ? await backupJob(enrolled, service) : options.jobId;
  if (jobId !== null) headers["X-Baton-Job-Id"] = jobId;
  const response = await exports.default.fetch(`${BASE}/agent/v1/backups?service=${service}`, {
    method: "POST",
    headers,
    body: bytes,
  });
  const body = (await response.json()) as { backup: Backup } & ErrorBody;
  return { status: response.status, body };
}

/** A stored backup of `text` (through a new backup job); fails the test unless 201. */
export async function stored(enrolled: Enrolled, text = "haproxy.cfg", service = "haproxy") {
  const bytes = await gzip(text);
  const result = await upload(enrolled, bytes, { service });
  expect(result.status).toBe(201);
  return { bytes, backup: result.body.backup };
}
