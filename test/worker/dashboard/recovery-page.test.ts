import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Job } from "../../../shared/jobs";
import { gzip, upload } from "../backups/uploads";
import { admin, createPool, type Enrolled, enroll } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  type Browser,
  browserAs,
  fetchAs,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The pool's Disaster recovery tab as the Worker serves it, signed in through the real login
// form; backups are uploaded through the agent API, and what the tab queues is read back
// through the admin API.

/** Uploads a backup as the member's agent does after a backup job (queued here unless given). */
async function uploadBackup(enrolled: Enrolled, text: string, jobId?: string) {
  const bytes = await gzip(text);
  const result = await upload(enrolled, bytes, jobId ? { jobId } : {});
  expect(result.status).toBe(201);
  return { bytes, backup: result.body.backup };
}

async function jobsOf(memberId: string): Promise<Job[]> {
  return (await admin<{ jobs: Job[] }>(`/members/${memberId}/jobs`)).body.jobs;
}

/** The member's restore jobs (uploads come with backup jobs of their own). */
async function restoresOf(memberId: string): Promise<Job[]> {
  return (await jobsOf(memberId)).filter((job) => job.kind.endsWith(".restore"));
}

async function poolWith(count: number) {
  const pool = await createPool({ name: `dr-${crypto.randomUUID().slice(0, 6)}` });
  const members: Enrolled[] = [];
  for (let index = 0; index < count; index += 1) {
    members.push(await enroll(pool.id, { name: `edge-${String.fromCharCode(97 + index)}` }));
  }
  return { pool, members };
}

function recovery(browser: Browser, poolId: string) {
  return htmlOf(browser, `/pools/${poolId}/recovery`);
}

describe("the pool's Disaster recovery tab", () => {
  it("explains why restoring is not offered with fewer than two members", async () => {
    const viewer = await browserAs("viewer");
    const { pool, members } = await poolWith(1);
    await uploadBackup(members[0] as Enrolled, "global\n");
    const html = await recovery(viewer, pool.id);
    expect(byTestId(html, "tab-recovery")[0]?.["aria-current"]).toBe("page");
    expect(textOf(html, "restore-unavailable")).toContain("at least two members");
    expect(byTestId(html, "restore-form")).toHaveLength(0);
    expect(byTestId(html, "backup-restore-link")).toHaveLength(0);
    expect(byTestId(html, "backup-row")).toHaveLength(1);
  });

  it("backs a member up now through its backup job, made by the signed-in user", async () => {
    const operator = await browserAs("operator");
    const { pool, members } = await poolWith(2);
    const [a] = members as [Enrolled, Enrolled];
    const location = locationOf(
      await postForm(operator, `/ui/members/${a.member.id}/backup`, { kind: "haproxy.backup" }),
    );
    const [job] = await jobsOf(a.member.id);
    expect(job).toMatchObject({
      kind: "haproxy.backup",
      payload: {},
      createdBy: `user:${operator.userId}`,
    });
    expect(location).toMatch(new RegExp(`^/members/${a.member.id}/jobs/${job?.id}\\?flash=`));

    // The agent's upload names the job; the tab says who made the backup and lists its facts.
    const { backup } = await uploadBackup(a, "global\n  maxconn 100\n", job?.id);
    const html = await recovery(operator, pool.id);
    const [row] = byTestId(html, "backup-row");
    expect(row).toMatchObject({ "data-backup-id": backup.id, "data-service": "haproxy" });
    const [section] = byTestId(html, "member-backups");
    expect(section?.["data-member-id"]).toBe(a.member.id);
    expect(textOf(html, "backup-made-by")).toContain(operator.username);
    expect(textOf(html, "backup-size")).toBe(`${backup.sizeBytes} B`);
    const [sha] = byTestId(html, "backup-sha");
    expect(sha?.title).toBe(backup.sha256);
    expect(textOf(html, "backup-sha")).toBe(`${backup.sha256.slice(0, 12)}…`);
    expect(byTestId(html, "backup-sha-full")[0]?.value).toBe(backup.sha256);
  });

  it("refuses a backup kind the pool does not run, and a viewer's backup", async () => {
    const operator = await browserAs("operator");
    const viewer = await browserAs("viewer");
    const { pool, members } = await poolWith(1);
    const memberId = (members[0] as Enrolled).member.id;
    const location = locationOf(
      await postForm(operator, `/ui/members/${memberId}/backup`, { kind: "nginx.backup" }),
    );
    expect(location.startsWith(`/pools/${pool.id}/recovery?flash=`)).toBe(true);
    expect(flashIn(location)).toContain("is in a haproxy pool");
    const refused = await postForm(viewer, `/ui/members/${memberId}/backup`, {
      kind: "haproxy.backup",
    });
    expect(refused.status).toBe(403);
    expect(await jobsOf(memberId)).toEqual([]);
    // A viewer sees the button disabled, with why.
    const html = await recovery(viewer, pool.id);
    expect(byTestId(html, "backup-now")[0]).toHaveProperty("disabled");
  });

  it("restores one member's backup onto another through the restore job", async () => {
    const operator = await browserAs("admin");
    const { pool, members } = await poolWith(2);
    const [a, b] = members as [Enrolled, Enrolled];
    const { backup } = await uploadBackup(a, "global\n");
    const html = await recovery(operator, pool.id);
    expect(byTestId(html, "restore-form")).toHaveLength(1);
    expect(byTestId(html, "backup-restore-link")[0]?.href).toBe(
      `/pools/${pool.id}/recovery?backup=${backup.id}#restore`,
    );
    const preselected = await htmlOf(operator, `/pools/${pool.id}/recovery?backup=${backup.id}`);
    expect(preselected).toContain(`<option value="${backup.id}" selected="">`);

    const location = locationOf(
      await postForm(operator, `/ui/pools/${pool.id}/restore`, {
        backupId: backup.id,
        memberId: b.member.id,
      }),
    );
    const [job] = await restoresOf(b.member.id);
    expect(job).toMatchObject({
      kind: "haproxy.restore",
      payload: { backupId: backup.id },
      status: "queued",
      createdBy: `user:${operator.userId}`,
    });
    expect(location).toMatch(new RegExp(`^/members/${b.member.id}/jobs/${job?.id}\\?flash=`));
    expect(await restoresOf(a.member.id)).toEqual([]);
    const detail = await htmlOf(operator, location);
    expect(unescapeHtml(textOf(detail, "flash"))).toBe(
      "Queued haproxy.restore of edge-a's backup on edge-b",
    );
  });

  it("shows an operator the restore form disabled (an admin action) and refuses the operator's post", async () => {
    const operator = await browserAs("operator");
    const { pool, members } = await poolWith(2);
    const [a, b] = members as [Enrolled, Enrolled];
    const { backup } = await uploadBackup(a, "global\n");
    const html = await recovery(operator, pool.id);
    expect(textOf(html, "restore-disabled")).toContain("Needs the admin role");
    const form = html.slice(html.indexOf('data-testid="restore-form"'));
    expect(form).toMatch(/<fieldset[^>]*\bdisabled\b/);
    const location = locationOf(
      await postForm(operator, `/ui/pools/${pool.id}/restore`, {
        backupId: backup.id,
        memberId: b.member.id,
      }),
    );
    expect(flashIn(location)).toContain("Queuing haproxy.restore needs the admin role");
    expect(await jobsOf(b.member.id)).toEqual([]);
  });

  it("refuses another pool's backup or member and a viewer's restore, queueing nothing", async () => {
    const operator = await browserAs("operator");
    const viewer = await browserAs("viewer");
    const { pool, members } = await poolWith(2);
    const other = await poolWith(2);
    const [, b] = members as [Enrolled, Enrolled];
    const { backup: foreign } = await uploadBackup(other.members[0] as Enrolled, "global\n");
    const { backup: own } = await uploadBackup(members[0] as Enrolled, "global\n");

    const wrongBackup = locationOf(
      await postForm(operator, `/ui/pools/${pool.id}/restore`, {
        backupId: foreign.id,
        memberId: b.member.id,
      }),
    );
    expect(wrongBackup).toMatch(new RegExp(`^/pools/${pool.id}/recovery\\?flash=.*#restore$`));
    expect(flashIn(wrongBackup)).toBe(
      `Not queued: backup ${foreign.id} is not a backup of ${pool.name}`,
    );
    const wrongMember = locationOf(
      await postForm(operator, `/ui/pools/${pool.id}/restore`, {
        backupId: own.id,
        memberId: (other.members[1] as Enrolled).member.id,
      }),
    );
    expect(flashIn(wrongMember)).toContain("is not a member of");
    const empty = locationOf(await postForm(operator, `/ui/pools/${pool.id}/restore`, {}));
    expect(flashIn(empty)).toBe("Not queued: choose a backup and a member");
    const byViewer = await postForm(viewer, `/ui/pools/${pool.id}/restore`, {
      backupId: own.id,
      memberId: b.member.id,
    });
    expect(byViewer.status).toBe(403);
    for (const member of [...members, ...other.members]) {
      expect(await restoresOf(member.member.id)).toEqual([]);
    }
  });

  it("lets admins download an archive, and nobody else", async () => {
    const adminUser = await browserAs("admin");
    const operator = await browserAs("operator");
    const { pool, members } = await poolWith(2);
    const { backup, bytes } = await uploadBackup(members[0] as Enrolled, "global\n");
    const path = `/ui/backups/${backup.id}/archive`;

    expect(byTestId(await recovery(adminUser, pool.id), "backup-download")[0]?.href).toBe(path);
    expect(byTestId(await recovery(operator, pool.id), "backup-download")).toHaveLength(0);
    expect((await fetchAs(operator, path)).status).toBe(403);
    const download = await fetchAs(adminUser, path);
    expect(download.status).toBe(200);
    expect(download.headers.get("X-Baton-Sha256")).toBe(backup.sha256);
    expect(download.headers.get("Content-Disposition")).toContain("attachment; filename=");
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes);
    expect((await fetchAs(adminUser, "/ui/backups/bak_missing/archive")).status).toBe(404);
  });

  it("shows when each member's next scheduled backup runs", async () => {
    const viewer = await browserAs("viewer");
    const { pool, members } = await poolWith(2);
    const [a] = members as [Enrolled, Enrolled];
    const put = await admin(`/members/${a.member.id}/schedules`, {
      method: "PUT",
      body: { schedules: [{ kind: "haproxy.backup", cron: "0 3 * * *" }] },
    });
    expect(put.status).toBe(200);
    const html = await recovery(viewer, pool.id);
    const [first, second] = [...html.matchAll(/data-testid="next-backup">(.*?)<\/p>/gs)].map(
      (match) => unescapeHtml((match[1] ?? "").replace(/<[^>]+>/g, "")),
    );
    expect(first).toMatch(/Next backup: \d{4}-\d\d-\d\d 03:00:00 UTC/);
    expect(first).toContain('haproxy.backup at "0 3 * * *"');
    expect(second).toContain("No scheduled backups");
  });

  it("shows where each backup came from: the uploading member and the job, or none", async () => {
    const operator = await browserAs("operator");
    const pool = await createPool({ name: `dr-${crypto.randomUUID().slice(0, 6)}` });
    const a = await enroll(pool.id, { name: "edge-a" });
    await enroll(pool.id, { name: "edge-b" });
    const { backup } = await uploadBackup(a, "global\n");
    // A row stored before every upload needed a backup job: only the member's secret vouched.
    await env.DB.prepare(
      "INSERT INTO backups (id, pool_id, member_id, member_name, member_hostname, service, size_bytes, sha256, job_id, archive, created_at) VALUES (?, ?, ?, 'edge-a', ?, 'haproxy', 1, ?, NULL, x'00', ?)",
    )
      .bind(
        "bak_00000000000000000000000001",
        pool.id,
        a.member.id,
        a.member.hostname,
        "0".repeat(64),
        1,
      )
      .run();
    const html = await recovery(operator, pool.id);
    const rows = byTestId(html, "backup-row").map((row) => row["data-backup-id"]);
    expect(rows).toEqual([backup.id, "bak_00000000000000000000000001"]);
    expect(textOf(html, "backup-uploaded-by")).toBe(`edge-a (${a.member.hostname})`);
    const madeBy = (html.match(/data-testid="backup-made-by">[^<]*/g) ?? []).map(unescapeHtml);
    expect(madeBy).toHaveLength(2);
    expect(madeBy[0]).toContain("haproxy.backup queued by the bootstrap token");
    expect(madeBy[1]).toContain("an upload outside any backup job");
    // Choosing a backup to restore shows the same origin.
    const form = unescapeHtml(textOf(html, "restore-backup"));
    expect(html).toContain('<optgroup label="uploaded by edge-a">');
    expect(form).toContain("haproxy.backup queued by the bootstrap token");
    expect(form).toContain("an upload outside any backup job");
  });
});
