import type { z } from "zod";
import type { ErrorCode, FieldIssue } from "../../shared/errors";
import { ApiError, validationError } from "../errors";

/**
 * What a coordinator method returns. Errors do not keep their class across Durable Object RPC,
 * so refusals travel as values and the route turns them back into an ApiError.
 */
export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string; issues?: FieldIssue[] };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T>(code: ErrorCode, message: string, issues?: FieldIssue[]): Outcome<T> =>
  issues ? { ok: false, code, message, issues } : { ok: false, code, message };

/** Runs a domain function, turning the ApiError it may throw into a refusal. */
export async function attempt<T>(task: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return ok(await task());
  } catch (error) {
    if (error instanceof ApiError) return refuse(error.code, error.message, error.issues);
    throw error;
  }
}

/**
 * An agent call's body: the HTTP request's text, or a WebSocket message's `body`, already parsed
 * with its envelope (so a message is parsed once).
 */
export type RequestBody = string | { readonly json: unknown };

/**
 * Parses and validates a JSON request body inside the coordinator (after the caller's checks):
 * 400 `validation_failed` naming each bad field. An empty body is `{}`.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  text: RequestBody,
): Outcome<z.output<Schema>> {
  let body: unknown = {};
  if (typeof text !== "string") body = text.json;
  else {
    try {
      if (text.trim() !== "") body = JSON.parse(text);
    } catch {
      return refuse("validation_failed", "Malformed JSON in request body");
    }
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return ok(parsed.data);
  const error = validationError(parsed.error.issues);
  return refuse(error.code, error.message, error.issues);
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new ApiError(outcome.code, outcome.message, outcome.issues);
  return outcome.value;
}
