import type { AlertSettings } from "../../../shared/alerts";
import { UpdatePool } from "../../../shared/pools";
import { alertSettingsFor } from "../../alerts/settings";
import type { PoolRow } from "../../db/schema/pools";
import type { OutboundPolicy } from "../../lib/outbound-url";
import {
  checked,
  type FormFields,
  type FormState,
  fieldErrors,
  firstSegment,
  listOf,
  numberOrText,
  textOf,
} from "../common/form-fields";

const POOL_FIELDS = [
  "name",
  "failoverHostname",
  "failoverDelayS",
  "profile",
  "autoFailover",
  "preferredPrimaryId",
  "failbackHoldDownS",
] as const;
/** Empty means "none" for this one; every other field must be filled in. */
const OPTIONAL = new Set<string>(["preferredPrimaryId"]);

/** Automatic failover as the form's radio buttons say it. */
const AUTO_FAILOVER: Record<string, boolean> = { on: true, paused: false };

export type Parsed<T> = { ok: true; value: T; state: FormState } | { ok: false; state: FormState };

/**
 * The pool settings form as the admin API's PATCH body (every field, checked by UpdatePool).
 * Which of them differ from the pool is for `changedSettings` to say.
 */
export function poolSettingsFromForm(fields: FormFields): Parsed<UpdatePool> {
  const values = Object.fromEntries(POOL_FIELDS.map((name) => [name, textOf(fields, name)]));
  // A checkbox: absent from the post when unticked, so never "required".
  const allowPrivateAddresses = checked(fields, "allowPrivateAddresses");
  if (allowPrivateAddresses) values.allowPrivateAddresses = "true";
  const state: FormState = { submitted: true, values, lists: {}, errors: {} };
  const auto = values.autoFailover ?? "";
  const candidate = {
    name: values.name,
    failoverHostname: values.failoverHostname,
    failoverDelayS: numberOrText(values.failoverDelayS ?? ""),
    profile: values.profile,
    autoFailover: auto in AUTO_FAILOVER ? AUTO_FAILOVER[auto] : auto,
    preferredPrimaryId: values.preferredPrimaryId || null,
    failbackHoldDownS: numberOrText(values.failbackHoldDownS ?? ""),
    allowPrivateAddresses,
  };
  const required = POOL_FIELDS.filter((name) => !OPTIONAL.has(name) && values[name] === "");
  for (const name of required) state.errors[name] = "required";
  const parsed = UpdatePool.safeParse(candidate);
  if (parsed.success && required.length === 0) return { ok: true, value: parsed.data, state };
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error.issues, firstSegment, (name) => values[name] === "");
    if (errors.autoFailover) errors.autoFailover = "choose on or paused";
    state.errors = { ...errors, ...state.errors };
  }
  return { ok: false, state };
}

/** The fields of `wanted` that differ from the pool: what a save changes. */
export function changedSettings(pool: PoolRow, wanted: UpdatePool): UpdatePool {
  const changes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wanted)) {
    if (value !== undefined && pool[name as keyof PoolRow] !== value) changes[name] = value;
  }
  return changes as UpdatePool;
}

/**
 * The webhook form as the admin API's PUT body, not yet checked: the secret is left empty to
 * keep the stored one (the caller fills it in), the events are the checked boxes.
 */
export function alertInputFromForm(fields: FormFields) {
  const url = textOf(fields, "url");
  const events = listOf(fields, "events");
  const enabled = checked(fields, "enabled");
  const secret = textOf(fields, "secret");
  const state: FormState = {
    submitted: true,
    values: { url, ...(enabled ? { enabled: "true" } : {}) },
    lists: { events },
    errors: {},
  };
  return { input: { url, secret, events, enabled }, state, typedSecret: secret !== "" };
}

/** Checks the webhook input (secret filled in) as the API does, outbound URL rule included. */
export function checkAlertInput(
  input: Record<string, unknown>,
  state: FormState,
  policy: OutboundPolicy,
): Parsed<AlertSettings> {
  const parsed = alertSettingsFor(policy).safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data, state };
  const isEmpty = (name: string) => input[name] === "";
  return {
    ok: false,
    state: { ...state, errors: fieldErrors(parsed.error.issues, firstSegment, isEmpty) },
  };
}
