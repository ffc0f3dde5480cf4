/** A real PowerDNS Authoritative server on loopback, with its API, for one test file or run. */
export interface PdnsServer {
  apiUrl: string;
  apiKey: string;
  dnsPort: number;
  /** The pdns_server process (no children: guardian=no). */
  pid: number | undefined;
  /** Its temporary directory (config, sqlite database, control socket). */
  dir: string;
  stop(): Promise<void>;
}

export function findExecutable(name: string): string | undefined;
export function digBinary(): string;
export function startPdns(): Promise<PdnsServer>;
export function createZone(pdns: PdnsServer, zone: string): Promise<void>;
export function dig(
  port: number,
  name: string,
  answer?: "short" | "full",
  type?: "A" | "TXT",
): Promise<string[]>;
