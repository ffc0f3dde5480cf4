import { z } from "zod";
import { displayName } from "./names";

/** viewer: read; operator: also queue and cancel jobs; admin: everything. */
export const Role = z.enum(["viewer", "operator", "admin"]);
export type Role = z.infer<typeof Role>;

export const CreateApiToken = z.strictObject({
  name: displayName(100),
  role: Role.default("viewer"),
});
export type CreateApiToken = z.infer<typeof CreateApiToken>;

export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  /** First characters of the token, to tell tokens apart; the token itself is never stored. */
  prefix: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().nullable(),
  createdBy: z.string(),
});
export type ApiToken = z.infer<typeof ApiToken>;
