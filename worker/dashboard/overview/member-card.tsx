import type { DashboardSession } from "../../types";
import type { MemberParity } from "../balancer/parity";
import { ReapplyLiveConfig } from "../balancer/reapply";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import { formatAge, formatBytes } from "../common/format";
import { livenessLabel, readinessLabel } from "../common/labels";
import { HeartbeatBar } from "./heartbeat-bar-view";
import type { MemberView } from "./pool-view";

interface MemberCardProps {
  member: MemberView;
  session: DashboardSession;
  canOperate: boolean;
  now: number;
}

function memory(member: MemberView): string {
  if (member.memUsedBytes === null || member.memTotalBytes === null) return "not reported";
  return `${formatBytes(member.memUsedBytes)} of ${formatBytes(member.memTotalBytes)}`;
}

export function MemberCard({ member, session, canOperate, now }: MemberCardProps) {
  const age = member.lastHeartbeatAt === null ? null : now - member.lastHeartbeatAt;
  // An offline member's facts are its last report: say so beside each.
  const lastKnown = member.liveness === "offline" ? " (last known)" : "";
  const operatorOnly = canOperate ? null : NEEDS_OPERATOR;
  return (
    <article
      class={`card tone-${member.tone}`}
      data-testid="member-card"
      data-member-id={member.id}
      data-role={member.role}
      data-online={String(member.liveness === "online")}
      data-ready={String(member.ready)}
      data-late={String(member.late)}
      aria-labelledby={`member-${member.id}`}
    >
      <header>
        <h3 id={`member-${member.id}`}>
          <a
            class="card-name"
            href={`/members/${member.id}/status`}
            data-testid="member-status-link"
          >
            {member.name}
          </a>
        </h3>
        <span class="badge">{member.role === "active" ? "Active" : "Standby"}</span>
      </header>
      <p class="state">
        <strong data-testid="member-liveness">{livenessLabel(member)}</strong> ·{" "}
        {readinessLabel(member)}
        {member.draining && " · draining"}
        {member.disabled && " · disabled"}
      </p>
      <ParityBadge parity={member.parity} />
      <HeartbeatBar member={member} />
      <dl>
        <dt>Heartbeat</dt>
        <dd>
          <span data-testid="heartbeat-age" data-last-heartbeat-at={member.lastHeartbeatAt ?? ""}>
            {formatAge(age)}
          </span>
        </dd>
        {member.services.length === 0 && (
          <>
            <dt>Services</dt>
            <dd>not reported</dd>
          </>
        )}
        {member.services.map((service) => (
          <>
            <dt>{service.name === "haproxy" ? "HAProxy" : "nginx"}</dt>
            <dd data-testid={`service-${service.name}`}>
              {service.state}
              {lastKnown}
            </dd>
          </>
        ))}
        <dt>Public IP</dt>
        <dd>{member.publicIp ?? "not reported"}</dd>
        <dt>Agent</dt>
        <dd>{member.agentVersion ?? "not reported"}</dd>
        <dt>CPU</dt>
        <dd>
          {member.cpuPercent === null
            ? "not reported"
            : `${Math.round(member.cpuPercent)} %${lastKnown}`}
        </dd>
        <dt>Memory</dt>
        <dd>
          {memory(member)}
          {member.memUsedBytes === null ? "" : lastKnown}
        </dd>
        <dt>Priority</dt>
        <dd>{member.priority}</dd>
      </dl>
      <div class="actions">
        <a class="button-link" href={`/members/${member.id}/jobs`} data-testid="member-jobs-link">
          Jobs
        </a>
        {member.role === "standby" && (
          <ActionForm
            action={`/ui/members/${member.id}/make-active`}
            confirm={`Move traffic to ${member.name}? DNS will point at ${member.publicIp ?? "it"}.`}
            csrf={session.csrf}
            id={`make-active-${member.id}`}
            testId="action-make-active"
            label="Make active"
            disabledReason={operatorOnly ?? (member.ready ? null : readinessLabel(member))}
          />
        )}
        <ActionForm
          action={`/ui/members/${member.id}/${member.draining ? "undrain" : "drain"}`}
          confirm={
            member.draining
              ? `Let ${member.name} take traffic again?`
              : `Drain ${member.name}? It will not be promoted${member.role === "active" ? ", and traffic moves to the best ready standby" : ""}.`
          }
          csrf={session.csrf}
          id={`drain-${member.id}`}
          testId={member.draining ? "action-undrain" : "action-drain"}
          label={member.draining ? "Undrain" : "Drain"}
          disabledReason={operatorOnly}
          danger={!member.draining}
        />
        <ReapplyLiveConfig
          member={member}
          parity={member.parity}
          csrf={session.csrf}
          disabledReason={operatorOnly}
        />
      </div>
    </article>
  );
}

/** The member's managed balancer file: the revision it runs, or that it differs or drifted. */
function ParityBadge({ parity }: { parity: MemberParity | undefined }) {
  if (!parity || parity.kind === "unknown" || parity.kind === "unmanaged") return null;
  return (
    <p class="state">
      <span
        class={`parity parity-${parity.kind}`}
        data-testid="member-parity"
        data-parity={parity.kind}
        title={parity.problem ?? undefined}
      >
        {parity.text}
      </span>
    </p>
  );
}
