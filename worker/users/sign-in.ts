import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { users } from "../db/schema/users";
import { runWrites, type Write } from "../db/writes";
import type { DashboardSession } from "../types";
import { hashPassword, PASSWORD_ITERATIONS, verifyDecoy, verifyPassword } from "./passwords";
import { createSession } from "./sessions";
import { findUserByUsername } from "./store";
import { admitSignIn, forgiveSignIn } from "./throttle";

export interface SignInAttempt {
  username: string;
  password: string;
  /** The client's address, for the per-address throttle. */
  ip: string;
}

export type SignInOutcome =
  | { kind: "signed_in"; secret: string; session: DashboardSession }
  | { kind: "throttled"; retryAt: number }
  | { kind: "wrong_credentials" }
  | { kind: "disabled" };

/**
 * Checks a username and password. Every attempt is counted (atomically) before its password is
 * checked and a throttled one is refused unchecked; success takes its attempt back, forgives the
 * username's failures from this address and opens a session. An unknown username costs the same
 * time as a wrong password.
 */
export async function attemptSignIn(
  db: Db,
  attempt: SignInAttempt,
  now: number,
): Promise<SignInOutcome> {
  const retryAt = await admitSignIn(db, attempt.username, attempt.ip, now);
  if (retryAt !== null) return { kind: "throttled", retryAt };

  const user = await findUserByUsername(db, attempt.username);
  const ok = user
    ? await verifyPassword(attempt.password, user)
    : await verifyDecoy(attempt.password);
  if (!user || !ok) return { kind: "wrong_credentials" };
  if (user.disabledAt !== null) return { kind: "disabled" };

  const writes: Write[] = await forgiveSignIn(db, attempt.username, attempt.ip);
  if (user.passwordIterations !== PASSWORD_ITERATIONS) {
    // Hashed with an older iteration count: rehash while the password is at hand.
    const rehashed = await hashPassword(attempt.password);
    writes.push(db.update(users).set(rehashed).where(eq(users.id, user.id)));
  }
  await runWrites(db, writes);
  const { secret, row } = await createSession(db, user.id, now);
  return {
    kind: "signed_in",
    secret,
    session: { userId: user.id, username: user.username, role: user.role, csrf: row.csrf },
  };
}
