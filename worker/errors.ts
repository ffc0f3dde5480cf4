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
};

/** The one error class of the control plane: a stable code, a message a person can act on. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.status = STATUS_BY_CODE[code];
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

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get("requestId") ?? "unknown";
  if (error instanceof ApiError) return c.json(errorBody(error, requestId), error.status);
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own 4xx (malformed JSON, wrong content type) keep their status with our shape.
    const apiError = new ApiError("validation_failed", error.message);
    return c.json(errorBody(apiError, requestId), error.status);
  }
  log("error", {
    requestId,
    msg: "unhandled error",
    error: String(error),
    stack: (error as Error).stack,
  });
  const internal = new ApiError(
    "internal_error",
    "Something went wrong; the request id is in the log.",
  );
  return c.json(errorBody(internal, requestId), 500);
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => {
  const error = new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  return c.json(errorBody(error, c.get("requestId") ?? "unknown"), 404);
};
