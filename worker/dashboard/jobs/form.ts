import type { FieldIssue } from "../../../shared/errors";
import { CreateJob, JOB_CATALOG, JobKind } from "../../../shared/jobs";
import { splitTarget } from "./server-choices";

/** The Jobs tab's form fields, by name: `kind`, `_csrf`, and each kind's payload fields. */
export type JobFormFields = Record<string, string | File | (string | File)[]>;

function text(value: JobFormFields[string] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : undefined;
}

/**
 * The admin API's request body from the form: the kind, and the payload fields its schema names
 * (other fields of the form are ignored). An empty optional field is left out; an empty required
 * one is sent as is, so the kind's schema names it. A picked `target` ("backend/server") fills
 * `backend` and `server`. A ticked "Skip the standby canary" is
 * `force: true`. The payload itself is checked where the API checks it, in enqueueMemberJob.
 */
export function jobRequestFromForm(
  fields: JobFormFields,
): { ok: true; value: CreateJob } | { ok: false; message: string } {
  const kind = JobKind.safeParse(text(fields.kind));
  if (!kind.success) return { ok: false, message: "Not queued: choose a job kind" };
  const shape: Record<string, { safeParse(value: unknown): { success: boolean } }> =
    JOB_CATALOG[kind.data].payload.shape;
  const payload: Record<string, string> = {};
  // The backend/server picker (one "backend/server" value) stands for the two text fields.
  const picked = splitTarget(text(fields.target) ?? "");
  const typed: JobFormFields = picked ? { ...fields, ...picked } : fields;
  for (const [name, schema] of Object.entries(shape)) {
    const value = text(typed[name])?.trim() ?? "";
    if (value === "" && schema.safeParse(undefined).success) continue;
    // Config text is sent as typed (trailing newlines matter to HAProxy and nginx).
    payload[name] = name === "config" ? (text(typed[name]) ?? "") : value;
  }
  const force = text(fields.force) === "on" ? { force: true } : {};
  const request = CreateJob.safeParse({ kind: kind.data, payload, ...force });
  if (!request.success) return { ok: false, message: "Not queued: the request is not valid" };
  return { ok: true, value: request.data };
}

/** A refusal of the queue as a flash: each bad payload field by name, else the reason. */
export function notQueuedMessage(refusal: { message: string; issues?: FieldIssue[] }): string {
  if (!refusal.issues?.length) return `Not queued: ${refusal.message}`;
  const fields = refusal.issues.map(
    (issue) => `${issue.path.replace(/^payload\./, "")}: ${issue.message}`,
  );
  return `Not queued: ${fields.join("; ")}`;
}
