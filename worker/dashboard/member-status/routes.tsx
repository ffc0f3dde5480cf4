import { type Context, Hono } from "hono";
import { coordinatorFor } from "../../coordinator/client";
import { unwrap } from "../../coordinator/outcome";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { Layout } from "../common/layout";
import { flashOf, fragment, page } from "../common/render";
import { MemberHeading } from "../common/tabs";
import { memberView } from "../overview/pool-view";
import { HaproxyStat } from "./haproxy-stat";
import { statTableView } from "./haproxy-table";
import { MemberFacts } from "./member-facts";

/**
 * The member, its live state and its HAProxy table. Asking the coordinator for the table also
 * keeps the agent sending fresh ones while the tab is open (nginx pools have none to ask for).
 */
async function loadMemberStatus(c: Context<AppEnv>) {
  const db = c.get("db");
  const member = await getMember(db, c.req.param("memberId") ?? "");
  const pool = await getPool(db, member.poolId);
  const coordinator = coordinatorFor(c.env, pool.id);
  const [snapshot, table] = await Promise.all([
    coordinator.snapshot(pool.id),
    pool.profile === "nginx" ? null : coordinator.haproxyStat(pool.id, member.id),
  ]);
  const live = snapshot.find((each) => each.memberId === member.id);
  const now = Date.now();
  const view = memberView(pool, member, live, now);
  const stat = statTableView(pool.profile, view.liveness, table && unwrap(table), now);
  return { member, pool, view, haproxy: live?.haproxy ?? null, stat, now };
}

function StatusLive({ status }: { status: Awaited<ReturnType<typeof loadMemberStatus>> }) {
  return (
    <div data-server-now={status.now}>
      <MemberFacts member={status.view} haproxy={status.haproxy} now={status.now} />
      <h2>HAProxy status</h2>
      <HaproxyStat view={status.stat} />
    </div>
  );
}

/** The member workspace's Status tab (its default): heartbeat facts and HAProxy's `show stat`. */
export const memberStatusPages = new Hono<AppEnv>()
  .get("/members/:memberId", async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    return c.redirect(`/members/${member.id}/status`, 302);
  })
  .get("/members/:memberId/status", async (c) => {
    const status = await loadMemberStatus(c);
    return page(
      c,
      <Layout
        title={`${status.member.name} · Status`}
        session={c.get("session")}
        flash={flashOf(c)}
      >
        <MemberHeading member={status.member} pool={status.pool} active="status" />
        <div
          id="member-status-live"
          data-live-src={`/ui/members/${status.member.id}/status/fragment`}
          data-testid="member-status-live"
          aria-live="off"
        >
          <StatusLive status={status} />
        </div>
        <p class="live-status muted" data-live-status aria-live="polite" />
      </Layout>,
    );
  })
  .get("/ui/members/:memberId/status/fragment", async (c) => {
    return fragment(c, <StatusLive status={await loadMemberStatus(c)} />);
  });
