import { HEALTH_LABEL } from "../../failover/pool-health";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import { formatAge } from "../common/format";
import { dnsLabel } from "../common/labels";
import { DnsWriteFact } from "../dns/write";
import { FlowDiagram } from "./flow-diagram";
import { MemberCard } from "./member-card";
import type { PoolView } from "./pool-view";

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
            {item.key === "dns" && (
              <>
                {" "}
                <a href={`/pools/${view.id}/dns`} data-testid="setup-dns-link">
                  Connect DNS
                </a>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** "Cut traffic from edge-a to edge-b? DNS will point at 203.0.113.2." */
function cutNextQuestion(view: PoolView): string {
  const next = view.standbys.find((member) => member.ready);
  if (!next) return "Cut traffic to the next ready standby?";
  const from = view.active ? ` from ${view.active.name}` : "";
  return `Cut traffic${from} to ${next.name}? DNS will point at ${next.publicIp ?? "its address"}.`;
}

/** The pool's one health word, every finding behind it and what fixes each. */
function HealthBanner({ view }: { view: PoolView }) {
  const { health } = view;
  return (
    <section
      class={`health health-${health.state}`}
      data-testid="pool-health"
      data-health={health.state}
      data-health-label={HEALTH_LABEL[health.state]}
      role={health.state === "at_risk" ? "alert" : undefined}
      aria-labelledby="health-title"
    >
      <h2 id="health-title">{HEALTH_LABEL[health.state]}</h2>
      {health.findings.length === 0 ? (
        <p>The active serves, a standby is ready to take over, and DNS is in sync.</p>
      ) : (
        <ul>
          {health.findings.map((finding) => (
            <li data-level={finding.level}>
              {finding.text} <span class="fix">{finding.fix}</span>
            </li>
          ))}
        </ul>
      )}
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
      <HealthBanner view={view} />
      <SetupBanner view={view} session={session} />
      <ul class="facts" aria-label="Pool state">
        <li class={view.autoFailover ? "ok" : "warn"} data-testid="auto-failover">
          Automatic failover: <strong>{view.autoFailover ? "on" : "paused"}</strong>
        </li>
        <li class={dnsClass} data-testid="dns-state" data-dns-state={view.dns.state}>
          {dnsLabel(view.dns)}
        </li>
        <DnsWriteFact dns={view.dns} />
        {view.lastFailover && (
          <li data-testid="last-failover">
            Last failover: {view.lastFailover.text},{" "}
            <time datetime={new Date(view.lastFailover.at).toISOString()}>
              {formatAge(view.generatedAt - view.lastFailover.at)}
            </time>
          </li>
        )}
        <li
          class={view.membersServing < view.members.length ? "warn" : "ok"}
          data-testid="members-serving"
        >
          Members serving: {view.membersServing}/{view.members.length}
        </li>
      </ul>
      <div class="actions pool-actions">
        <ActionForm
          action={`/ui/pools/${view.id}/next`}
          confirm={cutNextQuestion(view)}
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
