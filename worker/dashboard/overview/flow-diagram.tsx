import { clip, dnsLabel } from "../common/labels";
import { MemberLane, NoActiveLane } from "./flow-lane";
import { ArrowMarker, Box } from "./flow-parts";
import { flowPath } from "./flow-path";
import type { PoolView, ServedView } from "./pool-view";

// The top of the drawing: 360 units wide, scaled to the page.
const WIDTH = 360;
const DNS = { x: 30, y: 64, w: 300, h: 58 };
const DNS_BOTTOM = DNS.y + DNS.h;
const HEIGHT = DNS_BOTTOM + 14;

/** "serves 198.51.100.7 (edge-a)": where the provider sends clients, as last confirmed. */
function servedLine(served: ServedView | null, connected: boolean): string {
  if (!connected) return "clients go wherever the record points";
  if (!served) return "what it serves: not confirmed yet";
  const owner = served.memberName ?? "no member's address";
  return `serves ${served.addresses.join(", ")} (${owner})`;
}

/** Clients → the failover hostname and what its DNS provider serves, over the members' lanes. */
function ClientsAndDns({ view }: { view: PoolView }) {
  const connected = view.dns.state !== "not_connected";
  const dnsTone =
    view.dns.state === "in_sync" ? "ready" : view.dns.state === "pending" ? "not-ready" : "offline";
  const served = servedLine(view.served, connected);
  return (
    <svg
      class="flow-top"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Clients to ${view.hostname} (${dnsLabel(view.dns)}; ${served})`}
    >
      <ArrowMarker id="arrow" />
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
          {clip(served, 54)}
        </text>
      </g>
      <line x1="180" y1={DNS_BOTTOM} x2="180" y2={HEIGHT} class="edge" />
      {view.served && view.served.memberId === null && (
        <g data-testid="flow-client-path" data-member-id="">
          <title>{`Clients go to ${view.served.addresses.join(", ")}: no member's address`}</title>
        </g>
      )}
    </svg>
  );
}

/**
 * Clients → the failover hostname and what its DNS provider serves (as last confirmed) → a lane
 * per member, the active first: the arrow clients take drawn live into the member DNS serves,
 * the standbys' idle; behind each member its own frontends, backends and servers with their
 * states and loads, and in words when its balancer config differs from the active's. The lanes
 * sit side by side on a wide screen and one under another on a phone. Colours follow live
 * state; every state is also written out.
 */
export function FlowDiagram({ view }: { view: PoolView }) {
  const members = view.active ? [view.active, ...view.standbys] : view.standbys;
  return (
    <figure
      class="flow"
      data-testid="flow-diagram"
      aria-label={`Traffic flow: clients to ${view.hostname}, then ${view.active?.name ?? "no active member"}`}
    >
      <ClientsAndDns view={view} />
      <div class="flow-lanes">
        {!view.active && <NoActiveLane />}
        {members.map((member) => (
          <MemberLane member={member} path={flowPath(member, view.served)} served={view.served} />
        ))}
      </div>
    </figure>
  );
}
