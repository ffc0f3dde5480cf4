import type { MemberView, ServedView } from "./pool-view";

/**
 * How clients' path reaches a member on the flow diagram: `live`, clients go there now (the
 * member whose address DNS serves as last confirmed, or the serving active when that is not
 * known); `pending`, the active, which DNS does not serve yet; `dead`, the active, which would
 * not serve; `standby`, no clients (a standby DNS does not point at).
 */
export type FlowPath = "live" | "pending" | "dead" | "standby";

export function flowPath(member: MemberView, served: ServedView | null): FlowPath {
  if (member.role === "active") {
    if (!member.serving) return "dead";
    return !served || served.memberId === member.id ? "live" : "pending";
  }
  return served?.memberId === member.id ? "live" : "standby";
}

/** The words on the arrow into a member, so the path's state never rests on its colour alone. */
export const FLOW_PATH_LABEL: Record<FlowPath, string> = {
  live: "clients now",
  pending: "active: waiting for DNS to point here",
  dead: "active, not serving",
  standby: "standby: no clients",
};
