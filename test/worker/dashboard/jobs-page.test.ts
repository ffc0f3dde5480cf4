import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Job } from "../../../shared/jobs";
import type { Role } from "../../../shared/tokens";
import {
  admin,
  agentCall,
  BASE,
  createPool,
  deliverJobs,
  type Enrolled,
  enroll,
  heartbeat,
} from "../helpers";
import { createUser, signIn as signInThroughForm } from "./auth-helpers";
import { byTestId, textOf } from "./html";

// The member workspace's Jobs tab as the Worker serves it: behind requireSession and verifyCsrf,
// signed in through the real login form; what it queues is checked through the admin API.
async function signIn(role: Role) {
  const user = await createUser(role);
  const session = await signInThroughForm(user.username);
  return { cookie: `baton_session=${session.cookie}`, csrf: session.csrf, userId: user.id };
}

function fetchAs(cookie: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Cookie", cookie);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
}

function postForm(cookie: string, path: string, fields: Record<string, string>) {
  return fetchAs(cookie, path, { method: "POST", body: new URLSearchParams(fields) });
}

async function htmlOf(cookie: string, path: string) {
  const response = await fetchAs(cookie, path);
  expect(response.status, path).toBe(200);
  return response.text();
}

async function jobsOf(memberId: string): Promise<Job[]> {
  const result = await admin<{ jobs: Job[] }>(`/members/${memberId}/jobs`);
  expect(result.status).toBe(200);
  return result.body.jobs;
}

/** The kind select's options: value, whether disabled, and the reason in its title. */
function kindOptions(html: string) {
  const start = html.indexOf('data-testid="job-kind"');
  expect(start).toBeGreaterThan(0);
  const select = html.slice(start, html.indexOf("</select>", start));
  const options = [...select.matchAll(/<option\b([^>]*)>/g)].map(([, attributes = ""]) => ({
    kind: /value="([^"]*)"/.exec(attributes)?.[1],
    disabled: /\bdisabled\b/.test(attributes),
    selected: /\bselected\b/.test(attributes),
    reason: /title="([^"]*)"/.exec(attributes)?.[1],
  }));
  // No kind is preselected: the placeholder comes first, then one option per kind.
  expect(options[0]).toMatchObject({ kind: "", disabled: false });
  expect(options.some((option) => option.selected)).toBe(false);
  // So every part shown for a kind is served hidden, until app.js sees a kind chosen.
  const parts = [...html.matchAll(/<[a-z]+\b[^>]*data-shown-by="job-kind"[^>]*>/g)];
  expect(parts.length).toBeGreaterThan(2);
  for (const [tag] of parts) expect(tag).toMatch(/\bhidden\b/);
  return options.slice(1);
}

/** A member of an HAProxy pool whose agent has reported HAProxy installed. */
async function haproxyMember(profile: "haproxy" | "generic" = "haproxy") {
  const pool = await createPool({ name: `jobs-${crypto.randomUUID().slice(0, 6)}`, profile });
  const edge = await enroll(pool.id);
  const beat = await heartbeat(edge, {
    publicIp: "198.51.100.21",
    services: { haproxy: { installed: true, activeState: "active" } },
  });
  expect(beat.status).toBe(200);
  return { pool, edge, member: edge.member };
}

async function queueThroughForm(
  cookie: string,
  csrf: string,
  memberId: string,
  fields: Record<string, string>,
) {
  const response = await postForm(cookie, `/ui/members/${memberId}/jobs`, {
    _csrf: csrf,
    ...fields,
  });
  expect(response.status).toBe(303);
  return response.headers.get("Location") ?? "";
}

function jobIdOf(location: string, memberId: string): string {
  const match = new RegExp(`^/members/${memberId}/jobs/([^/?]+)\\?`).exec(location);
  expect(match, location).not.toBeNull();
  return match?.[1] ?? "";
}

async function report(edge: Enrolled, jobId: string, outputTail: string) {
  expect(await deliverJobs(edge)).toContain(jobId);
  const startedAt = Date.now();
  expect((await agentCall(edge, `/jobs/${jobId}/ack`, { body: { startedAt } })).status).toBe(200);
  const result = await agentCall(edge, `/jobs/${jobId}/result`, {
    body: { status: "succeeded", exitCode: 0, outputTail, startedAt, finishedAt: startedAt + 250 },
  });
  expect(result.status).toBe(200);
}

describe("the member's Jobs tab", () => {
  it("offers the kinds the member may run and says why the others are disabled", async () => {
    const { cookie } = await signIn("operator");
    const haproxy = await haproxyMember("haproxy");
    const html = await htmlOf(cookie, `/members/${haproxy.member.id}/jobs`);
    expect(byTestId(html, "job-form")).toHaveLength(1);
    expect(byTestId(html, "tab-jobs")[0]?.["aria-current"]).toBe("page");
    const options = kindOptions(html);
    expect(options.find((o) => o.kind === "haproxy.reload")).toMatchObject({ disabled: false });
    expect(options.find((o) => o.kind === "haproxy.drain")).toMatchObject({ disabled: false });
    const nginx = options.find((o) => o.kind === "nginx.reload");
    expect(nginx?.disabled).toBe(true);
    expect(nginx?.reason).toContain("haproxy pool");
    expect(byTestId(html, "job-kind-refused").map((item) => item["data-kind"])).toContain(
      "nginx.reload",
    );

    // A generic pool whose agent has not reported nginx: nginx refused, HAProxy allowed (seen
    // by an admin, who may queue every kind the member runs).
    const generic = await haproxyMember("generic");
    const asAdmin = await signIn("admin");
    const genericOptions = kindOptions(
      await htmlOf(asAdmin.cookie, `/members/${generic.member.id}/jobs`),
    );
    expect(genericOptions.find((o) => o.kind === "haproxy.reload")?.disabled).toBe(false);
    const refused = genericOptions.find((o) => o.kind === "nginx.install");
    expect(refused?.disabled).toBe(true);
    expect(refused?.reason).toContain("generic pool");
    // Every kind of the API's gating is on the form, with the same answer.
    const api = await admin<{ kinds: { kind: string; allowed: boolean }[] }>(
      `/members/${generic.member.id}/job-kinds`,
    );
    expect(genericOptions.map((o) => ({ kind: o.kind, allowed: !o.disabled }))).toEqual(
      api.body.kinds.map(({ kind, allowed }) => ({ kind, allowed })),
    );
  });

  it("shows an operator the admin kinds disabled with the reason, and refuses the operator's post", async () => {
    const { cookie, csrf } = await signIn("operator");
    const { member } = await haproxyMember("haproxy");
    const options = kindOptions(await htmlOf(cookie, `/members/${member.id}/jobs`));
    for (const kind of [
      "haproxy.config.apply",
      "haproxy.restore",
      "haproxy.install",
      "agent.update",
    ]) {
      const option = options.find((o) => o.kind === kind);
      expect(option?.disabled).toBe(true);
      expect(option?.reason).toContain("Needs the admin role (you have operator)");
    }
    expect(options.find((o) => o.kind === "haproxy.backup")?.disabled).toBe(false);
    const refused = await htmlOf(
      cookie,
      await queueThroughForm(cookie, csrf, member.id, {
        kind: "haproxy.config.apply",
        config: "global\n",
      }),
    );
    expect(textOf(refused, "flash")).toContain(
      "Queuing haproxy.config.apply needs the admin role; your account has operator",
    );
    expect(await jobsOf(member.id)).toEqual([]);
  });

  it("links to the tab from the member's card on the pool overview", async () => {
    const { cookie } = await signIn("viewer");
    const { pool, member } = await haproxyMember();
    const overview = await htmlOf(cookie, `/pools/${pool.id}`);
    expect(byTestId(overview, "member-jobs-link").map((link) => link.href)).toEqual([
      `/members/${member.id}/jobs`,
    ]);
  });

  it("queues a reload as the admin API does and redirects to the job's detail", async () => {
    const { cookie, csrf, userId } = await signIn("operator");
    const { member } = await haproxyMember();
    const location = await queueThroughForm(cookie, csrf, member.id, { kind: "haproxy.reload" });
    const jobId = jobIdOf(location, member.id);
    const jobs = await jobsOf(member.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      id: jobId,
      kind: "haproxy.reload",
      payload: {},
      status: "queued",
      createdBy: `user:${userId}`,
    });

    const detail = await htmlOf(cookie, location);
    expect(textOf(detail, "flash")).toBe("Queued haproxy.reload");
    expect(byTestId(detail, "job-detail")[0]?.["data-status"]).toBe("queued");
    expect(byTestId(detail, "job-cancel")).toHaveLength(1);
    const list = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(list, "job-row")).toEqual([
      expect.objectContaining({ "data-job-id": jobId, "data-status": "queued" }),
    ]);
  });

  it("sends a payload from the form's fields, and lists jobs newest first", async () => {
    const { cookie, csrf } = await signIn("admin");
    const { member } = await haproxyMember();
    const first = jobIdOf(
      await queueThroughForm(cookie, csrf, member.id, {
        kind: "haproxy.drain",
        backend: "web",
        server: "",
        // Fields of other kinds are not part of this kind's payload.
        config: "global\n",
      }),
      member.id,
    );
    const second = jobIdOf(
      await queueThroughForm(cookie, csrf, member.id, {
        kind: "haproxy.ready",
        backend: "web",
        server: "web-2",
      }),
      member.id,
    );
    const byId = new Map((await jobsOf(member.id)).map((job) => [job.id, job]));
    expect(byId.get(first)?.payload).toEqual({ backend: "web" });
    expect(byId.get(second)?.payload).toEqual({ backend: "web", server: "web-2" });
    const list = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(list, "job-row").map((row) => row["data-job-id"])).toEqual([second, first]);
  });

  it("holds an apply for the active behind a canary linked in the list, unless the box to skip it is ticked", async () => {
    const { cookie, csrf } = await signIn("admin");
    const { pool, member } = await haproxyMember(); // the pool's first ready member: active
    const standby = await enroll(pool.id);
    await heartbeat(standby, {
      publicIp: "198.51.100.22",
      services: { haproxy: { installed: true, activeState: "active" } },
    });
    const form = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(form, "job-force")).toHaveLength(1);
    const config = "global\n  maxconn 50\n";
    const held = jobIdOf(
      await queueThroughForm(cookie, csrf, member.id, { kind: "haproxy.config.apply", config }),
      member.id,
    );
    const [canary] = await jobsOf(standby.member.id);
    const list = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(list, "job-row")[0]).toMatchObject({
      "data-job-id": held,
      "data-status": "held",
    });
    expect(list).toContain(`waiting for canary <a href="/jobs/${canary?.id}">${canary?.id}</a>`);
    const linked = await fetchAs(cookie, `/jobs/${canary?.id}`);
    expect(linked.headers.get("Location")).toBe(`/members/${standby.member.id}/jobs/${canary?.id}`);

    const forced = jobIdOf(
      await queueThroughForm(cookie, csrf, member.id, {
        kind: "haproxy.config.apply",
        config: "global\n  maxconn 60\n",
        force: "on",
      }),
      member.id,
    );
    const byId = new Map((await jobsOf(member.id)).map((job) => [job.id, job]));
    expect(byId.get(forced)).toMatchObject({
      status: "queued",
      canaryNote: expect.stringMatching(/skipped \(force\)/),
    });
  });

  it("refuses a drain without a backend, naming the field, and queues nothing", async () => {
    const { cookie, csrf } = await signIn("operator");
    const { member } = await haproxyMember();
    const location = await queueThroughForm(cookie, csrf, member.id, {
      kind: "haproxy.drain",
      backend: "",
    });
    expect(location).toMatch(new RegExp(`^/members/${member.id}/jobs\\?`));
    const page = await htmlOf(cookie, location);
    const flash = textOf(page, "flash");
    expect(flash).toContain("backend");
    expect(flash).toContain("must be an HAProxy backend name");
    expect(byTestId(page, "flash")[0]?.class).toContain("flash-error");
    expect(await jobsOf(member.id)).toEqual([]);

    // A kind the member may not run is refused by the coordinator's gating, with its reason.
    const refused = await htmlOf(
      cookie,
      await queueThroughForm(cookie, csrf, member.id, { kind: "nginx.reload" }),
    );
    expect(textOf(refused, "flash")).toContain("haproxy pool");
    expect(await jobsOf(member.id)).toEqual([]);
  });

  it("shows a viewer the form disabled with the reason, and refuses the viewer's post", async () => {
    const { cookie, csrf } = await signIn("viewer");
    const { member } = await haproxyMember();
    const html = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(textOf(html, "job-form-disabled")).toContain("Needs the operator role");
    const form = html.slice(html.indexOf('data-testid="job-form"'));
    expect(form).toMatch(/<fieldset[^>]*\bdisabled\b/);
    const response = await postForm(cookie, `/ui/members/${member.id}/jobs`, {
      _csrf: csrf,
      kind: "haproxy.reload",
    });
    expect(response.status).toBe(403);
    expect(await jobsOf(member.id)).toEqual([]);
  });

  it("shows the output tail once the agent reports, and stops the live refresh", async () => {
    const { cookie, csrf } = await signIn("operator");
    const { edge, member } = await haproxyMember();
    const location = await queueThroughForm(cookie, csrf, member.id, { kind: "haproxy.reload" });
    const jobId = jobIdOf(location, member.id);
    const fragmentPath = `/ui/members/${member.id}/jobs/${jobId}/fragment`;

    const detail = await htmlOf(cookie, location);
    expect(detail).toContain(`data-live-src="${fragmentPath}"`);
    const before = await fetchAs(cookie, fragmentPath);
    expect(before.headers.get("X-Baton-Fragment")).toBe("1");
    const beforeHtml = await before.text();
    expect(byTestId(beforeHtml, "job-detail")[0]).not.toHaveProperty("data-live-done");
    expect(textOf(beforeHtml, "job-output")).toBe("");

    await report(edge, jobId, "Reloading HAProxy: haproxy.\nconfiguration valid <ok>\n");
    const after = await fetchAs(cookie, fragmentPath);
    expect(after.status).toBe(200);
    expect(after.headers.get("X-Baton-Fragment")).toBe("1");
    const html = await after.text();
    const [section] = byTestId(html, "job-detail");
    expect(section?.["data-status"]).toBe("succeeded");
    expect(section?.["data-live-done"]).toContain("Succeeded");
    expect(textOf(html, "job-exit-code")).toBe("0");
    expect(html).toMatch(
      /<pre[^>]*data-testid="job-output"[^>]*>Reloading HAProxy: haproxy.\nconfiguration valid &lt;ok&gt;\n<\/pre>/,
    );
    expect(byTestId(html, "job-cancel")).toHaveLength(0);
    // The full page shows the same, and the list the new status.
    expect(byTestId(await htmlOf(cookie, location), "job-detail")[0]?.["data-status"]).toBe(
      "succeeded",
    );
    const list = await htmlOf(cookie, `/members/${member.id}/jobs`);
    expect(byTestId(list, "job-row")[0]?.["data-status"]).toBe("succeeded");
  });

  it("answers 404 for a job of another member", async () => {
    const { cookie, csrf } = await signIn("operator");
    const one = await haproxyMember();
    const other = await haproxyMember();
    const jobId = jobIdOf(
      await queueThroughForm(cookie, csrf, one.member.id, { kind: "haproxy.reload" }),
      one.member.id,
    );
    expect((await fetchAs(cookie, `/members/${other.member.id}/jobs/${jobId}`)).status).toBe(404);
    expect(
      (await fetchAs(cookie, `/ui/members/${other.member.id}/jobs/${jobId}/fragment`)).status,
    ).toBe(404);
  });

  it("cancels an unfinished job for an operator, not for a viewer", async () => {
    const operator = await signIn("operator");
    const viewer = await signIn("viewer");
    const { member } = await haproxyMember();
    const location = await queueThroughForm(operator.cookie, operator.csrf, member.id, {
      kind: "haproxy.backup",
    });
    const jobId = jobIdOf(location, member.id);
    const cancelPath = `/ui/members/${member.id}/jobs/${jobId}/cancel`;

    const refused = await postForm(viewer.cookie, cancelPath, { _csrf: viewer.csrf });
    expect(refused.status).toBe(403);
    expect((await jobsOf(member.id))[0]?.status).toBe("queued");

    const response = await postForm(operator.cookie, cancelPath, { _csrf: operator.csrf });
    expect(response.status).toBe(303);
    const back = response.headers.get("Location") ?? "";
    expect(back).toMatch(new RegExp(`^/members/${member.id}/jobs/${jobId}\\?`));
    expect((await jobsOf(member.id))[0]).toMatchObject({ id: jobId, status: "cancelled" });
    const detail = await htmlOf(operator.cookie, back);
    expect(textOf(detail, "flash")).toBe("Cancelled haproxy.backup");
    expect(byTestId(detail, "job-detail")[0]?.["data-status"]).toBe("cancelled");
    expect(byTestId(detail, "job-cancel")).toHaveLength(0);

    // A second cancel is refused with the reason, as a flash.
    const again = await postForm(operator.cookie, cancelPath, { _csrf: operator.csrf });
    const page = await htmlOf(operator.cookie, again.headers.get("Location") ?? "");
    expect(textOf(page, "flash")).toContain("only unfinished jobs can be cancelled");
  });
});
