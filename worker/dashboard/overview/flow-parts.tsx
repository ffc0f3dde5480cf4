import { clip, LIVENESS_LABEL, livenessLabel, readinessLabel } from "../common/labels";
import type { BackendView, FrontendView, MemberView } from "./pool-view";

// The boxes of the flow diagram (flow-diagram.tsx lays them out and draws the arrows). Units are
// the drawing's: 360 wide, scaled to the page.
export const ACTIVE = { x: 10, y: 152, w: 200, h: 64 };
export const STANDBY = { x: 226, w: 124, h: 58, gap: 8 };
export const FRONTEND = { h: 20, gap: 4, top: ACTIVE.y + ACTIVE.h + 12 };
const LINE = 15;
const MAX_SERVERS = 6;

export function Box(props: { x: number; y: number; w: number; h: number }) {
  return <rect x={props.x} y={props.y} width={props.w} height={props.h} rx="6" />;
}

/** "7/s · 5 sess": new sessions per second and current sessions; "5 sessions" without a rate. */
export function loadLabel(rate: number | null, sessions: number): string {
  return rate === null ? `${sessions} sessions` : `${rate}/s · ${sessions} sess`;
}

/** A frontend's load: HTTP requests per second when reported ("12 req/s · 5 sess"), else sessions. */
export function frontendLoadLabel(frontend: {
  rate: number;
  reqRate: number | null;
  scur: number;
}) {
  return frontend.reqRate === null
    ? loadLabel(frontend.rate, frontend.scur)
    : `${frontend.reqRate} req/s · ${frontend.scur} sess`;
}

export function ActiveMember({ member }: { member: MemberView | null }) {
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

export function standbyTop(index: number): number {
  return ACTIVE.y + index * (STANDBY.h + STANDBY.gap);
}

export function Standby({ member, index }: { member: MemberView; index: number }) {
  const y = standbyTop(index);
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

/** The active's frontends, one band each under its box: where clients' connections land. */
export function Frontends(props: { frontends: FrontendView[]; lastKnown: boolean }) {
  return (
    <g data-testid="flow-frontends">
      {props.frontends.map((frontend, index) => {
        const y = FRONTEND.top + index * (FRONTEND.h + FRONTEND.gap);
        const up = frontend.status === "OPEN";
        const tone = props.lastKnown ? "stale" : up ? "up" : "down";
        return (
          <g
            class={`node frontend tone-${tone}`}
            data-testid="flow-frontend"
            data-name={frontend.name}
          >
            <title>{`Frontend ${frontend.name}: ${frontend.status}, ${frontend.reqRate === null ? "" : `${frontend.reqRate} requests per second, `}${frontend.rate} new sessions per second, ${frontend.scur} current sessions`}</title>
            <Box x={ACTIVE.x + 12} y={y} w={ACTIVE.w - 12} h={FRONTEND.h} />
            <text x={ACTIVE.x + 18} y={y + 14} class="small">
              {clip(`▸ ${frontend.name} · ${frontend.status}`, 20)}
            </text>
            <text x={ACTIVE.x + ACTIVE.w - 6} y={y + 14} class="small" text-anchor="end">
              {frontendLoadLabel(frontend)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

export function frontendsBottom(count: number): number {
  return count === 0 ? ACTIVE.y + ACTIVE.h : FRONTEND.top + count * (FRONTEND.h + FRONTEND.gap);
}

export function backendHeight(backend: BackendView): number {
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
 * The active's backends from `top` down, each box linking to that backend in the member's
 * Status tab, each server with its sessions and rate. `lastKnown`: the active is not reporting,
 * so these are its last report, not its state now.
 */
export function Backends(props: {
  backends: BackendView[];
  memberId: string;
  lastKnown: boolean;
  top: number;
  /** The active's width, or the drawing's when no standby reaches down beside the backends. */
  width: number;
}) {
  const { backends, memberId, lastKnown, width } = props;
  const wide = width > ACTIVE.w;
  let y = props.top;
  return (
    <g data-testid="flow-backends">
      {backends.map((backend) => {
        const top = y;
        const height = backendHeight(backend);
        y += height + 8;
        const tone = lastKnown ? "stale" : backendTone(backend);
        const rate = backend.rate === null ? "" : `${backend.rate}/s · `;
        return (
          <a href={`/members/${memberId}/status#backend-${backend.name}`}>
            <g
              class={`node backend tone-${tone}`}
              data-testid="flow-backend"
              data-tone={tone}
              data-last-known={String(lastKnown)}
            >
              <title>{`${backend.name}: ${backend.serversUp} of ${backend.serversTotal} servers up, ${backend.currentSessions} sessions`}</title>
              <Box x={ACTIVE.x} y={top} w={width} h={height} />
              <text x={ACTIVE.x + 10} y={top + 17} class="strong">
                {clip(
                  `${lastKnown ? "last known: " : ""}${backend.name} · ${backend.serversUp}/${backend.serversTotal} up · ${rate}${backend.currentSessions} sess`,
                  40,
                )}
              </text>
              {backend.servers.slice(0, MAX_SERVERS).map((server, index) => {
                const line = top + 17 + (index + 1) * LINE;
                return (
                  <g data-server={server.name}>
                    <text x={ACTIVE.x + 16} y={line} class={`small ${server.up ? "up" : "down"}`}>
                      {clip(
                        `${serverMark(server.status, server.up)} ${server.name} ${server.addr ?? ""} ${server.status}`,
                        server.scur === null || wide ? 36 : 20,
                      )}
                    </text>
                    {server.scur !== null && (
                      <text x={ACTIVE.x + width - 6} y={line} class="small" text-anchor="end">
                        {loadLabel(server.rate, server.scur)}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          </a>
        );
      })}
    </g>
  );
}
