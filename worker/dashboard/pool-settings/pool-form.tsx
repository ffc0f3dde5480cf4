import { FAILOVER_DELAY_S } from "../../../shared/protocol";
import { Checkbox, FormError, Input, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";

const PROFILES = [
  { value: "haproxy", label: "HAProxy: members run HAProxy (stats, drain, config jobs)" },
  { value: "nginx", label: "nginx: members run nginx" },
  { value: "generic", label: "Generic: no balancer is monitored; heartbeats only" },
];

/** Creates a pool through the admin API's CreatePool schema and createPool. */
export function PoolForm(props: { csrf: string; state: FormState }) {
  const { state } = props;
  return (
    <form method="post" action="/ui/pools" class="stacked" data-testid="pool-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <FormError state={state} />
      <Input name="name" id="pool-name" label="Name" state={state} maxlength={100} required />
      <Select
        name="profile"
        id="pool-profile"
        label="Profile"
        state={state}
        options={PROFILES}
        selected="haproxy"
      />
      <Input
        name="failoverHostname"
        id="pool-hostname"
        label="Failover hostname"
        state={state}
        placeholder="lb.example.com"
        required
        hint="The public name Baton keeps pointed at the active member, e.g. lb.example.com."
      />
      <Input
        name="failoverDelayS"
        id="pool-delay"
        label="Failover delay (seconds)"
        type="number"
        state={state}
        value={FAILOVER_DELAY_S.default}
        hint={`How long the active may stay silent before traffic moves: ${FAILOVER_DELAY_S.min} to ${FAILOVER_DELAY_S.max} s. Under 6 s, members beat faster (a sixth of the delay) so a brief network blip does not move traffic.`}
      />
      <Checkbox
        name="autoFailover"
        id="pool-auto"
        label="Automatic failover (it can be paused at any time)"
        state={state}
        value="on"
        checked
      />
      <Checkbox
        name="allowPrivateAddresses"
        id="pool-private"
        label="Allow private addresses (labs)"
        state={state}
        checked={false}
        hint="Members may carry traffic on private and documentation addresses (10.x, 192.168.x, 203.0.113.x…). Leave off in production."
      />
      <div class="actions">
        <button type="submit" class="primary" data-testid="pool-submit">
          Create pool
        </button>
        <a href="/">Cancel</a>
      </div>
    </form>
  );
}
