import type { z } from "zod";
import type { FieldIssue } from "../../../../shared/errors";
import { messageOf } from "../../common/form-fields";
import type { BalancerDraft } from "./draft";
import { hostnameLines } from "./model-input";

/**
 * The form field an issue of the model is shown beside. Most issue paths are a field's name
 * already; the rest point at a group the form draws as one control or one list:
 * a host name (one line of the frontend's textarea), stickiness (its type select), a status
 * range (its min), a TLS choice (its certificate select), a route needing a host or a prefix
 * (its host). Lists and the whole model keep their path: the form shows those under the
 * list's heading.
 */
export function fieldOfPath(path: readonly (string | number)[]): string {
  const parts = path.map(String);
  const joined = parts.join(".");
  const [top, , list, , leaf] = parts;
  if (top === "frontends" && list === "hostnames") return parts.slice(0, 3).join(".");
  if (top === "frontends" && list === "routes" && parts.length === 4) return `${joined}.host`;
  if (top === "frontends" && list === "binds" && leaf === "tls" && parts.length === 5)
    return `${joined}.certificateId`;
  if (top === "backends" && list === "sticky" && parts.length === 3) return `${joined}.type`;
  if (joined.endsWith(".healthCheck.expectStatus")) return `${joined}.min`;
  return joined || "form";
}

/** Which host name of the textarea an issue is about, to say it beside the whole box. */
function hostnameOf(draft: BalancerDraft, path: readonly (string | number)[]): string | null {
  const [top, f, list, line] = path;
  if (top !== "frontends" || list !== "hostnames" || line === undefined) return null;
  return hostnameLines(draft.frontends[Number(f)]?.hostnames ?? "")[Number(line)] ?? null;
}

/**
 * Errors by form field from the schema's issues: the first per field wins; a field left empty
 * is "required"; a host name's issue names the host.
 */
export function schemaErrors(
  issues: readonly z.core.$ZodIssue[],
  draft: BalancerDraft,
  values: Record<string, string>,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = fieldOfPath(issue.path as (string | number)[]);
    // "required" only for an issue about that very field, not a group's ("needs a host…").
    const empty = values[field] === "" && issue.path.join(".") === field;
    const message = messageOf(issue, empty);
    const host = hostnameOf(draft, issue.path as (string | number)[]);
    errors[field] ??= host ? `${host}: ${message}` : message;
  }
  return errors;
}

/** Errors by form field from what the pool refused (certificates, nginx's refusals). */
export function admissionErrors(
  issues: readonly FieldIssue[] | undefined,
  message: string,
): Record<string, string> {
  if (!issues?.length) return { form: message };
  const errors: Record<string, string> = {};
  for (const issue of issues) errors[fieldOfPath(issue.path.split("."))] ??= issue.message;
  return errors;
}
