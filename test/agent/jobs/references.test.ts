/** Which certificate files HAProxy and nginx configs reference (what a backup carries along). */
import { describe, expect, it } from "vitest";
import {
  crtListReferences,
  haproxyReferences,
  nginxReferences,
} from "../../../agent/jobs/references";

describe("haproxyReferences", () => {
  it.each([
    ["bind :443 ssl crt /etc/ssl/site.pem", ["crt /etc/ssl/site.pem"]],
    ["bind :443 ssl crt /etc/haproxy/certs/ alpn h2", ["crt /etc/haproxy/certs"]],
    ["bind :443 ssl crt-list /etc/haproxy/list.txt", ["crt-list /etc/haproxy/list.txt"]],
    [
      "server s1 10.0.0.1:443 ssl verify required ca-file /etc/ssl/ca.pem crl-file /etc/ssl/crl.pem",
      ["ca-file /etc/ssl/ca.pem", "crl-file /etc/ssl/crl.pem"],
    ],
    ['bind :443 ssl crt "/etc/ssl/with space.pem"', ["crt /etc/ssl/with space.pem"]],
    ["server s1 10.0.0.1:443 ssl ca-file @system-ca", []],
    ["bind :443 ssl crt $CERT_FILE", []],
    ["# bind :443 ssl crt /etc/ssl/commented.pem", []],
    ["bind :443 ssl crt /a.pem # crt /b.pem", ["crt /a.pem"]],
    ["http-request set-header X-Crt crt", []],
  ])("%s", (line, expected) => {
    const found = haproxyReferences(`frontend f\n  ${line}\n`);
    expect(found.map((r) => `${r.keyword} ${r.path}`)).toEqual(expected);
  });

  it("resolves relative paths against crt-base and ca-base", () => {
    const text = [
      "global",
      "  crt-base /etc/ssl/private",
      "  ca-base /etc/ssl/certs",
      "  ssl-dh-param-file dh.pem",
      "frontend f",
      "  bind :443 ssl crt site.pem ca-file ca.pem crt-list lists/a.txt",
    ].join("\n");
    expect(haproxyReferences(text)).toEqual([
      { keyword: "ssl-dh-param-file", path: "/etc/ssl/private/dh.pem" },
      { keyword: "crt", path: "/etc/ssl/private/site.pem" },
      { keyword: "ca-file", path: "/etc/ssl/certs/ca.pem" },
      { keyword: "crt-list", path: "/etc/ssl/private/lists/a.txt", base: "/etc/ssl/private" },
    ]);
  });

  it("reads the certificates a crt-list names, with ca-file options in brackets", () => {
    const list =
      "# comment\nsite.pem [alpn h2 ca-file /etc/ssl/ca.pem] www.example.com\n/abs/other.pem\n";
    expect(crtListReferences(list, "/etc/ssl/private").map((r) => r.path)).toEqual([
      "/etc/ssl/private/site.pem",
      "/etc/ssl/ca.pem",
      "/abs/other.pem",
    ]);
  });
});

describe("nginxReferences", () => {
  it("finds ssl_* files in any block, relative ones under the config dir", () => {
    const text = [
      "http {",
      "  server { listen 443 ssl;",
      "    ssl_certificate /etc/ssl/site.crt; ssl_certificate_key private/site.key;",
      '    ssl_trusted_certificate "/etc/ssl/chain.pem";',
      "    # ssl_certificate /etc/ssl/commented.crt;",
      "    ssl_certificate $ssl_server_name.crt;",
      "    ssl_certificate_key data:$variable;",
      "    location / { proxy_ssl_certificate /etc/ssl/client.crt; }",
      "  }",
      "}",
    ].join("\n");
    expect(nginxReferences(text, "/etc/nginx").map((r) => `${r.keyword} ${r.path}`)).toEqual([
      "ssl_certificate /etc/ssl/site.crt",
      "ssl_certificate_key /etc/nginx/private/site.key",
      "ssl_trusted_certificate /etc/ssl/chain.pem",
      "proxy_ssl_certificate /etc/ssl/client.crt",
    ]);
  });
});
