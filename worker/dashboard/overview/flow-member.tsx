import { clip, livenessLabel, readinessLabel } from "../common/labels";
import { Box, LANE_WIDTH, LINE } from "./flow-parts";
import { wrapWords } from "./flow-words";
import type { MemberView } from "./pool-view";

// The member's own box at the head of its lane: name, role and state, address and service, and
// in words when its balancer file is not the active's.

const BASE_HEIGHT = 56;
const DIFFERS_WIDTH = 54;

export function memberBoxHeight(member: MemberView | null): number {
  const differs = member?.flow?.configDiffers;
  return BASE_HEIGHT + (differs ? wrapWords(differs, DIFFERS_WIDTH).length * LINE : 0);
}

/** "config differs from the active: revision 4 vs 5", wrapped, with failover's reason on hover. */
function ConfigDiffers(props: { member: MemberView; top: number }) {
  const differs = props.member.flow?.configDiffers;
  if (!differs) return null;
  const problem = props.member.parity?.problem;
  const lines = wrapWords(differs, DIFFERS_WIDTH);
  // Under the address line (at top + 50), a line each.
  const y = props.top + 50 + LINE;
  return (
    <g class="config-differs">
      <title>{problem ? `Not ready: ${problem}` : differs}</title>
      <text x={10} y={y} class="small warn-text">
        ⚠
      </text>
      <text class="small warn-text" data-testid="flow-config-differs">
        {lines.map((line, index) => (
          <tspan x={24} y={y + index * LINE}>
            {line}
          </tspan>
        ))}
      </text>
    </g>
  );
}

/** The active's or a standby's box at `top`, or "No active member". */
export function MemberBox(props: { member: MemberView | null; top: number }) {
  const { member, top } = props;
  if (!member) {
    return (
      <g class="node tone-offline" data-testid="flow-no-active">
        <Box x={0} y={top} w={LANE_WIDTH} h={BASE_HEIGHT} />
        <text x={10} y={top + 22} class="strong">
          No active member
        </text>
        <text x={10} y={top + 40}>
          Waiting for a ready member
        </text>
      </g>
    );
  }
  const active = member.role === "active";
  const services = member.services.map((service) => `${service.name} ${service.state}`).join(", ");
  const state = active
    ? `ACTIVE · ${livenessLabel(member)}`
    : member.liveness !== "online"
      ? `STANDBY · ${livenessLabel(member)}`
      : `STANDBY · ${member.ready ? "ready" : `not ready: ${member.notReadyReasons.join(", ")}`}`;
  const title = active
    ? `${member.name} (active): ${livenessLabel(member)}${member.serving ? "" : ` (${member.notReadyReasons.join(", ")})`}`
    : `${member.name} (standby): ${readinessLabel(member)}`;
  return (
    <g
      class={`node tone-${member.tone}`}
      data-testid={active ? "flow-active" : "flow-standby"}
      data-member-id={member.id}
      data-online={String(member.liveness === "online")}
      data-ready={active ? undefined : String(member.ready)}
    >
      <title>{title}</title>
      <Box x={0} y={top} w={LANE_WIDTH} h={memberBoxHeight(member)} />
      <text x={10} y={top + 18} class="strong">
        {clip(member.name, 44)}
      </text>
      <text x={10} y={top + 34}>
        {clip(state, 52)}
      </text>
      <text x={10} y={top + 50} class="small">
        {clip([member.publicIp ?? "no IP", services].filter(Boolean).join(" · "), 60)}
      </text>
      <ConfigDiffers member={member} top={top} />
    </g>
  );
}
