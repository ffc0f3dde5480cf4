import type { z } from "zod";
import { CreateMember, UpdateMember } from "../../../shared/members";
import { type FormFields, type FormState, textOf } from "../common/form-fields";

/** The member form's fields as typed, kept to show the form again after an error. */
export type MemberFormInput = {
  name: string;
  hostname: string;
  /** One address or CIDR range per line. */
  allowedIps: string;
  priority: string;
};

export type MemberField = keyof MemberFormInput;
/** A message per field; `form` for what belongs to no field. */
export type FieldErrors = FormState["errors"];

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const FIELDS: MemberField[] = ["name", "hostname", "allowedIps", "priority"];

export function memberFormInput(fields: FormFields): MemberFormInput {
  return {
    name: textOf(fields, "name"),
    hostname: textOf(fields, "hostname"),
    allowedIps: textOf(fields, "allowedIps"),
    priority: textOf(fields, "priority"),
  };
}

/**
 * The errors of a refusal by the coordinator: on the fields its issues name, else above the
 * form (a taken hostname on the hostname field).
 */
export function refusalErrors(
  refusal: { code: string; message: string; issues?: { path: string; message: string }[] },
  input: MemberFormInput,
): FieldErrors {
  if (refusal.code === "hostname_taken") return { hostname: refusal.message };
  const errors = fieldErrorsOf(refusal.issues ?? [], allowedIpLines(input.allowedIps));
  return Object.keys(errors).length > 0 ? errors : { form: refusal.message };
}

/** The form's value for a member as stored. */
export function memberFormOf(member: {
  name: string;
  hostname: string;
  allowedIps: string[];
  priority: number;
}): MemberFormInput {
  return { ...member, allowedIps: member.allowedIps.join("\n"), priority: String(member.priority) };
}

/** Entries of the allowed-IPs box: one per line (commas also split), blanks ignored. */
export function allowedIpLines(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

/**
 * Issues as the API reports them (`path` dotted, as in FieldIssue, or zod's array) become one
 * message per form field; an allowed-IPs entry is named by its value.
 */
export function fieldErrorsOf(
  issues: readonly { path: string | readonly PropertyKey[]; message: string }[],
  ips: string[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const [head, index] = typeof issue.path === "string" ? issue.path.split(".") : issue.path;
    const field = FIELDS.find((name) => name === String(head)) ?? "form";
    const entry = field === "allowedIps" && index !== undefined ? ips[Number(index)] : undefined;
    const message = entry === undefined ? issue.message : `${entry}: ${issue.message}`;
    errors[field] = errors[field] ? `${errors[field]}; ${message}` : message;
  }
  return errors;
}

/** The priority box: empty is `undefined`, a number is a number, anything else is an error. */
function priorityOf(value: string): number | undefined | "invalid" {
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : "invalid";
}

const PRIORITY_MESSAGE = "must be a whole number from 0 to 1000 (lower is preferred)";

function parseWith<T>(
  schema: z.ZodType<T>,
  input: MemberFormInput,
  priorityRequired: boolean,
): Parsed<T> {
  const ips = allowedIpLines(input.allowedIps);
  const priority = priorityOf(input.priority);
  const candidate = {
    name: input.name,
    hostname: input.hostname.trim(),
    allowedIps: ips,
    ...(priority === undefined || priority === "invalid" ? {} : { priority }),
  };
  const parsed = schema.safeParse(candidate);
  const errors = parsed.success ? {} : fieldErrorsOf(parsed.error.issues, ips);
  if (priority === "invalid" || (priority === undefined && priorityRequired)) {
    errors.priority = PRIORITY_MESSAGE;
  }
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** The Add member form as the API's CreateMember body (an empty priority takes the default). */
export function createMemberFromForm(input: MemberFormInput): Parsed<CreateMember> {
  return parseWith(CreateMember, input, false);
}

/**
 * The Settings form against the API's UpdateMember schema, then only what differs from the
 * member as stored, so the audit event lists real changes (an empty patch: nothing changed).
 */
export function memberPatchFromForm(
  input: MemberFormInput,
  current: { name: string; hostname: string; allowedIps: string[]; priority: number },
): Parsed<UpdateMember | null> {
  const parsed = parseWith(UpdateMember, input, true);
  if (!parsed.ok) return parsed;
  const patch: Record<string, unknown> = {};
  const value = parsed.value;
  if (value.name !== undefined && value.name !== current.name) patch.name = value.name;
  if (value.hostname !== undefined && value.hostname !== current.hostname)
    patch.hostname = value.hostname;
  if (value.priority !== undefined && value.priority !== current.priority)
    patch.priority = value.priority;
  if (value.allowedIps && value.allowedIps.join("\n") !== current.allowedIps.join("\n"))
    patch.allowedIps = value.allowedIps;
  return { ok: true, value: Object.keys(patch).length === 0 ? null : UpdateMember.parse(patch) };
}

/** The fields a patch changes, for the flash: "name, allowed IPs". */
export function changedFields(patch: UpdateMember): string {
  const labels: Record<string, string> = {
    name: "name",
    hostname: "hostname",
    allowedIps: "allowed IPs",
    priority: "priority",
    disabled: "disabled",
  };
  return Object.keys(patch)
    .map((key) => labels[key] ?? key)
    .join(", ");
}
