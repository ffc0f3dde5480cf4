import type { MonitoredService } from "../../shared/heartbeat";
import type { NewEvent } from "../events/store";
import type { LiveMember, MemberChange } from "./live-member";

/**
 * The event recording one change of a member, or null for changes that are not events. In a
 * HAProxy or nginx pool only that service's changes are events: every agent also reports the
 * other one (usually "inactive"), which would be one line of noise per member.
 */
export function changeEvent(
  member: LiveMember,
  change: MemberChange,
  failoverDelayS: number,
  monitored: MonitoredService | null = null,
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
      if (monitored && change.service !== monitored) return null;
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
