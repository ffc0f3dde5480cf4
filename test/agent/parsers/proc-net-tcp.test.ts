import { describe, expect, it } from "vitest";
import { isWildcardAddress, parseListeningSockets } from "../../../agent/parsers/proc-net-tcp";

// Captured from this machine (Linux 6.x), one established row added.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:8103 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 701959 1 00000000bc9ac93d 100 0 0 10 0
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 242 1 00000000b07de122 100 0 0 10 0
   2: 0100007F:942F 0100007F:8103 01 00000000:00000000 00:00000000 00000000     0        0 701992 1 00000000fa5d3862 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4343 1 0000000000000000 100 0 0 10 0
`;

describe("parseListeningSockets", () => {
  it("reads LISTEN rows of /proc/net/tcp with their address, port and inode", () => {
    expect(parseListeningSockets(TCP)).toEqual([
      { address: "127.0.0.1", port: 33027, inode: 701959 },
      { address: "0.0.0.0", port: 2024, inode: 242 },
    ]);
  });

  it("reads /proc/net/tcp6 (:: and ::1)", () => {
    const sockets = parseListeningSockets(TCP6);
    expect(sockets).toEqual([
      { address: "0:0:0:0:0:0:0:0", port: 80, inode: 4242 },
      { address: "0:0:0:0:0:0:0:1", port: 8080, inode: 4343 },
    ]);
    expect(sockets.map((s) => isWildcardAddress(s.address))).toEqual([true, false]);
  });
});
