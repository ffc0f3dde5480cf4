import type { ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { ErrorBody, ErrorCode, FieldIssue } from "../shared/errors";
import { log } from "./log";
import type { AppEnv } from "./types";

const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  unauthorized: 401,
  bad_secret: 401,
  forbidden: 403,
  ip_not_allowed: 403,
  hostname_mismatch: 403,
  not_found: 404,
  pool_not_empty: 409,
  hostname_taken: 409,
  idempotency_conflict: 409,
  job_not_cancellable: 409,
  job_not_running: 409,
  job_finished: 409,
  member_not_ready: 409,
  no_ready_standby: 409,
  account_in_use: 409,
  job_not_allowed: 409,
  backup_mismatch: 409,
  checksum_mismatch: 400,
  backup_too_large: 413,
  unsupported_protocol: 426,
  internal_error: 500,
  csrf_failed: 403,
  last_admin: 409,
  username_taken: 409,
  backup_exists: 409,
  payload_too_large: 413,
  balancer_unsupported: 400,
  certificate_unreadable: 400,
  private_key_unreadable: 400,
  key_unsupported: 400,
  key_mismatch: 400,
  chain_out_of_order: 400,
  certificate_expired: 400,
  certificate_not_yet_valid: 400,
  certificate_in_use: 409,
  chain_signature_invalid: 400,
  rollout_running: 409,
  rollout_finished: 409,
  balancer_managed: 409,
  balancer_not_managed: 409,
};

/** The one error class of the control plane: a stable code, a message a person can act on. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    status?: ContentfulStatusCode,
  ) {
    super(message);
    this.status = status ?? STATUS_BY_CODE[code];
  }
}

/** Turns zod issues into `validation_failed`, naming each field and what is wrong with it. */
export function validationError(issues: readonly z.core.$ZodIssue[], where = "body"): ApiError {
  const fieldIssues = issues.map((issue) => ({
    path: issue.path.map(String).join(".") || where,
    message: issue.message,
  }));
  const summary = fieldIssues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return new ApiError("validation_failed", `Invalid ${where}: ${summary}`, fieldIssues);
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId } };
  if (error.issues) body.error.issues = error.issues;
  return body;
}

/** Any thrown error as an ApiError: ours as they are, Hono's 4xx kept, the rest logged as 500. */
export function toApiError(error: Error, requestId: string): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own 4xx (malformed JSON, wrong content type) keep their status with our shape.
    return new ApiError("validation_failed", error.message, undefined, error.status);
  }
  log("error", {
    requestId,
    msg: "unhandled error",
    error: String(error),
    stack: (error as Error).stack,
  });
  return new ApiError("internal_error", "Something went wrong; the request id is in the log.");
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get("requestId") ?? "unknown";
  const apiError = toApiError(error, requestId);
  return c.json(errorBody(apiError, requestId), apiError.status);
};

/** The error an unmatched path answers with. */
export function noRoute(method: string, path: string): ApiError {
  return new ApiError("not_found", `No route for ${method} ${path}`);
}

export const onNotFound: NotFoundHandler<AppEnv> = (c) => {
  const error = noRoute(c.req.method, c.req.path);
  return c.json(errorBody(error, c.get("requestId") ?? "unknown"), 404);
};
