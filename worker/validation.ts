import { zValidator } from "@hono/zod-validator";
import type { Context, ValidationTargets } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { validationError } from "./errors";
import type { AppEnv } from "./types";

const TARGET_NAMES: Partial<Record<keyof ValidationTargets, string>> = {
  json: "body",
  query: "query",
  param: "path",
};

/** zValidator with the shared error shape: 400 `validation_failed` naming each bad field. */
export function validate<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error.issues, TARGET_NAMES[target] ?? target);
  });
}

/** `validate` with a schema that depends on the request, e.g. on the Worker's config. */
export function validateWith<Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  schemaFor: (c: Context<AppEnv>) => Schema,
) {
  return validator(target, (value, c: Context<AppEnv>) => {
    const result = schemaFor(c).safeParse(value);
    if (!result.success) throw validationError(result.error.issues, TARGET_NAMES[target] ?? target);
    return result.data as z.output<Schema>;
  });
}
