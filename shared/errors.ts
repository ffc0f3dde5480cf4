import { z } from "zod";

/**
 * Every error code the control plane answers with. Codes are stable: clients and agents may
 * switch on them. Add to the end; never rename.
 */
export const ERROR_CODES = [
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "pool_not_empty",
  "hostname_taken",
  "idempotency_conflict",
  "job_not_cancellable",
  "job_not_running",
  "job_finished",
  "bad_secret",
  "ip_not_allowed",
  "hostname_mismatch",
  "unsupported_protocol",
  "internal_error",
  "member_not_ready",
  "no_ready_standby",
  "account_in_use",
  "job_not_allowed",
  "backup_mismatch",
  "backup_too_large",
  "checksum_mismatch",
  "csrf_failed",
  "last_admin",
  "username_taken",
  "backup_exists",
  "payload_too_large",
  "balancer_unsupported",
  "certificate_unreadable",
  "private_key_unreadable",
  "key_unsupported",
  "key_mismatch",
  "chain_out_of_order",
  "certificate_expired",
  "certificate_not_yet_valid",
  "certificate_in_use",
  "chain_signature_invalid",
  "rollout_running",
  "rollout_finished",
  "balancer_managed",
  "balancer_not_managed",
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One field that failed validation: `path` is dotted (`allowedIps.1`). */
export const FieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof FieldIssue>;

/** The body of every error response, from every route. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    requestId: z.string(),
    issues: z.array(FieldIssue).optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
