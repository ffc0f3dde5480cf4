/**
 * Parser for nginx's `stub_status` page (nginx 1.22):
 *
 *     Active connections: 2
 *     server accepts handled requests
 *      2 2 7
 *     Reading: 0 Writing: 1 Waiting: 1
 *
 * Pure, tested against a capture from a real nginx; throws on anything else, so a wrong URL
 * (an HTML page, a 404 body) fails the probe instead of reporting zeros.
 */
import type { NginxStatus } from "../../shared/agent-protocol";

const STUB_STATUS =
  /Active connections:\s*(\d+)\s+server accepts handled requests\s+(\d+)\s+(\d+)\s+(\d+)\s+Reading:\s*(\d+)\s+Writing:\s*(\d+)\s+Waiting:\s*(\d+)/;

export function parseStubStatus(text: string): NginxStatus {
  const match = STUB_STATUS.exec(text);
  if (!match) throw new Error("not an nginx stub_status page");
  const [activeConnections, accepts, handled, requests, reading, writing, waiting] = match
    .slice(1)
    .map(Number) as [number, number, number, number, number, number, number];
  return { activeConnections, accepts, handled, requests, reading, writing, waiting };
}
