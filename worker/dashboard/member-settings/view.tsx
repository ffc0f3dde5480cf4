import type { DashboardSession } from "../../types";
import { ActionForm } from "../common/action-form";
import { FormError } from "../common/fields";
import type { FormState } from "../common/form-fields";
import type { MemberFormInput } from "./form";
import { InstallCommand } from "./install-command";
import { MemberFields } from "./member-form";

export const NEEDS_ADMIN = "Needs the admin role";

interface MemberSettingsProps {
  member: { id: string; name: string };
  /** Whether the member carries the pool's traffic now. */
  active: boolean;
  /** The member's values as stored, shown until a refused save puts the input in `state`. */
  stored: MemberFormInput;
  state: FormState;
  session: DashboardSession;
  canAdmin: boolean;
  /** The install one-liner with the secret a rotation just made; shown once. */
  rotatedCommand?: string;
}

function RotatedSecret({ name, command }: { name: string; command: string }) {
  return (
    <section class="secret-panel" data-testid="rotated-secret" aria-labelledby="rotated-title">
      <h2 id="rotated-title">New install command for {name}</h2>
      <InstallCommand command={command} />
      <p class="notice warn" data-testid="old-secret-warning">
        The old secret has stopped working: {name}'s agent is refused until it has the new one. Run
        this command on the VM (or put the new secret in /etc/baton/agent.env and restart the
        agent). It is shown only now.
      </p>
    </section>
  );
}

/** The member's Settings tab: its fields, the secret's rotation, its removal. */
export function MemberSettings(props: MemberSettingsProps) {
  const { member, session, canAdmin } = props;
  const adminOnly = canAdmin ? null : NEEDS_ADMIN;
  return (
    <>
      {props.rotatedCommand && <RotatedSecret name={member.name} command={props.rotatedCommand} />}
      <section aria-labelledby="settings-title" class="settings-section">
        <h2 id="settings-title">Settings</h2>
        {!canAdmin && (
          <p class="notice" data-testid="settings-read-only">
            {NEEDS_ADMIN}: you can see these settings but not change them.
          </p>
        )}
        <FormError state={props.state} />
        <form
          method="post"
          action={`/members/${member.id}/settings`}
          data-testid="settings-form"
          class="stacked"
        >
          <input type="hidden" name="_csrf" value={session.csrf} />
          <fieldset class="plain" disabled={!canAdmin}>
            <MemberFields state={props.state} stored={props.stored} />
            <div class="actions">
              <button
                type="submit"
                class="primary"
                id="save-settings"
                data-testid="settings-save"
                title={adminOnly ?? undefined}
              >
                Save
              </button>
            </div>
          </fieldset>
        </form>
      </section>
      <section aria-labelledby="secret-title" class="settings-section">
        <h2 id="secret-title">Enrollment secret</h2>
        <p>
          The agent proves who it is with this secret. Rotating makes a new one and the old one
          stops working at once; the new install command is shown once.
        </p>
        <ActionForm
          action={`/members/${member.id}/settings/rotate-secret`}
          confirm={`Rotate the secret of ${member.name}? The old secret stops working at once: its agent is refused until it has the new one.`}
          csrf={session.csrf}
          id="rotate-secret"
          testId="rotate-secret"
          label="Rotate secret"
          disabledReason={adminOnly}
          danger
        />
      </section>
      <section aria-labelledby="remove-title" class="settings-section">
        <h2 id="remove-title">Remove member</h2>
        <p>
          Removes {member.name} with its secret, jobs and samples; its events stay.
          {props.active &&
            ` ${member.name} carries the traffic now: the best ready standby takes it over.`}
        </p>
        <ActionForm
          action={`/members/${member.id}/settings/remove`}
          confirm={`Remove ${member.name} from the pool?${props.active ? " It carries the traffic now: the best ready standby takes over." : ""} Its agent is refused from now on.`}
          csrf={session.csrf}
          id="remove-member"
          testId="remove-member"
          label="Remove member"
          disabledReason={adminOnly}
          danger
        />
      </section>
    </>
  );
}
