import type { FieldIssue } from "../../../shared/errors";
import type { FieldErrors } from "../views/labelled-field";

/** A submitted form's text fields by name (files and repeated names ignored). */
export function textFields(body: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/** The first message of each field a schema refused, by the field's top-level name. */
export function fieldErrorsOf(
  issues: readonly { path: readonly PropertyKey[] | string; message: string }[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const path = typeof issue.path === "string" ? issue.path : issue.path.map(String).join(".");
    const field = path.split(".")[0] || "form";
    errors[field] ??= issue.message;
  }
  return errors;
}

/** An ApiError's field issues as field errors, or its message on `fallbackField`. */
export function errorsOfRefusal(
  refusal: { message: string; issues?: FieldIssue[] },
  fallbackField: string,
): FieldErrors {
  if (refusal.issues?.length) return fieldErrorsOf(refusal.issues);
  return { [fallbackField]: refusal.message };
}
