import { type DnsProviderKind, PutDnsSettings } from "../../../shared/dns";
import type { Db } from "../../db/client";
import { loadOwnDnsSettings, requireSecretsKey } from "../../dns/settings";
import { keepStoredSecret } from "../../dns/stored-secret";
import { ApiError } from "../../errors";
import { apiFieldErrors, type FormFields, fieldErrors } from "../common/form-fields";
import { accountMisfitInWords } from "./field-labels";
import { type DnsFormRequest, dnsFieldOf, dnsRequestFromForm, secretFieldOf } from "./form";

export type DnsSubmission =
  | {
      ok: true;
      input: PutDnsSettings;
      secretKept: boolean;
      request: DnsFormRequest;
      /** SECRETS_KEY, known to be set: saving and testing need it. */
      secretsKey: string;
    }
  | { ok: false; request: DnsFormRequest };

/** The request with field errors from an ApiError a store function threw. */
export function refusedBy(request: DnsFormRequest, error: unknown): DnsSubmission {
  if (!(error instanceof ApiError)) throw error;
  const errors = apiFieldErrors(error.issues, error.message, (path) =>
    dnsFieldOf(request.source, path),
  );
  if (errors.account) errors.account = accountMisfitInWords(errors.account, request.body.overrides);
  return { ok: false, request: { ...request, state: { ...request.state, errors } } };
}

/**
 * The DNS form as the API's PUT body, checked by the API's schema. A credential left empty is
 * the stored one (same kind and address only: worker/dns/stored-secret.ts); nothing is written.
 */
export async function dnsSubmission(
  db: Db,
  secretsKey: string | undefined,
  poolId: string,
  fields: FormFields,
): Promise<DnsSubmission> {
  const request = dnsRequestFromForm(fields);
  if (!request.source) return { ok: false, request };
  let key: string;
  try {
    key = requireSecretsKey(secretsKey);
  } catch (error) {
    return refusedBy(request, error);
  }
  const body: Record<string, unknown> = { ...request.body };
  const errors: Record<string, string> = {};
  let secretKept = false;
  if (request.body.provider) {
    const kind = request.source as DnsProviderKind;
    const kept = keepStoredSecret(request.body.provider, await loadOwnDnsSettings(db, key, poolId));
    body.provider = kept.provider;
    secretKept = kept.kept;
    if (kept.refusal) errors[secretFieldOf(kind)] = kept.refusal;
  }
  const parsed = PutDnsSettings.safeParse(body);
  if (parsed.success && Object.keys(errors).length === 0) {
    return { ok: true, input: parsed.data, secretKept, request, secretsKey: key };
  }
  const issues = parsed.success ? [] : parsed.error.issues;
  const schemaErrors = fieldErrors(
    issues,
    (path) => dnsFieldOf(request.source, path),
    (field) => request.empty.has(field),
  );
  const state = { ...request.state, errors: { ...schemaErrors, ...errors } };
  return { ok: false, request: { ...request, state } };
}
