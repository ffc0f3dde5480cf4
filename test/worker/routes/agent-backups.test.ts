/**
 * Who may store a backup and how much (issue #11): an upload answers a backup job of the member
 * for the pool's service, one backup per job, and each member keeps its newest backups within a
 * count and a total size. The download tells the restoring agent where the backup came from.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Backup } from "../../../shared/backups";
import type { Event } from "../../../shared/events";
import { gzip, stored, upload } from "../backups/uploads";
import {
  AGENT_IP,
  admin,
  BASE,
  createPool,
  enroll,
  expectError,
  heartbeat,
  queueJob,
} from "../helpers";

async function backupsOf(memberId: string): Promise<Backup[]> {
  return (await admin<{ backups: Backup[] }>(`/members/${memberId}/backups?limit=100`)).body
    .backups;
}

async function events(poolId: string, type: string): Promise<Event[]> {
  return (await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}&limit=100`)).body
    .events;
}

describe("an upload answers a backup job of the member", () => {
  it("refuses an upload outside any job with 400, naming the header", async () => {
    const enrolled = await enroll((await createPool()).id);
    const result = await upload(enrolled, await gzip("x"), { jobId: null });
    expectError(result, 400, "validation_failed");
    expect(result.body.error.message).toContain("X-Baton-Job-Id");
    expect(await backupsOf(enrolled.member.id)).toEqual([]);
  });

  it("refuses a job that is not this service's backup, and a finished one, with 409", async () => {
    const enrolled = await enroll((await createPool()).id);
    const reload = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    const notBackup = await upload(enrolled, await gzip("x"), { jobId: reload.id });
    expectError(notBackup, 409, "backup_mismatch");
    expect(notBackup.body.error.message).toContain("haproxy.reload");

    const backup = await queueJob(enrolled.member.id, { kind: "haproxy.backup" });
    const cancelled = await admin(`/jobs/${backup.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expectError(await upload(enrolled, await gzip("x"), { jobId: backup.id }), 409, "job_finished");
    expect(await backupsOf(enrolled.member.id)).toEqual([]);
  });

  it("stores one backup per job: a second upload for it is refused with 409", async () => {
    const enrolled = await enroll((await createPool()).id);
    const job = await queueJob(enrolled.member.id, { kind: "haproxy.backup" });
    const first = await upload(enrolled, await gzip("one"), { jobId: job.id });
    expect(first.status).toBe(201);
    const second = await upload(enrolled, await gzip("two"), { jobId: job.id });
    expectError(second, 409, "backup_exists");
    expect(second.body.error.message).toContain(first.body.backup.id);
    expect((await backupsOf(enrolled.member.id)).map((b) => b.id)).toEqual([first.body.backup.id]);
  });
});

describe("an upload is of the pool's service", () => {
  it("refuses an nginx backup on an HAProxy pool with 409, and the reverse", async () => {
    const haproxyMember = await enroll((await createPool()).id);
    const haproxyJob = await queueJob(haproxyMember.member.id, { kind: "haproxy.backup" });
    const nginxOnHaproxy = await upload(haproxyMember, await gzip("x"), {
      service: "nginx",
      jobId: haproxyJob.id,
    });
    expectError(nginxOnHaproxy, 409, "backup_mismatch");
    expect(nginxOnHaproxy.body.error.message).toContain("haproxy pool");
    expect(await backupsOf(haproxyMember.member.id)).toEqual([]);

    const nginxMember = await enroll((await createPool({ profile: "nginx" })).id);
    const nginxJob = await queueJob(nginxMember.member.id, { kind: "nginx.backup" });
    const haproxyOnNginx = await upload(nginxMember, await gzip("x"), { jobId: nginxJob.id });
    expectError(haproxyOnNginx, 409, "backup_mismatch");
    expect((await upload(nginxMember, await gzip("x"), { service: "nginx" })).status).toBe(201);
  });

  it("takes either service on a generic pool, through that service's backup job", async () => {
    const enrolled = await enroll((await createPool({ profile: "generic" })).id);
    await heartbeat(enrolled, {
      services: {
        haproxy: { installed: true, activeState: "active" },
        nginx: { installed: true, activeState: "active" },
      },
    });
    expect((await upload(enrolled, await gzip("h"), { service: "haproxy" })).status).toBe(201);
    expect((await upload(enrolled, await gzip("n"), { service: "nginx" })).status).toBe(201);
    const haproxyJob = await queueJob(enrolled.member.id, { kind: "haproxy.backup" });
    const crossed = await upload(enrolled, await gzip("x"), {
      service: "nginx",
      jobId: haproxyJob.id,
    });
    expectError(crossed, 409, "backup_mismatch");
  });
});

describe("retention: each member keeps its newest backups", () => {
  it("keeps the newest 20 by default, deleting older ones with an event", async () => {
    const pool = await createPool();
    const [busy, quiet] = [await enroll(pool.id), await enroll(pool.id)];
    const quietBackup = (await stored(quiet, "quiet")).backup;
    const made: Backup[] = [];
    for (let index = 0; index < 22; index += 1) {
      made.push((await stored(busy, `backup ${index}`)).backup);
    }
    const kept = await backupsOf(busy.member.id);
    expect(kept.map((b) => b.id)).toEqual(
      made
        .slice(2)
        .map((b) => b.id)
        .reverse(),
    );
    // Another member's backups do not count against this one's.
    expect((await backupsOf(quiet.member.id)).map((b) => b.id)).toEqual([quietBackup.id]);
    const deleted = await events(pool.id, "backup.deleted");
    expect(deleted.map((event) => (event.data as { backupId: string }).backupId).sort()).toEqual(
      [made[0]?.id, made[1]?.id].sort(),
    );
    expect(deleted[0]?.actor).toBe("retention");
    expect(deleted[0]?.message).toMatch(/newest 20/);
  });
});

describe("GET /agent/v1/backups/:id tells the restoring agent where the backup came from", () => {
  it("names the member that uploaded it and the job that made it", async () => {
    const pool = await createPool();
    const [maker, target] = [await enroll(pool.id, { name: "maker" }), await enroll(pool.id)];
    const { backup } = await stored(maker);
    const response = await exports.default.fetch(`${BASE}/agent/v1/backups/${backup.id}`, {
      headers: { Authorization: `Bearer ${target.secret}`, "CF-Connecting-IP": AGENT_IP },
    });
    expect(response.status).toBe(200);
    expect(decodeURIComponent(response.headers.get("X-Baton-Backup-Origin") ?? "")).toBe(
      `uploaded by maker (${maker.member.hostname}) for job ${backup.jobId}, haproxy.backup queued by bootstrap`,
    );
  });
});
