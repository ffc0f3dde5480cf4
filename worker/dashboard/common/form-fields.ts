import type { z } from "zod";
import type { FieldIssue } from "../../../shared/errors";

/** A posted form as Hono's `parseBody({ all: true })` gives it. */
export type FormFields = Record<string, string | File | (string | File)[]>;

/** What a form shows again after a refusal: the user's input (never a secret) and field errors. */
export interface FormState {
  /** True when it holds what the user posted (an unchecked box then means unchecked). */
  submitted: boolean;
  values: Record<string, string>;
  /** Checkbox groups by name. */
  lists: Record<string, string[]>;
  /** Messages by field name; `form` for what belongs to no one field. */
  errors: Record<string, string>;
}

export const emptyForm = (): FormState => ({ submitted: false, values: {}, lists: {}, errors: {} });

/** A form shown again after a refusal: what the user typed and what is wrong with it. */
export const refusedForm = (
  values: Record<string, string>,
  errors: Record<string, string>,
): FormState => ({ submitted: true, values, lists: {}, errors });

/** The form field of a schema path, for forms whose fields are the body's top-level keys. */
export const firstSegment = (path: string[]) => path[0] || "form";

/** A field's text exactly as typed (a password: spaces may be part of it); "" when absent. */
export function typedTextOf(fields: FormFields, name: string): string {
  const value = fields[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/** A field's text, trimmed; "" when absent. */
export function textOf(fields: FormFields, name: string): string {
  return typedTextOf(fields, name).trim();
}

/** Every value of a repeated field (checkbox group). */
export function listOf(fields: FormFields, name: string): string[] {
  const value = fields[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.filter((item): item is string => typeof item === "string");
}

/** A whole number as typed; other text is passed on as is for the schema to refuse. */
export function numberOrText(text: string): number | string | undefined {
  if (text === "") return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** A checkbox: present (any value but "false") is true. */
export function checked(fields: FormFields, name: string): boolean {
  const value = textOf(fields, name);
  return value !== "" && value !== "false";
}

/**
 * A schema issue in words for a form: a field left empty is "required", a number field holding
 * text says so; everything else keeps the schema's own message.
 */
export function messageOf(issue: z.core.$ZodIssue, empty: boolean): string {
  if (empty) return "required";
  if (issue.code === "invalid_type" && issue.expected === "number") return "must be a whole number";
  return issue.message;
}

/**
 * Field errors from schema issues: `fieldOf` names the form field of an issue's path. The first
 * message per field wins; `isEmpty` tells which fields were left empty.
 */
export function fieldErrors(
  issues: readonly z.core.$ZodIssue[],
  fieldOf: (path: string[]) => string,
  isEmpty: (field: string) => boolean,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = fieldOf(issue.path.map(String));
    errors[field] ??= messageOf(issue, isEmpty(field));
  }
  return errors;
}

/**
 * Field errors from an ApiError's issues (store checks such as "must be a member of this pool");
 * an error without issues is said on `fallback`.
 */
export function apiFieldErrors(
  issues: FieldIssue[] | undefined,
  message: string,
  fieldOf: (path: string[]) => string,
  fallback = "form",
): Record<string, string> {
  if (!issues?.length) return { [fallback]: message };
  return Object.fromEntries(issues.map((issue) => [fieldOf(issue.path.split(".")), issue.message]));
}
