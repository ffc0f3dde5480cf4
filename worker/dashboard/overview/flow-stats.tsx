import type { NginxStatus } from "../../../shared/heartbeat";
import { clip } from "../common/labels";
import { Box, LANE_WIDTH, LINE, MAX_SERVERS } from "./flow-parts";
import { frontendLoadLabel, loadLabel } from "./flow-words";
import type { BackendView, FrontendView, ServerView } from "./pool-view";

// What one member's lane draws under the member: its frontends, its backends with each
// server's state and load (HAProxy's stats page: state in colour and in words, rates beside
// every box; drain and maintenance apart from down), or nginx's counters.

export const FRONTEND = { h: 20, gap: 4 };

export function frontendsHeight(count: number): number {
  return count * (FRONTEND.h + FRONTEND.gap);
}

/** A member's frontends, one band each from `top` down: where clients' connections land. */
export function Frontends(props: { frontends: FrontendView[]; top: number; lastKnown: boolean }) {
  return (
    <g data-testid="flow-frontends">
      {props.frontends.map((frontend, index) => {
        const y = props.top + index * (FRONTEND.h + FRONTEND.gap);
        const tone = props.lastKnown ? "stale" : frontend.status === "OPEN" ? "up" : "down";
        return (
          <g
            class={`node frontend tone-${tone}`}
            data-testid="flow-frontend"
            data-name={frontend.name}
          >
            <title>{`Frontend ${frontend.name}: ${frontend.status}, ${frontend.reqRate === null ? "" : `${frontend.reqRate} requests per second, `}${frontend.rate} new sessions per second, ${frontend.scur} current sessions`}</title>
            <Box x={14} y={y} w={LANE_WIDTH - 14} h={FRONTEND.h} />
            <text x={20} y={y + 14} class="small">
              {clip(`▸ ${frontend.name} · ${frontend.status}`, 34)}
            </text>
            <text x={LANE_WIDTH - 6} y={y + 14} class="small" text-anchor="end">
              {frontendLoadLabel(frontend)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

const listed = (backend: BackendView) => Math.min(backend.servers.length, MAX_SERVERS);
const more = (backend: BackendView) => backend.servers.length - listed(backend);

export function backendHeight(backend: BackendView): number {
  return 24 + (listed(backend) + (more(backend) > 0 ? 1 : 0)) * LINE + 6;
}

export function backendsHeight(backends: BackendView[]): number {
  return backends.reduce((sum, backend) => sum + backendHeight(backend) + 8, 0);
}

/** all up, some down, or none up (a backend without servers goes by its own status). */
export function backendTone(backend: BackendView): "up" | "some-down" | "down" {
  if (backend.serversTotal === 0) return backend.status.startsWith("UP") ? "up" : "down";
  if (backend.serversUp === 0) return "down";
  return backend.serversUp < backend.serversTotal ? "some-down" : "up";
}

/** ▲ up, ▼ down, ◐ draining, ■ in maintenance, ○ unchecked: marked apart, not by colour alone. */
const MARK: Record<ServerView["state"], string> = {
  up: "▲",
  down: "▼",
  drain: "◐",
  maint: "■",
  unchecked: "○",
  unknown: "?",
};

function Server(props: { server: ServerView; y: number; live: boolean }) {
  const { server, y } = props;
  const live = props.live && server.state === "up";
  return (
    <g data-server={server.name} data-state={server.state} data-live={String(live)}>
      <line
        x1={5}
        y1={y - 4}
        x2={13}
        y2={y - 4}
        class={`edge ${live ? "edge-live" : "edge-idle"}`}
      />
      <text x={16} y={y} class={`small server-${server.state}`}>
        {clip(
          `${MARK[server.state]} ${server.name} ${server.addr ?? ""} ${server.status}`,
          server.scur === null ? 56 : 40,
        )}
      </text>
      {server.scur !== null && (
        <text x={LANE_WIDTH - 6} y={y} class="small" text-anchor="end">
          {loadLabel(server.rate, server.scur)}
        </text>
      )}
    </g>
  );
}

/**
 * A member's backends from `top` down, each box linking to that backend in the member's Status
 * tab, each server with its state and load. `live`: clients' path runs here now, so its UP
 * servers' ticks are drawn live. `lastKnown`: the member is not reporting; this is its last report.
 */
export function Backends(props: {
  backends: BackendView[];
  memberId: string;
  top: number;
  live: boolean;
  lastKnown: boolean;
}) {
  const { backends, memberId, lastKnown } = props;
  let y = props.top;
  return (
    <g data-testid="flow-backends">
      {backends.map((backend) => {
        const top = y;
        const height = backendHeight(backend);
        y += height + 8;
        const tone = lastKnown ? "stale" : backendTone(backend);
        const rate = backend.rate === null ? "" : `${backend.rate}/s · `;
        const hidden = more(backend);
        return (
          <a href={`/members/${memberId}/status#backend-${backend.name}`}>
            <g
              class={`node backend tone-${tone}`}
              data-testid="flow-backend"
              data-tone={tone}
              data-last-known={String(lastKnown)}
            >
              <title>{`${backend.name}: ${backend.serversUp} of ${backend.serversTotal} servers up, ${backend.currentSessions} sessions`}</title>
              <Box x={0} y={top} w={LANE_WIDTH} h={height} />
              <text x={10} y={top + 17} class="strong">
                {clip(
                  `${lastKnown ? "last known: " : ""}${backend.name} · ${backend.serversUp}/${backend.serversTotal} up · ${rate}${backend.currentSessions} sess`,
                  48,
                )}
              </text>
              {backend.servers.slice(0, MAX_SERVERS).map((server, index) => (
                <Server server={server} y={top + 17 + (index + 1) * LINE} live={props.live} />
              ))}
              {hidden > 0 && (
                <text x={16} y={top + 17 + (MAX_SERVERS + 1) * LINE} class="small">
                  {`… ${hidden} more server${hidden === 1 ? "" : "s"} in the Status tab`}
                </text>
              )}
            </g>
          </a>
        );
      })}
    </g>
  );
}

export const NGINX_HEIGHT = 62;

/** What an nginx member reports: stub_status counters, and honestly what it does not. */
export function NginxCounters(props: { nginx: NginxStatus; top: number; lastKnown: boolean }) {
  const { nginx, top } = props;
  return (
    <g class={`node tone-${props.lastKnown ? "stale" : "neutral"}`} data-testid="flow-nginx">
      <Box x={0} y={top} w={LANE_WIDTH} h={NGINX_HEIGHT} />
      <text x={10} y={top + 17} class="strong">
        {`${props.lastKnown ? "last known: " : ""}nginx · ${nginx.activeConnections} connections`}
      </text>
      <text x={10} y={top + 33} class="small">
        {`${nginx.reading} reading · ${nginx.writing} writing · ${nginx.waiting} waiting · ${nginx.requests} requests since start`}
      </text>
      <text x={10} y={top + 50} class="small">
        nginx's stub_status has no per-backend or per-server state
      </text>
    </g>
  );
}
