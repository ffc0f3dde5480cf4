import { describe, expect, it } from "vitest";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import type { Job } from "../../../shared/jobs";
import { admin, agentCall, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, htmlOf, locationOf, postForm } from "./pages-as";

// The Jobs tab's drain and ready jobs pick their backend and server from the member's latest
// HAProxy table (as its agent sends it); free text only when there is none, saying why.
function row(proxy: string, service: string, kind: HaproxyStatRow["kind"], status: string) {
  return {
    proxy,
    service,
    kind,
    status,
    checkStatus: null,
    checkDesc: null,
    scur: 0,
    smax: 0,
    stot: 0,
    rate: 0,
    weight: 1,
    lastchg: 10,
    addr: null,
    mode: "http",
  } satisfies HaproxyStatRow;
}

const TABLE: HaproxyStatRow[] = [
  row("fe_web", "FRONTEND", "frontend", "OPEN"),
  row("be_app", "app1", "server", "UP"),
  row("be_app", "app2", "server", "DRAIN"),
  row("be_app", "BACKEND", "backend", "UP"),
  row("be_api", "api1", "server", "DOWN"),
  row("be_api", "BACKEND", "backend", "DOWN"),
];

async function haproxyMember(profile: "haproxy" | "nginx" = "haproxy") {
  const pool = await createPool({ name: `pick-${crypto.randomUUID().slice(0, 6)}`, profile });
  const edge = await enroll(pool.id);
  const service = profile === "nginx" ? "nginx" : "haproxy";
  await heartbeat(edge, {
    publicIp: "198.51.100.31",
    services: { [service]: { installed: true, activeState: "active" } },
  });
  return { pool, edge, member: edge.member };
}

const sendTable = (edge: Enrolled) =>
  agentCall(edge, "/haproxy/stat", { body: { collectedAt: Date.now(), rows: TABLE } });

/** The target select's options: value and label. */
function targetOptions(html: string) {
  const start = html.indexOf('data-testid="job-target"');
  expect(start).toBeGreaterThan(0);
  const select = html.slice(start, html.indexOf("</select>", start));
  return [...select.matchAll(/<option value="([^"]*)">([^<]*)<\/option>/g)].map(
    ([, value, label]) => ({ value, label }),
  );
}

describe("the drain job's backend and server pickers", () => {
  it("offers the backends and servers of the member's latest HAProxy table and queues the pick", async () => {
    const operator = await browserAs("operator");
    const { edge, member } = await haproxyMember();
    expect((await sendTable(edge)).status).toBe(204);
    const html = await htmlOf(operator, `/members/${member.id}/jobs`);
    expect(byTestId(html, "job-backend")).toHaveLength(0);
    expect(targetOptions(html)).toEqual([
      { value: "be_app/", label: "be_app (every server)" },
      { value: "be_app/app1", label: "be_app/app1 · UP" },
      { value: "be_app/app2", label: "be_app/app2 · DRAIN" },
      { value: "be_api/", label: "be_api (every server)" },
      { value: "be_api/api1", label: "be_api/api1 · DOWN" },
    ]);
    expect(textOf(html, "job-target-source")).toContain("From HAProxy&#39;s table of");

    const one = await postForm(operator, `/ui/members/${member.id}/jobs`, {
      kind: "haproxy.drain",
      target: "be_app/app1",
    });
    const all = await postForm(operator, `/ui/members/${member.id}/jobs`, {
      kind: "haproxy.ready",
      target: "be_api/",
    });
    expect(locationOf(one)).toMatch(/^\/members\/[^/]+\/jobs\/job_/);
    expect(locationOf(all)).toMatch(/^\/members\/[^/]+\/jobs\/job_/);
    const jobs = (await admin<{ jobs: Job[] }>(`/members/${member.id}/jobs`)).body.jobs;
    const payloads = Object.fromEntries(jobs.map((job) => [job.kind, job.payload]));
    expect(payloads).toEqual({
      "haproxy.drain": { backend: "be_app", server: "app1" },
      "haproxy.ready": { backend: "be_api" },
    });
  });

  it("falls back to typed names when the agent has sent no table yet, saying why", async () => {
    const operator = await browserAs("operator");
    const { member } = await haproxyMember();
    const html = await htmlOf(operator, `/members/${member.id}/jobs`);
    expect(byTestId(html, "job-target")).toHaveLength(0);
    expect(byTestId(html, "job-backend")).toHaveLength(1);
    expect(textOf(html, "job-target-none")).toContain(`No HAProxy table from ${member.name} yet`);
  });
});
