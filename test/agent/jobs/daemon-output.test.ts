/**
 * daemonLines on output captured from HAProxy 2.6.12 and nginx 1.22.1 on this machine: their own
 * message lines stay, with the paths and words of the supplied config, and anything they quoted
 * from another file becomes '…'.
 */
import { describe, expect, it } from "vitest";
import { daemonLines, redactQuoted } from "../../../agent/jobs/daemon-output";

const HAPROXY_CRT_LIST = `[NOTICE]   (9768) : haproxy version is 2.6.12-1+deb12u4
[NOTICE]   (9768) : path to executable is /usr/sbin/haproxy
[ALERT]    (9768) : config : parsing [h.cfg:8] : 'bind 127.0.0.1:18443' in section 'frontend' : 'crt-list' : unable to stat SSL certificate from file 'secretline1' : No such file or directory.
[ALERT]    (9768) : config : Error(s) found in configuration file : h.cfg
[ALERT]    (9768) : config : Fatal errors found in configuration.`;

const HAPROXY_CFG = "frontend f\n  bind 127.0.0.1:18443 ssl crt-list /tmp/pol/secret.txt\n";

const NGINX_INCLUDE = `2026/12/04 20:59:35 [emerg] 9774#9774: unknown directive "root:$6$salt$hash:19000:0:99999:7:::" in /etc/shadow:1
nginx: configuration file /tmp/pol/n.conf test failed`;

describe("daemonLines", () => {
  it("keeps HAProxy's lines and its own words, but not the word it read from the crt-list", () => {
    expect(daemonLines("haproxy", HAPROXY_CRT_LIST, [HAPROXY_CFG])).toEqual([
      "[NOTICE]   (9768) : haproxy version is 2.6.12-1+deb12u4",
      "[NOTICE]   (9768) : path to executable is /usr/sbin/haproxy",
      "[ALERT]    (9768) : config : parsing [h.cfg:8] : 'bind 127.0.0.1:18443' in section 'frontend' : 'crt-list' : unable to stat SSL certificate from file '…' : No such file or directory.",
      "[ALERT]    (9768) : config : Error(s) found in configuration file : h.cfg",
      "[ALERT]    (9768) : config : Fatal errors found in configuration.",
    ]);
  });

  it("keeps nginx's lines with the file and line, not the directive it read there", () => {
    expect(daemonLines("nginx", NGINX_INCLUDE, ["events {}\ninclude /etc/shadow;\n"])).toEqual([
      '2026/12/04 20:59:35 [emerg] 9774#9774: unknown directive "…" in /etc/shadow:1',
      "nginx: configuration file /tmp/pol/n.conf test failed",
    ]);
  });

  it("keeps a word the config itself has", () => {
    const line =
      '2026/12/04 21:00:00 [emerg] 1#1: unknown directive "frobnicate" in /etc/nginx/nginx.conf:3';
    expect(daemonLines("nginx", line, ["http {\n  frobnicate on;\n}\n"])).toEqual([line]);
  });

  it("drops lines that are not the daemon's own messages, and says how many", () => {
    const output = `${HAPROXY_CRT_LIST}\nroot:x:0:0:root:/root:/bin/bash\n`;
    const lines = daemonLines("haproxy", output, [HAPROXY_CFG]);
    expect(lines.at(-1)).toBe("(1 other lines of haproxy output not shown)");
    expect(lines.join("\n")).not.toContain("root:x");
  });
});

describe("redactQuoted", () => {
  it.each([
    ["no quotes", "plain text", "plain text"],
    ["a known word", "unknown keyword 'maxconn'", "unknown keyword 'maxconn'"],
    ["an unknown word", "unknown keyword 'hunter2'", "unknown keyword '…'"],
    ["double quotes", 'expecting ";" or "}"', 'expecting ";" or "}"'],
    ["empty quotes", "value ''", "value ''"],
  ])("%s", (_name, line, want) => {
    expect(redactQuoted(line, ["global\n  maxconn 10;\n}\n"])).toBe(want);
  });
});
