import { z } from "zod";
import { BalancerOnDisk } from "./heartbeat";
import { displayName } from "./names";

const ipv4 = z.ipv4();
const ipv6 = z.ipv6();
const cidrv4 = z.cidrv4();
const cidrv6 = z.cidrv6();

/** One allowed egress address of a member: an IPv4/IPv6 address or a CIDR range. */
export const AllowedIp = z
  .string()
  .trim()
  .refine(
    (value) => [ipv4, ipv6, cidrv4, cidrv6].some((format) => format.safeParse(value).success),
    "must be an IPv4/IPv6 address or CIDR range, such as 203.0.113.7 or 2001:db8::/48",
  );

const allowedIps = z
  .array(AllowedIp)
  .min(1, "list at least one address the agent connects from (0.0.0.0/0 allows any)")
  .max(64, "at most 64 entries");
const name = displayName(100);
/** Lower number = preferred when a standby is chosen. */
const priority = z.number().int("must be a whole number").min(0).max(1000);

export const MemberHostname = z
  .hostname("must be the VM's hostname, such as edge-1 or edge-1.example.com")
  .max(253)
  .transform((value) => value.toLowerCase());

export const CreateMember = z.strictObject({
  name,
  hostname: MemberHostname,
  allowedIps,
  priority: priority.default(100),
});
export type CreateMember = z.infer<typeof CreateMember>;

/** A changed hostname applies at once: the agent must then run on a host of that name. */
export const UpdateMember = z
  .strictObject({ name, hostname: MemberHostname, allowedIps, priority, disabled: z.boolean() })
  .partial()
  .refine((value) => Object.keys(value).length > 0, "name at least one field to change");
export type UpdateMember = z.infer<typeof UpdateMember>;

/** Liveness as the pool's coordinator sees it. `unknown`: never heard from. */
export const MemberStatus = z.enum(["unknown", "online", "offline"]);
export type MemberStatus = z.infer<typeof MemberStatus>;

export const Member = z.object({
  id: z.string(),
  poolId: z.string(),
  name: z.string(),
  hostname: z.string(),
  allowedIps: z.array(z.string()),
  priority: z.number(),
  status: MemberStatus,
  lastHeartbeatAt: z.number().nullable(),
  agentVersion: z.string().nullable(),
  publicIp: z.string().nullable(),
  draining: z.boolean(),
  disabled: z.boolean(),
  /**
   * The managed balancer file its last heartbeat reported (revision from the header, SHA-256 of
   * the text); null before one was heard since the control plane started, or without a file.
   */
  balancer: BalancerOnDisk.nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Member = z.infer<typeof Member>;
