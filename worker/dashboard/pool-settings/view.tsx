import type { DnsMode } from "../../../shared/dns";
import { PoolProfile } from "../../../shared/pools";
import { FAILOVER_DELAY_S } from "../../../shared/protocol";
import type { PoolRow } from "../../db/schema/pools";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_ADMIN } from "../common/action-form";
import { Checkbox, FormError, Input, Radios, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { DNS_MODE_LABEL } from "../dns/view";

export function AdminOnly({ canAdmin, what }: { canAdmin: boolean; what: string }) {
  if (canAdmin) return null;
  return (
    <p class="muted" data-testid="needs-admin">
      {NEEDS_ADMIN}: you can see {what} but not change them.
    </p>
  );
}

/**
 * Name, hostname, failover delay, automatic failover, failback, profile and private addresses:
 * the API's PATCH.
 */
export function PoolSettingsForm(props: {
  pool: PoolRow;
  members: { id: string; name: string }[];
  dnsMode: DnsMode | null;
  state: FormState;
  session: DashboardSession;
  canAdmin: boolean;
}) {
  const { pool, members, state, session, canAdmin } = props;
  return (
    <form
      method="post"
      action={`/ui/pools/${pool.id}/settings`}
      class="stacked"
      data-testid="pool-settings-form"
    >
      <input type="hidden" name="_csrf" value={session.csrf} />
      <FormError state={state} />
      <AdminOnly canAdmin={canAdmin} what="the pool's settings" />
      <fieldset class="plain" disabled={!canAdmin}>
        <Input name="name" label="Name" state={state} value={pool.name} />
        <Input
          name="failoverHostname"
          label="Failover hostname"
          state={state}
          value={pool.failoverHostname}
          hint="The name whose A record Baton moves, e.g. lb.example.com."
        />
        <Input
          name="failoverDelayS"
          label="Failover delay (seconds)"
          type="number"
          state={state}
          value={pool.failoverDelayS}
          hint={`How long the active may stay silent before a standby takes over: ${FAILOVER_DELAY_S.min}–${FAILOVER_DELAY_S.max} s. Under 6 s, members beat faster (a sixth of the delay) so a brief network blip does not move traffic.`}
        />
        <Radios
          name="autoFailover"
          legend="Automatic failover"
          state={state}
          selected={pool.autoFailover ? "on" : "paused"}
          options={[
            { value: "on", label: "On" },
            { value: "paused", label: "Paused (maintenance: traffic stays where it is)" },
          ]}
        />
        <Select
          name="preferredPrimaryId"
          label="Failback to a preferred primary"
          state={state}
          selected={pool.preferredPrimaryId ?? ""}
          options={[
            { value: "", label: "None: the new active stays active" },
            ...members.map((member) => ({ value: member.id, label: member.name })),
          ]}
          hint="Traffic returns to it once it has been ready for the hold-down."
        />
        <Input
          name="failbackHoldDownS"
          label="Failback hold-down (seconds)"
          type="number"
          state={state}
          value={pool.failbackHoldDownS}
        />
        <Select
          name="profile"
          label="Profile"
          state={state}
          selected={pool.profile}
          options={PoolProfile.options.map((profile) => ({ value: profile, label: profile }))}
          hint="What the members balance with: decides the monitored service and the jobs they may run."
        />
        <Checkbox
          name="allowPrivateAddresses"
          label="Allow private addresses (labs)"
          state={state}
          checked={pool.allowPrivateAddresses}
          hint="Members may carry traffic on private and documentation addresses (10.x, 192.168.x, 203.0.113.x…). Leave off in production: DNS would point the public at an address it cannot reach. 0.0.0.0, loopback, multicast and broadcast are never used."
        />
        <p class="muted" data-testid="dns-mode-link">
          DNS mode: {props.dnsMode ? DNS_MODE_LABEL[props.dnsMode] : "no DNS provider yet"} —{" "}
          <a href={`/pools/${pool.id}/dns`}>change it on the DNS tab</a>.
        </p>
        <div class="actions">
          <button type="submit" class="primary" id="pool-save" data-testid="pool-save">
            Save settings
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** Deletes the pool (admin, confirmed); with members only when asked to remove them too. */
export function DeletePool(props: {
  pool: PoolRow;
  memberCount: number;
  session: DashboardSession;
  canAdmin: boolean;
}) {
  const { pool, memberCount, session, canAdmin } = props;
  return (
    <ActionForm
      action={`/ui/pools/${pool.id}/delete`}
      confirm={`Delete the pool ${pool.name}? Its settings, jobs and history go with it; this cannot be undone.`}
      csrf={session.csrf}
      id="pool-delete"
      testId="pool-delete"
      label="Delete pool"
      disabledReason={canAdmin ? null : NEEDS_ADMIN}
      danger
    >
      {memberCount > 0 && (
        <label class="inline">
          <input
            type="checkbox"
            name="force"
            value="true"
            data-testid="pool-delete-force"
            disabled={!canAdmin}
            required
          />{" "}
          Also remove its members ({memberCount}: their agents are no longer accepted). Required: a
          pool with members is deleted only with them.
        </label>
      )}
    </ActionForm>
  );
}
