import { MemberBox, memberBoxHeight } from "./flow-member";
import { ArrowMarker, LANE_WIDTH } from "./flow-parts";
import { FLOW_PATH_LABEL, type FlowPath } from "./flow-path";
import {
  Backends,
  backendsHeight,
  FRONTEND,
  Frontends,
  frontendsHeight,
  NGINX_HEIGHT,
  NginxCounters,
} from "./flow-stats";
import { frontendLoadLabel, loadLabel } from "./flow-words";
import type { MemberView, ServedView } from "./pool-view";

// One member's lane of the flow diagram: the arrow clients would take into it (live, pending,
// dead or idle, in words), the member, and behind it its own frontends and backends with each
// server's state and load, from its own latest report.

const ENTRY_HEIGHT = 30;
const EDGE: Record<FlowPath, string> = {
  live: "edge-live",
  pending: "edge-pending",
  dead: "edge-dead",
  standby: "edge-idle",
};

/** What a screen reader hears for the lane (the drawing's text is not read out). */
function laneSummary(member: MemberView, path: FlowPath): string {
  const flow = member.flow;
  const parts = [`${member.name}, ${member.role}: ${FLOW_PATH_LABEL[path]}`];
  if (flow?.configDiffers) parts.push(flow.configDiffers);
  for (const frontend of flow?.frontends ?? [])
    parts.push(`frontend ${frontend.name} ${frontend.status}, ${frontendLoadLabel(frontend)}`);
  for (const backend of flow?.backends ?? []) {
    const servers = backend.servers.map((server) => `${server.name} ${server.status}`).join(", ");
    parts.push(
      `backend ${backend.name}: ${backend.serversUp} of ${backend.serversTotal} servers up${servers ? ` (${servers})` : ""}`,
    );
  }
  if (flow?.source === "nginx" && flow.nginx)
    parts.push(`nginx: ${flow.nginx.activeConnections} connections, no per-server state`);
  return parts.join("; ");
}

/** The arrow into the member, its words, and on the live one what clients bring in. */
function Entry(props: { member: MemberView; path: FlowPath; served: ServedView | null }) {
  const { member, path } = props;
  const frontends = member.flow?.frontends ?? [];
  const load = frontends.length > 0 && {
    rate: frontends.reduce((sum, frontend) => sum + frontend.rate, 0),
    reqRate: frontends.every((frontend) => frontend.reqRate !== null)
      ? frontends.reduce((sum, frontend) => sum + (frontend.reqRate ?? 0), 0)
      : null,
    scur: frontends.reduce((sum, frontend) => sum + frontend.scur, 0),
  };
  const entry = (
    <g data-testid="flow-lane-entry" data-path={path}>
      <line
        x1={20}
        y1={0}
        x2={20}
        y2={ENTRY_HEIGHT - 2}
        class={`edge ${EDGE[path]}`}
        data-testid={member.role === "active" ? "flow-edge-active" : undefined}
        marker-end={`url(#arrow-${member.id})`}
      />
      <text x={32} y={18} class="small">
        {FLOW_PATH_LABEL[path]}
      </text>
      {path === "live" && load && (
        <text
          x={LANE_WIDTH - 4}
          y={18}
          class="small"
          text-anchor="end"
          data-testid="flow-clients-load"
        >
          {frontendLoadLabel(load)}
        </text>
      )}
    </g>
  );
  if (props.served?.memberId !== member.id) return entry;
  const title = `Clients go to ${member.name}: the provider serves ${props.served.addresses.join(", ")}`;
  return (
    <g data-testid="flow-client-path" data-member-id={member.id}>
      <title>{title}</title>
      {entry}
    </g>
  );
}

export function MemberLane(props: {
  member: MemberView;
  path: FlowPath;
  served: ServedView | null;
}) {
  const { member, path } = props;
  const flow = member.flow;
  const lastKnown = member.liveness !== "online";
  const edge = `edge ${EDGE[path]}`;
  const memberBottom = ENTRY_HEIGHT + memberBoxHeight(member);
  const frontends = flow?.frontends ?? [];
  const backends = flow?.backends ?? [];
  const frontendTop = memberBottom + 10;
  const frontendEnd = frontends.length
    ? frontendTop + frontendsHeight(frontends.length)
    : memberBottom;
  const backendTop = frontendEnd + 28;
  let bottom = frontendEnd;
  if (backends.length) bottom = backendTop + backendsHeight(backends);
  if (flow?.source === "nginx") bottom = memberBottom + 10 + NGINX_HEIGHT + 4;
  if (!flow || flow.source === "none") bottom = memberBottom + 24;
  const sessions = backends.reduce((sum, backend) => sum + backend.currentSessions, 0);
  const rated = backends.filter((backend) => backend.rate !== null);
  const rate = rated.length ? rated.reduce((sum, backend) => sum + (backend.rate ?? 0), 0) : null;
  return (
    <div
      class="flow-lane"
      data-testid="flow-lane"
      data-member-id={member.id}
      data-role={member.role}
      data-path={path}
    >
      <svg
        viewBox={`-3 -1 ${LANE_WIDTH + 6} ${bottom + 6}`}
        role="img"
        aria-label={laneSummary(member, path)}
      >
        <ArrowMarker id={`arrow-${member.id}`} />
        <Entry member={member} path={path} served={props.served} />
        <a href={`/members/${member.id}/status`}>
          <MemberBox member={member} top={ENTRY_HEIGHT} />
        </a>
        {frontends.length > 0 && (
          <>
            <line
              x1={7}
              y1={memberBottom}
              x2={7}
              y2={frontendEnd - FRONTEND.gap - FRONTEND.h / 2}
              class={edge}
            />
            <Frontends frontends={frontends} top={frontendTop} lastKnown={lastKnown} />
          </>
        )}
        {backends.length > 0 && (
          <>
            <line
              x1={LANE_WIDTH / 2}
              y1={frontendEnd}
              x2={LANE_WIDTH / 2}
              y2={backendTop - 2}
              class={edge}
              marker-end={`url(#arrow-${member.id})`}
            />
            <text
              x={LANE_WIDTH / 2 + 10}
              y={(frontendEnd + backendTop) / 2 + 4}
              class="small"
              data-testid="flow-sessions"
            >
              {loadLabel(rate, sessions)}
            </text>
            <Backends
              backends={backends}
              memberId={member.id}
              top={backendTop}
              live={path === "live"}
              lastKnown={lastKnown}
            />
          </>
        )}
        {flow?.source === "nginx" && flow.nginx && (
          <NginxCounters nginx={flow.nginx} top={memberBottom + 10} lastKnown={lastKnown} />
        )}
        {(!flow || flow.source === "none") && (
          <text x={10} y={memberBottom + 18} class="small" data-testid="flow-no-stats">
            {member.liveness === "never_seen"
              ? "nothing reported yet"
              : "no balancer stats reported yet"}
          </text>
        )}
      </svg>
    </div>
  );
}

/** The lane where no member is active: nothing behind it. */
export function NoActiveLane() {
  return (
    <div class="flow-lane" data-testid="flow-lane" data-role="none" data-path="dead">
      <svg
        viewBox={`-3 -1 ${LANE_WIDTH + 6} ${ENTRY_HEIGHT + 62}`}
        role="img"
        aria-label="No active member: waiting for a ready member"
      >
        <line x1={20} y1={0} x2={20} y2={ENTRY_HEIGHT - 2} class="edge edge-dead" />
        <text x={32} y={18} class="small">
          no member takes clients
        </text>
        <MemberBox member={null} top={ENTRY_HEIGHT} />
      </svg>
    </div>
  );
}
