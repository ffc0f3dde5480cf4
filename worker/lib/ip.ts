/** An IP address as a number, with its family's bit width. */
interface ParsedIp {
  bits: 32 | 128;
  value: bigint;
}

function parseIpv4(text: string): ParsedIp | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return { bits: 32, value };
}

function parseIpv6(text: string): ParsedIp | null {
  let address = text.toLowerCase();
  // An embedded IPv4 tail (::ffff:192.0.2.1) becomes two hex groups.
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4Tail?.[1]) {
    const v4 = parseIpv4(v4Tail[1]);
    if (!v4) return null;
    const high = ((v4.value >> 16n) & 0xffffn).toString(16);
    const low = (v4.value & 0xffffn).toString(16);
    address = `${address.slice(0, -v4Tail[1].length)}${high}:${low}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return { bits: 128, value };
}

/** Parses an IPv4 or IPv6 address; null when it is neither. */
export function parseIp(text: string): ParsedIp | null {
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
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
