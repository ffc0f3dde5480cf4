import type { ErrorCode } from "../../shared/errors";
import { ApiError } from "../errors";

/**
 * What a coordinator method returns. Errors do not keep their class across Durable Object RPC,
 * so refusals travel as values and the route turns them back into an ApiError.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const refuse = <T>(code: ErrorCode, message: string): Outcome<T> => ({
  ok: false,
  code,
  message,
});

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new ApiError(outcome.code, outcome.message);
  return outcome.value;
}
