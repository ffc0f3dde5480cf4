import { ActionForm } from "../common/action-form";
import type { MemberParity } from "./parity";

/**
 * "Re-apply live config" for a member whose managed file drifted or differs from the active's:
 * the live revision written to it again (`POST /ui/members/:id/balancer/reapply`, a one-step
 * repair rollout). `back`: the page the answer returns to (the pool's overview by default).
 */
export function ReapplyLiveConfig(props: {
  member: { id: string; name: string };
  parity: MemberParity | undefined;
  csrf: string;
  disabledReason: string | null;
  back?: "balancer";
}) {
  const { member, parity } = props;
  if (parity?.kind !== "drift" && parity?.kind !== "differs") return null;
  return (
    <ActionForm
      action={`/ui/members/${member.id}/balancer/reapply`}
      confirm={`Write the pool's live balancer config over ${member.name}'s? What it runs now (${parity.text}) is replaced and HAProxy or nginx reloads.`}
      csrf={props.csrf}
      id={`reapply-${member.id}`}
      testId="action-reapply"
      label="Re-apply live config"
      disabledReason={props.disabledReason}
    >
      {props.back && <input type="hidden" name="back" value={props.back} />}
    </ActionForm>
  );
}
