import type { NewEvent } from "../events/store";
import type { LiveMember, MemberChange } from "./live-member";

/** The event recording one change of a member, or null for changes that are not events. */
export function changeEvent(
  member: LiveMember,
  change: MemberChange,
  failoverDelayS: number,
): Omit<NewEvent, "poolId"> | null {
  const base = { memberId: member.memberId, actor: "system" };
  const name = member.name;
  switch (change.kind) {
    case "online": {
      const after =
        change.silentForMs === null
          ? ""
          : ` after ${Math.round(change.silentForMs / 1000)} s of silence`;
      return {
        ...base,
        type: "member.online",
        message: `${name} is online${after}`,
        data: {
          agentVersion: member.agentVersion,
          publicIp: member.publicIp,
          silentForMs: change.silentForMs,
        },
      };
    }
    case "offline":
      return {
        ...base,
        type: "member.offline",
        message: `${name} is offline: no heartbeat for ${failoverDelayS} s`,
        data: { lastHeartbeatAt: change.lastHeartbeatAt, failoverDelayS },
      };
    case "service": {
      const was = change.from ? ` (was ${change.from})` : "";
      return {
        ...base,
        type: "member.service_changed",
        message: `${change.service} on ${name} is ${change.to}${was}`,
        data: { service: change.service, from: change.from, to: change.to },
      };
    }
    case "identity":
    case "installed":
      return null;
  }
}
