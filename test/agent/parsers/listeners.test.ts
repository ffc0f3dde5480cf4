import { describe, expect, it } from "vitest";
import { connectHost, haproxyListeners, nginxListeners } from "../../../agent/parsers/listeners";

const names = (listeners: { name: string }[]) => listeners.map((l) => l.name);

describe("haproxyListeners", () => {
  it("reads bind lines of frontend and listen sections, not peers or a disabled frontend", () => {
    const text = [
      "global",
      "  stats socket /run/haproxy/admin.sock mode 600 level admin",
      "peers mine",
      "  bind 127.0.0.1:10000",
      "frontend fe_web # the public one",
      "  bind 10.99.99.99:8443 ssl crt /etc/ssl/baton/x.pem",
      "  bind :80,ipv6@:443",
      "  # bind 127.0.0.1:9 is a comment",
      "listen stats",
      "  bind *:8404",
      "frontend fe_off",
      "  bind 127.0.0.1:7000",
      "  disabled",
      "backend be_app",
      "  server app1 127.0.0.1:8080",
    ].join("\n");
    expect(haproxyListeners(text)).toEqual([
      { name: "10.99.99.99:8443", host: "10.99.99.99", port: 8443, transparent: false },
      { name: "*:80", host: "0.0.0.0", port: 80, transparent: false },
      { name: "*:443", host: "::", port: 443, transparent: false },
      { name: "*:8404", host: "0.0.0.0", port: 8404, transparent: false },
    ]);
  });

  it("skips what it cannot check from here, expands small port ranges, marks transparent", () => {
    const text = [
      "frontend fe",
      "  bind /run/haproxy/fe.sock",
      "  bind unix@/run/x.sock",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HAProxy's own variable syntax
      "  bind fd@${FD_HTTP}",
      "  bind quic4@:443",
      "  bind 192.0.2.1:80 namespace other",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: HAProxy's own variable syntax
      "  bind ${ADDR}:80",
      "  bind 127.0.0.1:9000-9002",
      "  bind [::1]:8080",
      "  bind 198.51.100.7:80 transparent",
    ].join("\n");
    expect(names(haproxyListeners(text))).toEqual([
      "127.0.0.1:9000",
      "127.0.0.1:9001",
      "127.0.0.1:9002",
      "[::1]:8080",
      "198.51.100.7:80",
    ]);
    expect(haproxyListeners(text).at(-1)?.transparent).toBe(true);
  });
});

describe("nginxListeners", () => {
  it("reads every listen form nginx accepts", () => {
    const text = [
      "http {",
      "  server { listen 80; listen [::]:80 ipv6only=on; }",
      "  server { listen 127.0.0.1:8080 ssl; listen localhost; }",
      "  server { listen *:8443; listen unix:/run/nginx.sock; listen 443 quic; }",
      '  server { listen 10.99.99.99:8443; return 200 "listen 1.2.3.4:5"; }',
      "}",
    ].join("\n");
    expect(names(nginxListeners(text))).toEqual([
      "*:80",
      "[::]:80",
      "127.0.0.1:8080",
      "localhost:80",
      "*:8443",
      "10.99.99.99:8443",
    ]);
  });
});

describe("connectHost", () => {
  it("reaches a wildcard through loopback", () => {
    const [v4, v6, one] = haproxyListeners("listen x\n  bind :80,ipv6@:80,192.0.2.2:80\n");
    expect([v4, v6, one].map((l) => l && connectHost(l))).toEqual([
      "127.0.0.1",
      "::1",
      "192.0.2.2",
    ]);
  });
});
