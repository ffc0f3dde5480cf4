import { z } from "zod";
import { displayName } from "./names";
import { FAILOVER_DELAY_S } from "./protocol";

/** What a pool balances with: decides which probes and jobs apply to its members. */
export const PoolProfile = z.enum(["haproxy", "nginx", "generic"]);
export type PoolProfile = z.infer<typeof PoolProfile>;

const name = displayName(100);
const failoverHostname = z
  .hostname("must be a DNS name such as lb.example.com")
  .max(253)
  .refine((value) => value.includes("."), "must be a fully qualified name such as lb.example.com")
  .transform((value) => value.toLowerCase().replace(/\.$/, ""));
const failoverDelayS = z
  .number()
  .int("must be a whole number of seconds")
  .min(FAILOVER_DELAY_S.min, `must be at least ${FAILOVER_DELAY_S.min} seconds`)
  .max(FAILOVER_DELAY_S.max, `must be at most ${FAILOVER_DELAY_S.max} seconds`);

const failbackHoldDownS = z
  .number()
  .int("must be a whole number of seconds")
  .min(0)
  .max(86_400, "must be at most 86400 seconds (a day)");

export const CreatePool = z.strictObject({
  name,
  profile: PoolProfile.default("haproxy"),
  failoverHostname,
  failoverDelayS: failoverDelayS.default(FAILOVER_DELAY_S.default),
  autoFailover: z.boolean().default(true),
  failbackHoldDownS: failbackHoldDownS.default(300),
  allowPrivateAddresses: z.boolean().default(false),
});
export type CreatePool = z.infer<typeof CreatePool>;

export const UpdatePool = z
  .strictObject({
    name,
    profile: PoolProfile,
    failoverHostname,
    failoverDelayS,
    autoFailover: z.boolean(),
    /** A member of this pool that traffic returns to once healthy; null for none. */
    preferredPrimaryId: z.string().min(1).nullable(),
    failbackHoldDownS,
    /** Labs only: members may carry traffic on private and documentation addresses. */
    allowPrivateAddresses: z.boolean(),
  })
  .partial()
  .refine((value) => Object.keys(value).length > 0, "name at least one field to change");
export type UpdatePool = z.infer<typeof UpdatePool>;

export const DeletePoolQuery = z.object({
  force: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});

export const Pool = z.object({
  id: z.string(),
  name: z.string(),
  profile: PoolProfile,
  failoverHostname: z.string(),
  failoverDelayS: z.number(),
  autoFailover: z.boolean(),
  preferredPrimaryId: z.string().nullable(),
  failbackHoldDownS: z.number(),
  /**
   * A lab pool: a member may carry traffic on a private or documentation address (10/8,
   * 192.168/16, 203.0.113/24…). Never on 0.0.0.0, loopback, multicast or broadcast.
   */
  allowPrivateAddresses: z.boolean(),
  /** The member the failover hostname points at, as Baton last decided; null before the first. */
  activeMemberId: z.string().nullable(),
  lastFlipAt: z.number().nullable(),
  /** When the DNS provider last confirmed the records; null if never. */
  dnsSyncedAt: z.number().nullable(),
  /** The provider's last error, cleared once it confirms again. */
  dnsLastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Pool = z.infer<typeof Pool>;

/** Body of `POST /api/v1/pools/:poolId/failover/promote`. */
export const PromoteMember = z.strictObject({
  memberId: z.string().min(1, "name the member to promote"),
});
export type PromoteMember = z.infer<typeof PromoteMember>;
