import type { BalancerOnDisk } from "../../../shared/heartbeat";
import { parityProblem } from "../../failover/parity";

/** "revision 4", or what a file without a revision header is called. */
function named(file: BalancerOnDisk | null): string {
  if (!file?.sha256) return "no managed config";
  return file.revision === null ? "a file without a revision header" : `revision ${file.revision}`;
}

/**
 * What the flow diagram writes on a standby whose balancer file is not the active's: "config
 * differs from the active: revision 4 vs 5". "Differs" is failover's parity rule (the files'
 * SHA-256, `parityProblem`), asked as if parity were required: the diagram marks a difference
 * even where the pool lets it pass. Null for the active, a member not heard from yet, and when
 * the active reported no file (nothing to compare with).
 */
export function configDiffers(facts: {
  member: BalancerOnDisk | null;
  active: BalancerOnDisk | null;
  isActive: boolean;
  heard: boolean;
}): string | null {
  const { member, active } = facts;
  if (facts.isActive || !facts.heard) return null;
  if (parityProblem(member, active, true) === null || !active) return null;
  const prefix = "config differs from the active:";
  if (member?.sha256 && member.revision !== null && member.revision === active.revision)
    return `${prefix} both say revision ${member.revision}, the files differ (edited by hand?)`;
  if (member?.revision != null && active.revision !== null && member.sha256)
    return `${prefix} revision ${member.revision} vs ${active.revision}`;
  return `${prefix} ${named(member)} vs ${named(active)}`;
}
