/**
 * The listening sockets in /proc/net/tcp and /proc/net/tcp6: which address and port each holds
 * and its inode, which /proc/<pid>/fd links name as `socket:[inode]`. The agent reads them only
 * when a port a new config declares is taken, to say which program holds it.
 */

export interface ListeningSocket {
  /** Dotted IPv4, or IPv6 as eight hex groups (`0:0:0:0:0:0:0:1`). */
  address: string;
  port: number;
  inode: number;
}

const LISTEN = "0A";

/** Four bytes of a little-endian 32-bit hex word, in network order. */
function wordBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = 6; i >= 0; i -= 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

function address(hex: string): string {
  if (hex.length === 8) return wordBytes(hex).join(".");
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8)));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/** The LISTEN rows of one /proc/net/tcp or tcp6 file. */
export function parseListeningSockets(text: string): ListeningSocket[] {
  const found: ListeningSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const [local = "", state = "", inode = ""] = [fields[1], fields[3], fields[9]];
    const [hex = "", portHex = ""] = local.split(":");
    if (state !== LISTEN || !/^[0-9A-F]+$/i.test(hex) || (hex.length !== 8 && hex.length !== 32)) {
      continue;
    }
    found.push({ address: address(hex), port: Number.parseInt(portHex, 16), inode: Number(inode) });
  }
  return found;
}

/** Whether `address` (as parsed above) is a wildcard: 0.0.0.0 or ::. */
export function isWildcardAddress(address: string): boolean {
  return address === "0.0.0.0" || /^(0:){7}0$/.test(address);
}
