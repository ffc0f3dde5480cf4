/** Adding the agent's admin stats socket to an HAProxy config's global section. */
import { describe, expect, it } from "vitest";
import { ensureStatsSocket } from "../../../agent/jobs/stats-socket";

const SOCKET = "/run/haproxy/admin.sock";
const WANTED = `stats socket ${SOCKET} mode 660 level admin`;

describe("ensureStatsSocket", () => {
  it("leaves a config that already has the admin socket alone (Debian's default)", () => {
    const text = `global\n\tlog /dev/log local0\n\tstats socket ${SOCKET} mode 660 level admin expose-fd listeners\n\ndefaults\n`;
    expect(ensureStatsSocket(text, SOCKET)).toEqual({ text, changed: false });
  });

  it("adds the socket after the last global directive, with the section's indentation", () => {
    const text = "global\n  log stdout local0\n  maxconn 100\n\ndefaults\n  mode http\n";
    expect(ensureStatsSocket(text, SOCKET)).toEqual({
      text: `global\n  log stdout local0\n  maxconn 100\n  ${WANTED}\n\ndefaults\n  mode http\n`,
      changed: true,
    });
  });

  it("raises a socket at our path to admin level, and keeps other sockets (RHEL's default)", () => {
    const text = `global\n    stats socket /var/lib/haproxy/stats\n    stats socket ${SOCKET} mode 600\ndefaults\n`;
    expect(ensureStatsSocket(text, SOCKET).text).toBe(
      `global\n    stats socket /var/lib/haproxy/stats\n    ${WANTED}\ndefaults\n`,
    );
  });

  it("adds a global section when there is none", () => {
    const { text, changed } = ensureStatsSocket("defaults\n  mode http\n", SOCKET);
    expect(changed).toBe(true);
    expect(text).toBe(`global\n    ${WANTED}\n\ndefaults\n  mode http\n`);
  });
});
