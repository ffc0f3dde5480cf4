import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SOCKET_CLOSE, SOCKET_PING, SOCKET_PONG } from "../../../shared/agent-socket";
import type { Event } from "../../../shared/events";
import type { HeartbeatResponse } from "../../../shared/heartbeat";
import type { Pool } from "../../../shared/pools";
import { admin, createPool, type Enrolled, enroll, queueJob } from "../helpers";
import { tomorrowAt } from "../time";
import { connect, socketBeat, type TestSocket } from "./agent-socket-client";
import { coordinatorStub, fireAlarmAt, setClock } from "./clock";

const T0 = tomorrowAt(12);

/** A beat over the socket with haproxy active and a public IP: a member that would serve. */
function readyBeat(socket: TestSocket, enrolled: Enrolled, ip: string) {
  return socketBeat(socket, enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: "active" } },
  });
}

async function getPool(poolId: string): Promise<Pool> {
  return (await admin<{ pool: Pool }>(`/pools/${poolId}`)).body.pool;
}

async function events(poolId: string, type: string) {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`);
  return result.body.events;
}

describe("an agent's WebSocket", () => {
  it("answers a heartbeat as the HTTP route does and records the transport", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    const socket = await connect(edge);
    expect(await socket.nextPush()).toEqual({ type: "interval", intervalMs: 1_000 });
    const reply = await socketBeat(socket, edge);
    expect(reply.ok).toBe(true);
    const answer = (reply as { body: HeartbeatResponse }).body;
    expect(answer).toMatchObject({ jobs: [], intervalMs: 1_000, serverTime: T0 });
    const [live] = await coordinatorStub(pool.id).snapshot(pool.id);
    expect(live).toMatchObject({ status: "online", lastHeartbeatAt: T0, transport: "ws" });
  });

  it("refuses a bad body with the HTTP route's code and status", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    const reply = await socket.request({
      type: "heartbeat",
      body: { hostname: edge.member.hostname } as never,
    });
    expect(reply).toMatchObject({ ok: false, status: 400, error: { code: "validation_failed" } });
    expect(JSON.stringify(reply)).toContain("agentVersion");
  });

  it("pushes a queued job at once, then takes its ack and result over the socket", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    await socket.nextPush(); // interval
    await socketBeat(socket, edge);
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    const pushed = await socket.nextPush();
    expect(pushed).toMatchObject({ type: "jobs", jobs: [{ id: job.id, kind: "haproxy.reload" }] });
    const stored = await admin<{ job: { status: string } }>(`/jobs/${job.id}`);
    expect(stored.body.job.status).toBe("delivered");

    const ack = await socket.request({ type: "job.ack", jobId: job.id, body: {} });
    expect(ack).toMatchObject({ ok: true, body: { job: { id: job.id, status: "running" } } });
    const result = await socket.request({
      type: "job.result",
      jobId: job.id,
      body: { status: "succeeded", exitCode: 0, outputTail: "ok\n", startedAt: T0, finishedAt: T0 },
    });
    expect(result).toMatchObject({ ok: true, body: { job: { status: "succeeded" } } });
  });

  it("pushes a cancel to the job's member", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    await socket.nextPush(); // interval
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    expect((await socket.nextPush()).type).toBe("jobs");
    expect((await admin(`/jobs/${job.id}/cancel`, { method: "POST" })).status).toBe(200);
    expect(await socket.nextPush()).toEqual({ type: "cancel", jobId: job.id });
  });

  it("asks the agent to report now when someone starts watching its HAProxy table", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    await socket.nextPush(); // interval
    expect((await admin(`/members/${edge.member.id}/haproxy/stat`)).status).toBe(200);
    expect(await socket.nextPush()).toEqual({ type: "report-now" });
    const reply = await socketBeat(socket, edge);
    expect(reply).toMatchObject({ ok: true, body: { wants: { haproxyStat: true } } });
  });

  it("answers a keep-alive ping", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    await socket.nextPush(); // interval
    socket.ws.send(SOCKET_PING);
    expect(await socket.nextPush()).toEqual(JSON.parse(SOCKET_PONG));
  });

  it("closes the socket when the secret was rotated, refusing the beat with bad_secret", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const socket = await connect(edge);
    expect((await socketBeat(socket, edge)).ok).toBe(true);
    await admin(`/members/${edge.member.id}/rotate-secret`, { method: "POST" });
    const reply = await socketBeat(socket, edge);
    expect(reply).toMatchObject({ ok: false, status: 401, error: { code: "bad_secret" } });
    expect(await socket.closed).toBe(SOCKET_CLOSE.refused);
  });

  it("closes an older socket of the same member when a new one connects", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const first = await connect(edge);
    await connect(edge);
    expect(await first.closed).toBe(SOCKET_CLOSE.replaced);
  });
});

describe("an agent's WebSocket across evictions", () => {
  it("keeps serving the member after the object is evicted between messages", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    const socket = await connect(edge);
    await socket.nextPush(); // interval
    expect((await socketBeat(socket, edge)).ok).toBe(true);

    await evictDurableObject(coordinatorStub(pool.id));
    // A new instance: nothing in memory (its heartbeat count starts again).
    expect((await coordinatorStub(pool.id).stats()).heartbeats).toBe(0);
    await setClock(pool.id, T0 + 1_000);
    // The attachment says whose socket it is: the beat is the member's, with no new upgrade.
    const reply = await socketBeat(socket, edge);
    expect(reply).toMatchObject({ ok: true, body: { serverTime: T0 + 1_000 } });
    // And the socket is still found by its member tag for a push.
    await evictDurableObject(coordinatorStub(pool.id));
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    expect(await socket.nextPush()).toMatchObject({ type: "jobs", jobs: [{ id: job.id }] });
  });

  it("applies the restart grace after a wake-up, then fails over on the same sockets", async () => {
    const created = await createPool({ failoverDelayS: 3 });
    const a = await enroll(created.id, { priority: 1 });
    const b = await enroll(created.id, { priority: 2 });
    await setClock(created.id, T0);
    const [socketA, socketB] = [await connect(a), await connect(b)];
    expect((await readyBeat(socketA, a, "198.51.100.1")).ok).toBe(true);
    expect((await readyBeat(socketB, b, "198.51.100.2")).ok).toBe(true);
    expect((await getPool(created.id)).activeMemberId).toBe(a.member.id);

    // Evicted; the next message arrives 28 s later, from the standby only.
    await evictDurableObject(coordinatorStub(created.id));
    await setClock(created.id, T0 + 28_000);
    expect((await readyBeat(socketB, b, "198.51.100.2")).ok).toBe(true);
    // Silence before the wake-up is not the active's fault: nobody is judged yet.
    expect(await fireAlarmAt(created.id, T0 + 28_100)).toBe(true);
    expect(await events(created.id, "member.offline")).toHaveLength(0);
    expect((await getPool(created.id)).activeMemberId).toBe(a.member.id);

    // A full delay after the wake-up with the active still silent: the standby takes over.
    for (const at of [T0 + 29_000, T0 + 30_000]) {
      await setClock(created.id, at);
      expect((await readyBeat(socketB, b, "198.51.100.2")).ok).toBe(true);
    }
    expect(await fireAlarmAt(created.id, T0 + 31_000)).toBe(true);
    const [offline] = await events(created.id, "member.offline");
    expect(offline?.data).toMatchObject({ lastHeartbeatAt: T0 });
    expect((await getPool(created.id)).activeMemberId).toBe(b.member.id);
  });
});
