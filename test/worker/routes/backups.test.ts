import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BACKUP_MAX_BYTES, type Backup } from "../../../shared/backups";
import type { ErrorBody } from "../../../shared/errors";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import { readCapped } from "../../../worker/backups/upload";
import { gzip, sha256, stored, upload } from "../backups/uploads";
import {
  ADMIN,
  AGENT_IP,
  admin,
  agentCall,
  BASE,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  heartbeat,
  queueJob,
  withToken,
} from "../helpers";

const MISSING_BACKUP = "bak_00000000000000000000000000";

async function download(path: string, headers: Record<string, string>) {
  const response = await exports.default.fetch(`${BASE}${path}`, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

async function events(poolId: string, type: string) {
  return (await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`)).body.events;
}

describe("POST /agent/v1/backups", () => {
  it("stores the archive and answers with its metadata only", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const bytes = await gzip("global\n  maxconn 100\n");
    const result = await upload(enrolled, bytes);
    expect(result.status).toBe(201);
    expect(result.body.backup).toEqual({
      id: expect.stringMatching(/^bak_/),
      poolId: pool.id,
      memberId: enrolled.member.id,
      memberName: enrolled.member.name,
      memberHostname: enrolled.member.hostname,
      service: "haproxy",
      sizeBytes: bytes.byteLength,
      sha256: await sha256(bytes),
      jobId: expect.stringMatching(/^job_/),
      createdAt: expect.any(Number),
    });
    const [event] = await events(pool.id, "backup.stored");
    expect(event?.data).toMatchObject({ backupId: result.body.backup.id, service: "haproxy" });
    expect(event?.actor).toBe(`agent:${enrolled.member.id}`);
  });

  it("accepts an uppercase checksum and records the job that made the backup", async () => {
    const enrolled = await enroll((await createPool()).id);
    const job = await queueJob(enrolled.member.id, { kind: "haproxy.backup" });
    const bytes = await gzip("x");
    const result = await upload(enrolled, bytes, {
      sha: (await sha256(bytes)).toUpperCase(),
      jobId: job.id,
    });
    expect(result.status).toBe(201);
    expect(result.body.backup.jobId).toBe(job.id);
  });

  it("refuses a job id of another member or an unknown one with 404", async () => {
    const pool = await createPool();
    const [mine, other] = [await enroll(pool.id), await enroll(pool.id)];
    const job = await queueJob(other.member.id, { kind: "haproxy.backup" });
    const bytes = await gzip("x");
    expectError(await upload(mine, bytes, { jobId: job.id }), 404, "not_found");
    expectError(await upload(mine, bytes, { jobId: "job_nope" }), 404, "not_found");
    expect((await admin<{ backups: Backup[] }>(`/pools/${pool.id}/backups`)).body.backups).toEqual(
      [],
    );
  });

  it("refuses a damaged upload with 400 checksum_mismatch and stores nothing", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const result = await upload(enrolled, await gzip("x"), { sha: "0".repeat(64) });
    expectError(result, 400, "checksum_mismatch");
    expect(result.body.error.message).toContain("send it again");
    expect((await admin<{ backups: Backup[] }>(`/pools/${pool.id}/backups`)).body.backups).toEqual(
      [],
    );
    expect(await events(pool.id, "backup.*")).toEqual([]);
  });

  it("refuses a missing or malformed checksum, a bad service and a body that is no tar.gz", async () => {
    const enrolled = await enroll((await createPool()).id);
    const bytes = await gzip("x");
    const missing = await upload(enrolled, bytes, { sha: null });
    expectError(missing, 400, "validation_failed");
    expect(missing.body.error.message).toContain("X-Baton-Sha256");
    expectError(await upload(enrolled, bytes, { sha: "abc" }), 400, "validation_failed");
    const service = await upload(enrolled, bytes, { service: "apache", jobId: "job_any" });
    expectError(service, 400, "validation_failed");
    expect(service.body.error.issues?.map((issue) => issue.path)).toEqual(["service"]);
    const plain = new TextEncoder().encode("not gzip");
    const notGzip = await upload(enrolled, plain);
    expectError(notGzip, 400, "validation_failed");
    expect(notGzip.body.error.message).toContain("tar.gz");
    expectError(await upload(enrolled, new Uint8Array()), 400, "validation_failed");
  });

  it("refuses an archive over BACKUP_MAX_BYTES with 413", async () => {
    const enrolled = await enroll((await createPool()).id);
    const big = new Uint8Array(BACKUP_MAX_BYTES + 1);
    big.set([0x1f, 0x8b]);
    const result = await upload(enrolled, big);
    expectError(result, 413, "backup_too_large");
    expect(result.body.error.message).toContain("1024 KiB");
    // Exactly the limit is accepted.
    const limit = big.subarray(0, BACKUP_MAX_BYTES);
    expect((await upload(enrolled, limit)).status).toBe(201);
  });

  it("stops reading a body without Content-Length once it passes the limit", async () => {
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    expect(await readCapped(body, 3 * chunk.byteLength)).toBeNull();
    expect(sent).toBeLessThan(10);
    const small = new Blob([new Uint8Array([1, 2, 3])]).stream();
    expect(await readCapped(small, 3)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("checks the secret, then the caller's address, before the body", async () => {
    const enrolled = await enroll((await createPool()).id);
    const bytes = await gzip("x");
    expectError(await upload({ ...enrolled, secret: "x".repeat(48) }, bytes), 401, "bad_secret");
    expectError(
      await upload(enrolled, new Uint8Array(), {
        sha: null,
        headers: { "CF-Connecting-IP": "192.0.2.99" },
      }),
      403,
      "ip_not_allowed",
    );
  });
});

describe("GET /agent/v1/backups/:id", () => {
  it("answers the archive with its checksum and service, to any member of the pool", async () => {
    const pool = await createPool({ profile: "nginx" });
    const [maker, other] = [await enroll(pool.id), await enroll(pool.id)];
    const { bytes, backup } = await stored(maker, "nginx.conf", "nginx");
    const { response, bytes: got } = await download(`/agent/v1/backups/${backup.id}`, {
      Authorization: `Bearer ${other.secret}`,
      "CF-Connecting-IP": AGENT_IP,
    });
    expect(response.status).toBe(200);
    expect(got).toEqual(bytes);
    expect(response.headers.get("X-Baton-Sha256")).toBe(backup.sha256);
    expect(response.headers.get("X-Baton-Service")).toBe("nginx");
  });

  it("answers 404 for another pool's backup and an unknown one", async () => {
    const mine = await enroll((await createPool()).id);
    const theirs = await enroll((await createPool()).id);
    const { backup } = await stored(theirs);
    expectError(await agentCall(mine, `/backups/${backup.id}`), 404, "not_found");
    expectError(await agentCall(mine, `/backups/${MISSING_BACKUP}`), 404, "not_found");
  });

  it("needs the secret and an allowed address", async () => {
    const enrolled = await enroll((await createPool()).id);
    const { backup } = await stored(enrolled);
    expectError(
      await agentCall({ ...enrolled, secret: "wrong" }, `/backups/${backup.id}`),
      401,
      "bad_secret",
    );
    expectError(
      await agentCall(enrolled, `/backups/${backup.id}`, {
        headers: { "CF-Connecting-IP": "192.0.2.99" },
      }),
      403,
      "ip_not_allowed",
    );
  });
});

describe("admin backups API", () => {
  it("lists a member's and a pool's backups newest first, page by page", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    const first = (await stored(a, "one")).backup;
    const second = (await stored(b, "two")).backup;
    const third = (await stored(a, "three")).backup;

    const ofA = await admin<{ backups: Backup[] }>(`/members/${a.member.id}/backups`);
    expect(ofA.body.backups.map((backup) => backup.id)).toEqual([third.id, first.id]);

    const page1 = await admin<{ backups: Backup[]; nextCursor: string }>(
      `/pools/${pool.id}/backups?limit=2`,
    );
    expect(page1.body.backups.map((backup) => backup.id)).toEqual([third.id, second.id]);
    const page2 = await admin<{ backups: Backup[]; nextCursor: string | null }>(
      `/pools/${pool.id}/backups?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.backups.map((backup) => backup.id)).toEqual([first.id]);
    expect(page2.body.nextCursor).toBeNull();
    expect(JSON.stringify(page1.body)).not.toContain("archive");
  });

  it("gets one backup's metadata, and answers 404 for unknown ids", async () => {
    const enrolled = await enroll((await createPool()).id);
    const { backup } = await stored(enrolled);
    const { token } = await createApiToken("viewer");
    const got = await withToken<{ backup: Backup }>(token, `/backups/${backup.id}`);
    expect(got.body.backup).toEqual(backup);
    expectError(await admin(`/backups/${MISSING_BACKUP}`), 404, "not_found");
    expectError(await admin(`/members/mem_nope/backups`), 404, "not_found");
    expectError(await admin(`/pools/pool_nope/backups`), 404, "not_found");
    expectError(await admin("/pools/x/backups?limit=0"), 400, "validation_failed");
    expectError(await call(`/api/v1/backups/${backup.id}`), 401, "unauthorized");
  });

  it("downloads the archive under a file name, for admins only", async () => {
    const enrolled = await enroll((await createPool()).id);
    const { bytes, backup } = await stored(enrolled);
    const { response, bytes: got } = await download(`/api/v1/backups/${backup.id}/archive`, ADMIN);
    expect(response.status).toBe(200);
    expect(got).toEqual(bytes);
    expect(response.headers.get("Content-Type")).toBe("application/gzip");
    expect(response.headers.get("Content-Disposition")).toMatch(
      new RegExp(
        `^attachment; filename="baton-${enrolled.member.hostname}-haproxy-\\d{8}T\\d{6}Z\\.tar\\.gz"$`,
      ),
    );
    expect(response.headers.get("X-Baton-Sha256")).toBe(backup.sha256);

    const { token } = await createApiToken("operator");
    expectError(await withToken(token, `/backups/${backup.id}/archive`), 403, "forbidden");
    expectError(await admin(`/backups/${MISSING_BACKUP}/archive`), 404, "not_found");
  });

  it("deletes a backup with an event; operators may not", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { backup } = await stored(enrolled);
    const { token } = await createApiToken("operator");
    expectError(
      await withToken(token, `/backups/${backup.id}`, { method: "DELETE" }),
      403,
      "forbidden",
    );
    const deleted = await admin<{ backup: Backup; deleted: boolean }>(`/backups/${backup.id}`, {
      method: "DELETE",
    });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ backup, deleted: true });
    expectError(await admin(`/backups/${backup.id}`), 404, "not_found");
    expectError(await admin(`/backups/${backup.id}`, { method: "DELETE" }), 404, "not_found");
    const [event] = await events(pool.id, "backup.deleted");
    expect(event).toMatchObject({ actor: "bootstrap", data: { backupId: backup.id } });
  });

  it("keeps backups of a removed member, with its name and hostname", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { bytes, backup } = await stored(enrolled);
    const removed = await admin(`/members/${enrolled.member.id}`, { method: "DELETE" });
    expect(removed.status).toBe(200);

    const list = await admin<{ backups: Backup[] }>(`/pools/${pool.id}/backups`);
    expect(list.body.backups).toEqual([{ ...backup, memberId: null }]);
    expect(list.body.backups[0]?.memberHostname).toBe(enrolled.member.hostname);
    const { bytes: got } = await download(`/api/v1/backups/${backup.id}/archive`, ADMIN);
    expect(got).toEqual(bytes);

    // A replacement member restores it.
    const replacement = await enroll(pool.id);
    const job = await admin<{ job: Job }>(`/members/${replacement.member.id}/jobs`, {
      body: { kind: "haproxy.restore", payload: { backupId: backup.id } },
    });
    expect(job.status).toBe(201);
  });
});

describe("restore jobs", () => {
  function restore(memberId: string, kind: string, backupId: string) {
    return admin<{ job: Job }>(`/members/${memberId}/jobs`, {
      body: { kind, payload: { backupId } },
    });
  }

  it("accepts a backup of the same pool and service, made by any member", async () => {
    const pool = await createPool();
    const [maker, target] = [await enroll(pool.id), await enroll(pool.id)];
    const { backup } = await stored(maker);
    const result = await restore(target.member.id, "haproxy.restore", backup.id);
    expect(result.status).toBe(201);
    expect(result.body.job.payload).toEqual({ backupId: backup.id });
  });

  it("refuses another service's backup with 409 backup_mismatch", async () => {
    const pool = await createPool({ profile: "generic" });
    const enrolled = await enroll(pool.id);
    await heartbeat(enrolled, {
      services: {
        haproxy: { installed: true, activeState: "active" },
        nginx: { installed: true, activeState: "active" },
      },
    });
    const { backup } = await stored(enrolled, "nginx.conf", "nginx");
    const result = await restore(enrolled.member.id, "haproxy.restore", backup.id);
    expectError(result, 409, "backup_mismatch");
    expect((result.body as unknown as ErrorBody).error.message).toContain("queue nginx.restore");
    expect((await restore(enrolled.member.id, "nginx.restore", backup.id)).status).toBe(201);
  });

  it("refuses another pool's backup with 409 and an unknown one with 404", async () => {
    const mine = await enroll((await createPool()).id);
    const theirs = await enroll((await createPool()).id);
    const { backup } = await stored(theirs);
    const other = await restore(mine.member.id, "haproxy.restore", backup.id);
    expectError(other, 409, "backup_mismatch");
    expect((other.body as unknown as ErrorBody).error.message).toContain("another pool");
    expectError(await restore(mine.member.id, "haproxy.restore", MISSING_BACKUP), 404, "not_found");
    const jobs = await admin<{ jobs: Job[] }>(`/members/${mine.member.id}/jobs`);
    expect(jobs.body.jobs).toEqual([]);
  });
});
