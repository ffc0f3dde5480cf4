import { describe, expect, it } from "vitest";
import { outboundUrlRefusal, PUBLIC_ONLY } from "../../../worker/lib/outbound-url";

const DEVELOPMENT = { allowPrivateUrls: true };

describe("outboundUrlRefusal, deployed (public https only)", () => {
  it.each([
    ["https://hooks.slack.com/services/T0/B0/x", null],
    ["https://pdns.example.com:8081/", null],
    ["https://203.0.113.7/api", null],
    ["https://[2001:db8::1]/", null],
    ["http://hooks.example.com/", "must use https://"],
    ["ftp://example.com/", "must be an https:// URL"],
    ["not a url", "not a URL"],
    ["https://127.0.0.1:8081/?", "127.0.0.1 is a loopback address"],
    ["https://127.5.6.7/", "127.5.6.7 is a loopback address"],
    ["https://[::1]/", "::1 is a loopback address"],
    ["https://2130706433/", "127.0.0.1 is a loopback address"],
    ["https://0x7f.1/", "127.0.0.1 is a loopback address"],
    ["https://0177.0.0.1/", "127.0.0.1 is a loopback address"],
    ["https://[::ffff:127.0.0.1]/", "::ffff:7f00:1 is a loopback address"],
    ["https://[::ffff:169.254.169.254]/", "::ffff:a9fe:a9fe is a link-local address"],
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"],
    ["https://[fe80::1]/", "fe80::1 is a link-local address"],
    ["https://0.0.0.0/", "0.0.0.0 is an unspecified address"],
    ["https://10.1.2.3/", "10.1.2.3 is a private address"],
    ["https://172.16.0.1/", "172.16.0.1 is a private address"],
    ["https://172.31.255.255/", "172.31.255.255 is a private address"],
    ["https://172.32.0.1/", null],
    ["https://192.168.1.1/", "192.168.1.1 is a private address"],
    ["https://100.64.0.1/", "100.64.0.1 is a shared address space (CGNAT) address"],
    ["https://[fd00::1]/", "fd00::1 is a private address"],
    ["https://224.0.0.1/", "224.0.0.1 is a multicast address"],
    ["https://255.255.255.255/", "255.255.255.255 is a reserved or broadcast address"],
    ["https://[64:ff9b::7f00:1]/", "64:ff9b::7f00:1 is an IPv4-compatible or NAT64 address"],
    ["https://localhost:8081/", "localhost is a local name"],
    ["https://LOCALHOST./", "localhost is a local name"],
    ["https://pdns.localhost/", "pdns.localhost is a local name"],
    ["https://metadata.google.internal/", "metadata.google.internal is a local name"],
    ["https://printer.local/", "printer.local is a local name"],
    ["https://metadata/", "metadata is not a fully qualified name"],
    ["https://user:pass@127.0.0.1/", "127.0.0.1 is a loopback address"],
    // A backslash ends the host, as fetch reads it too: this goes to evil.example.
    ["https://evil.example\\@127.0.0.1/", null],
  ])("%s → %s", (href, refusal) => {
    expect(outboundUrlRefusal(href, PUBLIC_ONLY)).toBe(refusal);
  });
});

describe("outboundUrlRefusal, development (ALLOW_PRIVATE_URLS)", () => {
  it.each([
    ["http://127.0.0.1:8081/", null],
    ["http://localhost:8081/", null],
    ["http://[::1]:8081/", null],
    ["http://10.0.0.5/", null],
    ["http://pdns/", null],
    ["https://hooks.example.com/", null],
    [
      "http://hooks.example.com/",
      "must use https:// (http:// only to loopback and private addresses)",
    ],
    ["http://169.254.169.254/", "169.254.169.254 is a link-local address"],
    ["http://0.0.0.0:8081/", "0.0.0.0 is an unspecified address"],
  ])("%s → %s", (href, refusal) => {
    expect(outboundUrlRefusal(href, DEVELOPMENT)).toBe(refusal);
  });
});
