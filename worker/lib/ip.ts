import { convertIPv4ToBinary, convertIPv6ToBinary } from "hono/utils/ipaddr";

/** An IP address as a number, with its family's bit width. */
interface ParsedIp {
  bits: 32 | 128;
  value: bigint;
}

/** Parses an IPv4 or IPv6 address (hono's parser); null when it is neither. */
export function parseIp(text: string): ParsedIp | null {
  try {
    return text.includes(":")
      ? { bits: 128, value: convertIPv6ToBinary(text) }
      : { bits: 32, value: convertIPv4ToBinary(text) };
  } catch {
    return null;
  }
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries. */
function unmapIpv4(ip: ParsedIp): ParsedIp {
  if (ip.bits === 128 && ip.value >> 32n === 0xffffn)
    return { bits: 32, value: ip.value & 0xffffffffn };
  return ip;
}

/** Whether `address` lies within `range`, an address or a CIDR such as 10.0.0.0/8. */
export function ipInRange(address: string, range: string): boolean {
  const parsedAddress = parseIp(address);
  const [base = "", prefixText] = range.split("/");
  const parsedBase = parseIp(base);
  if (!parsedAddress || !parsedBase) return false;
  const ip = unmapIpv4(parsedAddress);
  if (ip.bits !== parsedBase.bits) return false;
  const prefix = prefixText === undefined ? ip.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) return false;
  const shift = BigInt(ip.bits - prefix);
  return ip.value >> shift === parsedBase.value >> shift;
}

/** Whether `address` is within any of `ranges`. */
export function ipAllowed(address: string, ranges: readonly string[]): boolean {
  return ranges.some((range) => ipInRange(address, range));
}
