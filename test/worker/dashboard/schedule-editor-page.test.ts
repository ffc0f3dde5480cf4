import { describe, expect, it } from "vitest";
import type { JobSchedule } from "../../../shared/schedules";
import { admin, createPool, enroll } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, flashIn, htmlOf, locationOf, postForm, unescapeHtml } from "./pages-as";

// The backup schedule editor on the Disaster recovery tab: what it saves is read back through
// the admin API (GET …/schedules), which is also what the agent's heartbeat carries.
async function member() {
  const pool = await createPool({ name: `sched-${crypto.randomUUID().slice(0, 6)}` });
  const edge = await enroll(pool.id, { name: "edge-a" });
  return { pool, member: edge.member };
}

const schedulesOf = async (memberId: string) =>
  (await admin<{ schedules: JobSchedule[] }>(`/members/${memberId}/schedules`)).body.schedules;

describe("backup schedules on the Disaster recovery tab", () => {
  it("adds a schedule, lists it with its next run, and removes it", async () => {
    const operator = await browserAs("operator");
    const { pool, member: edge } = await member();
    const empty = await htmlOf(operator, `/pools/${pool.id}/recovery`);
    expect(byTestId(empty, "schedule-row")).toHaveLength(0);
    expect(byTestId(empty, "schedule-kind")).toHaveLength(1);

    const added = await postForm(operator, `/ui/members/${edge.id}/schedules`, {
      kind: "haproxy.backup",
      cron: "0 3 * * *",
    });
    expect(unescapeHtml(flashIn(locationOf(added)) ?? "")).toBe(
      'Scheduled haproxy.backup at "0 3 * * *" UTC on edge-a',
    );
    const [saved] = await schedulesOf(edge.id);
    expect(saved).toMatchObject({ kind: "haproxy.backup", cron: "0 3 * * *" });

    const html = await htmlOf(operator, `/pools/${pool.id}/recovery`);
    const rows = byTestId(html, "schedule-row");
    expect(rows.map((row) => row["data-cron"])).toEqual(["0 3 * * *"]);
    expect(textOf(html, "schedule-row")).toMatch(/next \d{4}-\d\d-\d\d 03:00:00 UTC/);
    const remove = html.indexOf(`/ui/members/${edge.id}/schedules/${saved?.id}/remove`);
    expect(remove).toBeGreaterThan(0);
    const formTag = html.slice(html.lastIndexOf("<form", remove), html.indexOf(">", remove));
    expect(unescapeHtml(formTag)).toContain(
      'data-confirm="Remove the schedule haproxy.backup at "0 3 * * *" from edge-a?',
    );

    const removed = await postForm(
      operator,
      `/ui/members/${edge.id}/schedules/${saved?.id}/remove`,
    );
    expect(flashIn(locationOf(removed))).toContain("Removed haproxy.backup");
    expect(await schedulesOf(edge.id)).toEqual([]);
  });

  it("shows the cron grammar's complaint on the field with what was typed, saving nothing", async () => {
    const operator = await browserAs("operator");
    const { pool, member: edge } = await member();
    const refused = await postForm(operator, `/ui/members/${edge.id}/schedules`, {
      kind: "haproxy.backup",
      cron: "0 25 * * *",
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(textOf(html, "schedule-cron-error")).toMatch(/^cron expression /);
    expect(byTestId(html, "schedule-cron")[0]?.value).toBe("0 25 * * *");
    expect(byTestId(html, "schedule-cron")[0]?.["aria-invalid"]).toBe("true");
    expect(await schedulesOf(edge.id)).toEqual([]);

    await postForm(operator, `/ui/members/${edge.id}/schedules`, {
      kind: "haproxy.backup",
      cron: "0 3 * * *",
    });
    const twice = await postForm(operator, `/ui/members/${edge.id}/schedules`, {
      kind: "haproxy.backup",
      cron: "0 3 * * *",
    });
    expect(twice.status).toBe(400);
    expect(unescapeHtml(textOf(await twice.text(), "schedule-cron-error"))).toBe(
      'haproxy.backup already runs at "0 3 * * *" on edge-a',
    );
    expect(await schedulesOf(edge.id)).toHaveLength(1);
    expect(pool.id).toBeTruthy();
  });

  it("lets a viewer see the schedules but not change them", async () => {
    const viewer = await browserAs("viewer");
    const { pool, member: edge } = await member();
    const html = await htmlOf(viewer, `/pools/${pool.id}/recovery`);
    expect(byTestId(html, "schedule-add-submit")).toHaveLength(1);
    const at = html.indexOf('data-testid="schedule-add-submit"');
    expect(html.lastIndexOf('<fieldset class="plain" disabled', at)).toBeGreaterThan(-1);
    const refused = await postForm(viewer, `/ui/members/${edge.id}/schedules`, {
      kind: "haproxy.backup",
      cron: "0 3 * * *",
    });
    expect(refused.status).toBe(403);
    expect(await schedulesOf(edge.id)).toEqual([]);
  });
});
