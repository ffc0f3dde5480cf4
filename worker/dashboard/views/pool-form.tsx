import { FAILOVER_DELAY_S } from "../../../shared/protocol";
import { Field, type FieldErrors, fieldAria } from "./labelled-field";

/** What the New pool form shows: as typed, so a refused submission keeps the input. */
export interface PoolFormValues {
  name: string;
  profile: string;
  failoverHostname: string;
  failoverDelayS: string;
  autoFailover: boolean;
}

export const EMPTY_POOL_FORM: PoolFormValues = {
  name: "",
  profile: "haproxy",
  failoverHostname: "",
  failoverDelayS: String(FAILOVER_DELAY_S.default),
  autoFailover: true,
};

const PROFILES = [
  { value: "haproxy", label: "HAProxy: members run HAProxy (stats, drain, config jobs)" },
  { value: "nginx", label: "nginx: members run nginx" },
  { value: "generic", label: "Generic: no balancer is monitored; heartbeats only" },
];

/** Creates a pool through the admin API's CreatePool schema and createPool. */
export function PoolForm(props: { csrf: string; values: PoolFormValues; errors: FieldErrors }) {
  const { values, errors } = props;
  return (
    <form method="post" action="/ui/pools" class="stacked" data-testid="pool-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      {errors.form && (
        <p class="flash flash-error" role="alert" data-testid="pool-form-error">
          {errors.form}
        </p>
      )}
      <Field id="pool-name" label="Name" error={errors.name}>
        <input
          id="pool-name"
          name="name"
          value={values.name}
          maxlength={100}
          required
          autocomplete="off"
          {...fieldAria("pool-name", errors.name)}
        />
      </Field>
      <Field id="pool-profile" label="Profile" error={errors.profile}>
        <select id="pool-profile" name="profile" {...fieldAria("pool-profile", errors.profile)}>
          {PROFILES.map((profile) => (
            <option value={profile.value} selected={profile.value === values.profile}>
              {profile.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id="pool-hostname"
        label="Failover hostname"
        error={errors.failoverHostname}
        hint="The public name Baton keeps pointed at the active member, e.g. lb.example.com."
      >
        <input
          id="pool-hostname"
          name="failoverHostname"
          value={values.failoverHostname}
          placeholder="lb.example.com"
          autocapitalize="none"
          spellcheck={false}
          autocomplete="off"
          required
          {...fieldAria("pool-hostname", errors.failoverHostname, true)}
        />
      </Field>
      <Field
        id="pool-delay"
        label="Failover delay (seconds)"
        error={errors.failoverDelayS}
        hint={`How long the active may stay silent before traffic moves: ${FAILOVER_DELAY_S.min} to ${FAILOVER_DELAY_S.max} s.`}
      >
        <input
          id="pool-delay"
          name="failoverDelayS"
          type="number"
          inputmode="numeric"
          min={FAILOVER_DELAY_S.min}
          max={FAILOVER_DELAY_S.max}
          value={values.failoverDelayS}
          {...fieldAria("pool-delay", errors.failoverDelayS, true)}
        />
      </Field>
      <div class="field">
        <label class="check" for="pool-auto">
          <input
            id="pool-auto"
            name="autoFailover"
            type="checkbox"
            value="on"
            checked={values.autoFailover}
          />{" "}
          Automatic failover (it can be paused at any time)
        </label>
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="pool-submit">
          Create pool
        </button>
        <a href="/">Cancel</a>
      </div>
    </form>
  );
}
