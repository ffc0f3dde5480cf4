import type { DashboardSession } from "../../types";
import type { PoolView } from "../live/pool-view";
import { ActionForm, NEEDS_OPERATOR } from "./action-form";
import { DnsWriteFact } from "./dns-write";
import { FlowDiagram } from "./flow-diagram";
import { dnsLabel } from "./labels";
import { MemberCard } from "./member-card";

interface PoolLiveProps {
  view: PoolView;
  session: DashboardSession;
}

export function canOperate(session: DashboardSession): boolean {
  return session.role === "operator" || session.role === "admin";
}

export function canAdmin(session: DashboardSession): boolean {
  return session.role === "admin";
}

function AddMemberLink({ poolId, testId }: { poolId: string; testId: string }) {
  return (
    <a class="button-link" href={`/pools/${poolId}/members/new`} data-testid={testId}>
      Add member
    </a>
  );
}

function SetupBanner({ view, session }: { view: PoolView; session: DashboardSession }) {
  if (view.setup.length === 0) return null;
  return (
    <section class="banner" data-testid="setup-banner" aria-labelledby="setup-title">
      <h2 id="setup-title">Setup is not finished</h2>
      <ul>
        {view.setup.map((item) => (
          <li data-setup-item={item.key}>
            {item.message}
            {item.key === "members" && canAdmin(session) && (
              <>
                {" "}
                <AddMemberLink poolId={view.id} testId="setup-add-member" />
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The live part of a pool's overview: what GET /ui/pools/:poolId/fragment returns and
 * dashboard/app.js swaps in place every 1.5 s.
 */
export function PoolLive({ view, session }: PoolLiveProps) {
  const operatorOnly = canOperate(session) ? null : NEEDS_OPERATOR;
  const dnsClass = view.dns.state === "in_sync" ? "ok" : "warn";
  return (
    <div data-server-now={view.generatedAt} data-active-member-id={view.active?.id ?? ""}>
      <SetupBanner view={view} session={session} />
      <ul class="facts" aria-label="Pool state">
        <li class={view.autoFailover ? "ok" : "warn"} data-testid="auto-failover">
          Automatic failover: <strong>{view.autoFailover ? "on" : "paused"}</strong>
        </li>
        <li class={dnsClass} data-testid="dns-state" data-dns-state={view.dns.state}>
          {dnsLabel(view.dns)}
        </li>
        <DnsWriteFact dns={view.dns} />
        <li>
          Members up: {view.membersUp}/{view.members.length}
        </li>
      </ul>
      <div class="actions pool-actions">
        <ActionForm
          action={`/ui/pools/${view.id}/next`}
          confirm="Cut traffic to the next ready standby?"
          csrf={session.csrf}
          id="cut-next"
          testId="action-cut-next"
          label="Cut to next standby"
          disabledReason={
            operatorOnly ??
            (view.standbys.some((member) => member.ready) ? null : "No standby is ready")
          }
        />
        <ActionForm
          action={`/ui/pools/${view.id}/${view.autoFailover ? "pause" : "resume"}`}
          confirm={
            view.autoFailover
              ? "Pause automatic failover? Traffic stays where it is until you resume it."
              : "Resume automatic failover?"
          }
          csrf={session.csrf}
          id="toggle-auto"
          testId={view.autoFailover ? "action-pause" : "action-resume"}
          label={view.autoFailover ? "Pause automatic failover" : "Resume automatic failover"}
          disabledReason={operatorOnly}
        />
        {canAdmin(session) && <AddMemberLink poolId={view.id} testId="add-member-link" />}
      </div>
      <FlowDiagram view={view} />
      <section class="cards" aria-label="Members">
        {view.members.map((member) => (
          <MemberCard
            member={member}
            session={session}
            canOperate={operatorOnly === null}
            now={view.generatedAt}
          />
        ))}
      </section>
    </div>
  );
}
