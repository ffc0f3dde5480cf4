import { clip, dnsLabel, LIVENESS_LABEL, livenessLabel, readinessLabel } from "../common/labels";
import type { BackendView, MemberView, PoolView } from "./pool-view";

// A 360-unit-wide drawing: it scales down to a phone's width and up to a laptop's.
const WIDTH = 360;
const ACTIVE = { x: 10, y: 140, w: 200, h: 64 };
const STANDBY = { x: 226, w: 124, h: 58, gap: 8 };
const BACKEND_TOP = ACTIVE.y + ACTIVE.h + 28;
const LINE = 15;
const MAX_SERVERS = 6;

function Box(props: { x: number; y: number; w: number; h: number }) {
  return <rect x={props.x} y={props.y} width={props.w} height={props.h} rx="6" />;
}

function ActiveMember({ member }: { member: MemberView | null }) {
  if (!member) {
    return (
      <g class="node tone-offline" data-testid="flow-no-active">
        <Box {...ACTIVE} />
        <text x={ACTIVE.x + 10} y={ACTIVE.y + 26} class="strong">
          No active member
        </text>
        <text x={ACTIVE.x + 10} y={ACTIVE.y + 44}>
          Waiting for a ready member
        </text>
      </g>
    );
  }
  const services = member.services.map((service) => `${service.name} ${service.state}`).join(", ");
  return (
    <g
      class={`node tone-${member.tone}`}
      data-testid="flow-active"
      data-member-id={member.id}
      data-online={String(member.liveness === "online")}
    >
      <title>{`${member.name} (active): ${livenessLabel(member)}${member.serving ? "" : ` (${member.notReadyReasons.join(", ")})`}`}</title>
      <Box {...ACTIVE} />
      <text x={ACTIVE.x + 10} y={ACTIVE.y + 18} class="strong">
        {clip(member.name, 24)}
      </text>
      <text x={ACTIVE.x + 10} y={ACTIVE.y + 34}>
        {`ACTIVE · ${livenessLabel(member)}`}
      </text>
      <text x={ACTIVE.x + 10} y={ACTIVE.y + 50}>
        {clip([member.publicIp ?? "no IP", services].filter(Boolean).join(" · "), 32)}
      </text>
    </g>
  );
}

function Standby({ member, index }: { member: MemberView; index: number }) {
  const y = ACTIVE.y + index * (STANDBY.h + STANDBY.gap);
  const state =
    member.liveness === "online" ? readinessLabel(member) : LIVENESS_LABEL[member.liveness];
  return (
    <g
      class={`node tone-${member.tone}`}
      data-testid="flow-standby"
      data-member-id={member.id}
      data-ready={String(member.ready)}
    >
      <title>{`${member.name} (standby): ${readinessLabel(member)}`}</title>
      <Box x={STANDBY.x} y={y} w={STANDBY.w} h={STANDBY.h} />
      <text x={STANDBY.x + 8} y={y + 17} class="strong">
        {clip(member.name, 17)}
      </text>
      <text x={STANDBY.x + 8} y={y + 33}>
        {clip(member.ready ? "STANDBY · ready" : "STANDBY · not ready", 20)}
      </text>
      <text x={STANDBY.x + 8} y={y + 49} class="small">
        {clip(member.ready ? (member.publicIp ?? "") : state.replace(/^Not ready: /, ""), 22)}
      </text>
    </g>
  );
}

function backendHeight(backend: BackendView): number {
  return 24 + Math.min(backend.servers.length, MAX_SERVERS) * LINE + 6;
}

/** all up, some down, or none up (a backend without servers goes by its own status). */
export function backendTone(backend: BackendView): "up" | "some-down" | "down" {
  if (backend.serversTotal === 0) return backend.status.startsWith("UP") ? "up" : "down";
  if (backend.serversUp === 0) return "down";
  return backend.serversUp < backend.serversTotal ? "some-down" : "up";
}

/** ▲ up, ▼ down, ◐ draining, ■ in maintenance: HAProxy's own states, marked apart. */
function serverMark(status: string, up: boolean): string {
  if (status.startsWith("DRAIN")) return "◐";
  if (status.startsWith("MAINT")) return "■";
  return up ? "▲" : "▼";
}

/**
 * The active's backends, each box linking to that backend in the member's Status tab.
 * `lastKnown`: the active is not reporting, so these are its last report, not its state now.
 */
function Backends({
  backends,
  memberId,
  lastKnown,
}: {
  backends: BackendView[];
  memberId: string;
  lastKnown: boolean;
}) {
  let y = BACKEND_TOP;
  return (
    <g data-testid="flow-backends">
      {backends.map((backend) => {
        const top = y;
        const height = backendHeight(backend);
        y += height + 8;
        const tone = lastKnown ? "stale" : backendTone(backend);
        return (
          <a href={`/members/${memberId}/status#backend-${backend.name}`}>
            <g
              class={`node backend tone-${tone}`}
              data-testid="flow-backend"
              data-tone={tone}
              data-last-known={String(lastKnown)}
            >
              <title>{`${backend.name}: ${backend.serversUp} of ${backend.serversTotal} servers up, ${backend.currentSessions} sessions`}</title>
              <Box x={ACTIVE.x} y={top} w={ACTIVE.w} h={height} />
              <text x={ACTIVE.x + 10} y={top + 17} class="strong">
                {clip(
                  `${lastKnown ? "last known: " : ""}${backend.name} · ${backend.serversUp}/${backend.serversTotal} up · ${backend.currentSessions} sess`,
                  38,
                )}
              </text>
              {backend.servers.slice(0, MAX_SERVERS).map((server, index) => (
                <text
                  x={ACTIVE.x + 16}
                  y={top + 17 + (index + 1) * LINE}
                  class={`small ${server.up ? "up" : "down"}`}
                >
                  {clip(
                    `${serverMark(server.status, server.up)} ${server.name} ${server.addr ?? ""} ${server.status}`,
                    36,
                  )}
                </text>
              ))}
            </g>
          </a>
        );
      })}
    </g>
  );
}

/**
 * Clients → the failover hostname and its DNS provider → the active member → its HAProxy backends,
 * with standbys beside the active. Colours follow live state; every state is also written out.
 */
export function FlowDiagram({ view }: { view: PoolView }) {
  const standbysBottom = ACTIVE.y + view.standbys.length * (STANDBY.h + STANDBY.gap);
  const backendsBottom =
    BACKEND_TOP + view.backends.reduce((sum, backend) => sum + backendHeight(backend) + 8, 0);
  const height = Math.max(ACTIVE.y + ACTIVE.h + 12, standbysBottom + 4, backendsBottom + 4);
  const activeName = view.active?.name ?? "no active member";
  const dnsTone =
    view.dns.state === "in_sync" ? "ready" : view.dns.state === "pending" ? "not-ready" : "offline";
  return (
    <svg
      class="flow"
      data-testid="flow-diagram"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Traffic flow: clients to ${view.hostname} (${dnsLabel(view.dns)}) to ${activeName}`}
    >
      <defs>
        <marker
          id="arrow"
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="6"
          markerHeight="6"
          orient="auto"
        >
          <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
        </marker>
      </defs>
      <g class="node tone-neutral">
        <Box x={130} y={8} w={100} h={30} />
        <text x={180} y={28} text-anchor="middle" class="strong">
          Clients
        </text>
      </g>
      <line x1="180" y1="38" x2="180" y2="62" class="edge" marker-end="url(#arrow)" />
      <g class={`node tone-${dnsTone}`} data-testid="flow-dns" data-dns-state={view.dns.state}>
        <Box x={30} y={64} w={300} h={46} />
        <text x={180} y={83} text-anchor="middle" class="strong">
          {clip(view.hostname, 40)}
        </text>
        <text x={180} y={100} text-anchor="middle">
          {clip(dnsLabel(view.dns), 46)}
        </text>
      </g>
      <line
        x1={ACTIVE.x + ACTIVE.w / 2}
        y1="110"
        x2={ACTIVE.x + ACTIVE.w / 2}
        y2={ACTIVE.y - 2}
        class={`edge ${view.active?.serving ? "edge-live" : "edge-dead"}`}
        data-testid="flow-edge-active"
        marker-end="url(#arrow)"
      />
      {view.standbys.length > 0 && (
        <line
          x1={STANDBY.x + STANDBY.w / 2}
          y1="110"
          x2={STANDBY.x + STANDBY.w / 2}
          y2={ACTIVE.y - 2}
          class="edge edge-idle"
        />
      )}
      {view.active ? (
        <a href={`/members/${view.active.id}/status`}>
          <ActiveMember member={view.active} />
        </a>
      ) : (
        <ActiveMember member={null} />
      )}
      {view.standbys.map((member, index) => (
        <a href={`/members/${member.id}/status`}>
          <Standby member={member} index={index} />
        </a>
      ))}
      {view.backends.length > 0 && (
        <line
          x1={ACTIVE.x + ACTIVE.w / 2}
          y1={ACTIVE.y + ACTIVE.h}
          x2={ACTIVE.x + ACTIVE.w / 2}
          y2={BACKEND_TOP - 2}
          class={`edge ${view.active?.serving ? "edge-live" : "edge-dead"}`}
          marker-end="url(#arrow)"
        />
      )}
      {view.backends.length > 0 && (
        <text
          x={ACTIVE.x + ACTIVE.w / 2 + 8}
          y={(ACTIVE.y + ACTIVE.h + BACKEND_TOP) / 2 + 4}
          class="small"
          data-testid="flow-sessions"
        >
          {`${view.backends.reduce((sum, backend) => sum + backend.currentSessions, 0)} sessions`}
        </text>
      )}
      {view.active && (
        <Backends
          backends={view.backends}
          memberId={view.active.id}
          lastKnown={view.active.liveness !== "online"}
        />
      )}
    </svg>
  );
}
