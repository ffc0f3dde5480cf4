import type { Child } from "hono/jsx";
import { clip, dnsLabel } from "../common/labels";
import {
  ACTIVE,
  ActiveMember,
  Backends,
  Box,
  backendHeight,
  FRONTEND,
  Frontends,
  frontendLoadLabel,
  frontendsBottom,
  loadLabel,
  STANDBY,
  Standby,
  standbyTop,
} from "./flow-parts";
import type { PoolView, ServedView } from "./pool-view";

// A 360-unit-wide drawing: it scales down to a phone's width and up to a laptop's.
const WIDTH = 360;
const DNS = { x: 30, y: 64, w: 300, h: 58 };
const DNS_BOTTOM = DNS.y + DNS.h;

/** "serves 198.51.100.7 (edge-a)": where the provider sends clients, as last confirmed. */
function servedLine(served: ServedView | null, connected: boolean): string {
  if (!connected) return "clients go wherever the record points";
  if (!served) return "what it serves: not confirmed yet";
  const owner = served.memberName ?? "no member's address";
  return `serves ${served.addresses.join(", ")} (${owner})`;
}

/**
 * The arrow clients follow, from DNS to the member whose address the provider serves. To the
 * active it is the active's own arrow; to a standby (DNS has not confirmed a switch yet, or the
 * record was changed by hand) it runs to that standby, round the right of the drawing past the
 * boxes above it.
 */
function ClientPath(props: { view: PoolView; activeEdge: Child }) {
  const { view } = props;
  const served = view.served;
  if (!served || served.memberId === view.active?.id) {
    return served ? (
      <g data-testid="flow-client-path" data-member-id={served.memberId ?? ""}>
        {props.activeEdge}
      </g>
    ) : (
      <g>{props.activeEdge}</g>
    );
  }
  const index = view.standbys.findIndex((member) => member.id === served.memberId);
  const title = (
    <title>{`Clients still go to ${served.memberName ?? served.addresses.join(", ")}: the provider serves ${served.addresses.join(", ")}`}</title>
  );
  let path: string | null = null;
  if (index === 0) path = `M${STANDBY.x + STANDBY.w / 2} ${DNS_BOTTOM} V${ACTIVE.y - 2}`;
  else if (index > 0) {
    const middle = standbyTop(index) + STANDBY.h / 2;
    path = `M${WIDTH - 5} ${DNS_BOTTOM} V${middle} H${STANDBY.x + STANDBY.w + 2}`;
  }
  return (
    <>
      {props.activeEdge}
      <g data-testid="flow-client-path" data-member-id={served.memberId ?? ""}>
        {title}
        {path && <path d={path} class="edge edge-live" fill="none" marker-end="url(#arrow)" />}
      </g>
    </>
  );
}

/**
 * Clients → the failover hostname and what its DNS provider serves → the member serving it (the
 * active, unless DNS has not confirmed a switch yet) → its HAProxy frontends → its backends, with
 * standbys beside the active, rates and sessions on the arrows. Colours follow live state; every
 * state is also written out.
 */
export function FlowDiagram({ view }: { view: PoolView }) {
  const standbysBottom = standbyTop(view.standbys.length);
  const frontendEnd = frontendsBottom(view.frontends.length);
  const backendTop = frontendEnd + 28;
  const backendsBottom =
    backendTop + view.backends.reduce((sum, backend) => sum + backendHeight(backend) + 8, 0);
  const height = Math.max(frontendEnd + 12, standbysBottom + 4, backendsBottom + 4);
  const activeName = view.active?.name ?? "no active member";
  const connected = view.dns.state !== "not_connected";
  const dnsTone =
    view.dns.state === "in_sync" ? "ready" : view.dns.state === "pending" ? "not-ready" : "offline";
  // Clients reach the active only once DNS serves it: until then its arrow is "pending".
  const servesActive = !view.served || view.served.memberId === view.active?.id;
  const activeEdgeTone = !view.active?.serving
    ? "edge-dead"
    : servesActive
      ? "edge-live"
      : "edge-pending";
  const centre = ACTIVE.x + ACTIVE.w / 2;
  // Clients' load into the active: requests per second when every frontend reports them.
  const clientsLoad = {
    rate: view.frontends.reduce((sum, frontend) => sum + frontend.rate, 0),
    reqRate: view.frontends.every((frontend) => frontend.reqRate !== null)
      ? view.frontends.reduce((sum, frontend) => sum + (frontend.reqRate ?? 0), 0)
      : null,
    scur: view.frontends.reduce((sum, frontend) => sum + frontend.scur, 0),
  };
  const backendRates = view.backends.filter((backend) => backend.rate !== null);
  const backendRate = backendRates.length
    ? backendRates.reduce((sum, backend) => sum + (backend.rate ?? 0), 0)
    : null;
  const backendSessions = view.backends.reduce((sum, backend) => sum + backend.currentSessions, 0);
  const activeEdge = (
    <line
      x1={centre}
      y1={DNS_BOTTOM}
      x2={centre}
      y2={ACTIVE.y - 2}
      class={`edge ${activeEdgeTone}`}
      data-testid="flow-edge-active"
      marker-end="url(#arrow)"
    />
  );
  return (
    <svg
      class="flow"
      data-testid="flow-diagram"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Traffic flow: clients to ${view.hostname} (${dnsLabel(view.dns)}; ${servedLine(view.served, connected)}) to ${activeName}`}
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
      <line x1="180" y1="38" x2="180" y2={DNS.y - 2} class="edge" marker-end="url(#arrow)" />
      <g class={`node tone-${dnsTone}`} data-testid="flow-dns" data-dns-state={view.dns.state}>
        <Box {...DNS} />
        <text x={180} y={DNS.y + 18} text-anchor="middle" class="strong">
          {clip(view.hostname, 40)}
        </text>
        <text x={180} y={DNS.y + 34} text-anchor="middle">
          {clip(dnsLabel(view.dns), 46)}
        </text>
        <text x={180} y={DNS.y + 50} text-anchor="middle" class="small" data-testid="flow-served">
          {clip(servedLine(view.served, connected), 54)}
        </text>
      </g>
      {view.standbys.length > 0 && (
        <line
          x1={STANDBY.x + STANDBY.w / 2}
          y1={DNS_BOTTOM}
          x2={STANDBY.x + STANDBY.w / 2}
          y2={ACTIVE.y - 2}
          class="edge edge-idle"
        />
      )}
      <ClientPath view={view} activeEdge={activeEdge} />
      {view.frontends.length > 0 && (
        <text
          x={centre + 10}
          y={(DNS_BOTTOM + ACTIVE.y) / 2 + 4}
          class="small"
          data-testid="flow-clients-load"
        >
          {frontendLoadLabel(clientsLoad)}
        </text>
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
      {view.active && view.frontends.length > 0 && (
        <>
          <line
            x1={ACTIVE.x + 6}
            y1={ACTIVE.y + ACTIVE.h}
            x2={ACTIVE.x + 6}
            y2={frontendEnd - FRONTEND.gap - FRONTEND.h / 2}
            class="edge"
          />
          <Frontends frontends={view.frontends} lastKnown={view.active.liveness !== "online"} />
        </>
      )}
      {view.backends.length > 0 && (
        <line
          x1={centre}
          y1={frontendEnd}
          x2={centre}
          y2={backendTop - 2}
          class={`edge ${view.active?.serving ? "edge-live" : "edge-dead"}`}
          marker-end="url(#arrow)"
        />
      )}
      {view.backends.length > 0 && (
        <text
          x={centre + 10}
          y={(frontendEnd + backendTop) / 2 + 4}
          class="small"
          data-testid="flow-sessions"
        >
          {loadLabel(backendRate, backendSessions)}
        </text>
      )}
      {view.active && (
        <Backends
          backends={view.backends}
          memberId={view.active.id}
          lastKnown={view.active.liveness !== "online"}
          top={backendTop}
          width={standbysBottom < backendTop ? WIDTH - 2 * ACTIVE.x : ACTIVE.w}
        />
      )}
    </svg>
  );
}
