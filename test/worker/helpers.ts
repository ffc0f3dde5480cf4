import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ErrorBody } from "../../shared/errors";
import type { Heartbeat, HeartbeatResponse } from "../../shared/heartbeat";
import type { Job } from "../../shared/jobs";
import type { Member } from "../../shared/members";
import type { Pool } from "../../shared/pools";
import { TEST_ADMIN_TOKEN } from "../constants";

export const BASE = "http://baton.test";
export const ADMIN = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
/** The address agents call from in tests (what CF-Connecting-IP carries in production). */
export const AGENT_IP = "203.0.113.10";

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the real Worker (routes, middleware, D1, Durable Objects) and decodes the JSON answer. */
export async function call<T = unknown>(path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  }
  const response = await exports.default.fetch(`${BASE}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as T) : (undefined as T);
  return { status: response.status, body: json, headers: response.headers };
}

/** Calls the admin API with the bootstrap token. */
export function admin<T = unknown>(path: string, options: CallOptions = {}) {
  return call<T>(`/api/v1${path}`, { ...options, headers: { ...ADMIN, ...options.headers } });
}

/** Asserts an error answer: status, stable code, and the shared error body shape. */
export function expectError(
  result: { status: number; body: unknown },
  status: number,
  code: string,
) {
  expect(result.status).toBe(status);
  const body = result.body as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
}

/** A failover hostname no other pool of the test file has (each pool needs its own). */
export function uniqueHostname(): string {
  return `lb-${crypto.randomUUID().slice(0, 8)}.example.com`;
}

/**
 * Creates a pool as a lab (`allowPrivateAddresses`): test members report documentation addresses
 * (203.0.113.x, 198.51.100.x), which a production pool refuses to point DNS at.
 */
export async function createPool(overrides: Record<string, unknown> = {}): Promise<Pool> {
  const result = await admin<{ pool: Pool }>("/pools", {
    body: {
      name: "edge",
      failoverHostname: uniqueHostname(),
      allowPrivateAddresses: true,
      ...overrides,
    },
  });
  expect(result.status).toBe(201);
  return result.body.pool;
}

export interface Enrolled {
  member: Member;
  secret: string;
  installCommand: string;
}

export async function enroll(
  poolId: string,
  overrides: Record<string, unknown> = {},
): Promise<Enrolled> {
  const hostname = `edge-${crypto.randomUUID().slice(0, 8)}`;
  const result = await admin<Enrolled>(`/pools/${poolId}/members`, {
    body: { name: hostname, hostname, allowedIps: [AGENT_IP], ...overrides },
  });
  expect(result.status).toBe(201);
  return result.body;
}

/** Sends a heartbeat as the member's agent would. */
export function heartbeat(
  enrolled: Enrolled,
  report: Partial<Heartbeat> = {},
  headers: Record<string, string> = {},
) {
  return call<HeartbeatResponse>("/agent/v1/heartbeat", {
    body: { hostname: enrolled.member.hostname, agentVersion: "0.1.0", ...report },
    headers: {
      Authorization: `Bearer ${enrolled.secret}`,
      "CF-Connecting-IP": AGENT_IP,
      ...headers,
    },
  });
}

/** Calls an agent route as the member's agent. */
export function agentCall<T = unknown>(
  enrolled: Enrolled,
  path: string,
  options: CallOptions = {},
) {
  return call<T>(`/agent/v1${path}`, {
    ...options,
    headers: {
      Authorization: `Bearer ${enrolled.secret}`,
      "CF-Connecting-IP": AGENT_IP,
      ...options.headers,
    },
  });
}

export async function queueJob(memberId: string, body: Record<string, unknown>): Promise<Job> {
  const result = await admin<{ job: Job }>(`/members/${memberId}/jobs`, { body });
  expect(result.status).toBe(201);
  return result.body.job;
}

export interface CreatedApiToken {
  apiToken: import("../../shared/tokens").ApiToken;
  token: string;
}

/** Creates an API token with `role` as the bootstrap admin; the bearer token is in `token`. */
export async function createApiToken(
  role: import("../../shared/tokens").Role,
  name = `${role} token`,
): Promise<CreatedApiToken> {
  const result = await admin<CreatedApiToken>("/tokens", { body: { name, role } });
  expect(result.status).toBe(201);
  return result.body;
}

/** Calls the admin API with `token` as the bearer. */
export function withToken<T = unknown>(token: string, path: string, options: CallOptions = {}) {
  return call<T>(`/api/v1${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${token}`, ...options.headers },
  });
}

/** Heartbeats once so the member's queued jobs are delivered; returns their ids. */
export async function deliverJobs(enrolled: Enrolled): Promise<string[]> {
  const beat = await heartbeat(enrolled);
  expect(beat.status).toBe(200);
  return beat.body.jobs.map((job) => job.id);
}
