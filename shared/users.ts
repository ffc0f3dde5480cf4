import { z } from "zod";
import { Role } from "./tokens";

/** Shortest dashboard password accepted: long passphrases beat composition rules. */
export const MIN_PASSWORD_LENGTH = 12;
// PBKDF2 hashes any length, but a megabyte "password" would only cost CPU.
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_USERNAME_LENGTH = 64;

/** Letters, digits and `. _ @ -`; unique regardless of case (`Alice` and `alice` are one user). */
export const Username = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_USERNAME_LENGTH)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    "may hold letters, digits and . _ @ - and must start with a letter or digit",
  );
export type Username = z.infer<typeof Username>;

export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);

export const CreateUser = z.strictObject({
  username: Username,
  role: Role,
  password: Password,
});
export type CreateUser = z.infer<typeof CreateUser>;

/** A change to a user; `disabled: true` signs them out everywhere and stops them signing in. */
export const UpdateUser = z
  .strictObject({
    role: Role.optional(),
    password: Password.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), {
    message: "name at least one of role, password, disabled",
  });
export type UpdateUser = z.infer<typeof UpdateUser>;

/** A dashboard user as the API shows it; the password hash never leaves the database. */
export const User = z.object({
  id: z.string(),
  username: z.string(),
  role: Role,
  createdAt: z.number(),
  updatedAt: z.number(),
  disabledAt: z.number().nullable(),
});
export type User = z.infer<typeof User>;
