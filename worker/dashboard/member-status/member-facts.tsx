import type { HaproxySummary } from "../../../shared/heartbeat";
import { formatAge } from "../common/format";
import { livenessLabel, readinessLabel } from "../common/labels";
import type { MemberView } from "../overview/pool-view";
import { formatSeconds } from "./haproxy-table";

const TRANSPORT_LABEL = {
  ws: "WebSocket",
  http: "HTTP",
  unknown: "not reported",
} as const;

interface MemberFactsProps {
  member: MemberView;
  /** The latest heartbeat's HAProxy summary, when it had one. */
  haproxy: HaproxySummary | null;
  now: number;
}

/** What the member's heartbeats say, above its Status tab's table. */
export function MemberFacts({ member, haproxy, now }: MemberFactsProps) {
  const age = member.lastHeartbeatAt === null ? null : now - member.lastHeartbeatAt;
  return (
    <dl
      class={`member-facts tone-${member.tone}`}
      data-testid="member-facts"
      data-role={member.role}
      data-online={String(member.liveness === "online")}
    >
      <div>
        <dt>Role</dt>
        <dd data-testid="member-role">
          {member.role === "active" ? "Active" : "Standby"}
          {member.draining && " · draining"}
          {member.disabled && " · disabled"}
        </dd>
      </div>
      <div>
        <dt>State</dt>
        <dd>
          <strong>{livenessLabel(member)}</strong> · {readinessLabel(member)}
        </dd>
      </div>
      <div>
        <dt>Last heartbeat</dt>
        <dd>
          <span data-testid="heartbeat-age" data-last-heartbeat-at={member.lastHeartbeatAt ?? ""}>
            {formatAge(age)}
          </span>
        </dd>
      </div>
      {member.services.length === 0 ? (
        <div>
          <dt>Services</dt>
          <dd>not reported</dd>
        </div>
      ) : (
        member.services.map((service) => (
          <div>
            <dt>{service.name === "haproxy" ? "HAProxy" : "nginx"}</dt>
            <dd data-testid={`service-${service.name}`}>{service.state}</dd>
          </div>
        ))
      )}
      {haproxy?.version && (
        <div>
          <dt>HAProxy version</dt>
          <dd>
            {haproxy.version}
            {haproxy.uptimeS !== undefined && `, up ${formatSeconds(haproxy.uptimeS)}`}
          </dd>
        </div>
      )}
      <div>
        <dt>Agent</dt>
        <dd data-testid="member-agent-version">{member.agentVersion ?? "not reported"}</dd>
      </div>
      <div>
        <dt>Heartbeats</dt>
        <dd data-testid="member-transport">{TRANSPORT_LABEL[member.transport ?? "unknown"]}</dd>
      </div>
      <div>
        <dt>Public IP</dt>
        <dd data-testid="member-public-ip">{member.publicIp ?? "not reported"}</dd>
      </div>
      <div>
        <dt>Priority</dt>
        <dd>{member.priority}</dd>
      </div>
    </dl>
  );
}
