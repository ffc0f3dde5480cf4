/** HAProxy 2.6 directives against the config policy: what is refused, and which paths it names. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDirs } from "../../../agent/policy/dirs";
import { checkHaproxy } from "../../../agent/policy/haproxy-policy";
import { pathViolations } from "../../../agent/policy/rules";

const FILE = "/etc/haproxy/haproxy.cfg";
const dirs = policyDirs("haproxy", { extraAllowedDirs: [] }, "/etc/haproxy");

/** `directive: reason` for each refusal of `text`, directives and paths together. */
function refusals(text: string): string[] {
  const { violations, refs } = checkHaproxy(text, FILE);
  return [...violations, ...pathViolations(refs, dirs)].map((v) => `${v.line} ${v.directive}`);
}

describe("checkHaproxy: directives that run programs or load code", () => {
  it.each([
    ["a program section", "program x\n  command /bin/sh -c id\n", ["1 program"]],
    [
      "external checks",
      "backend b\n  option external-check\n  external-check command /bin/true\n",
      ["2 option external-check", "3 external-check"],
    ],
    ["the global external-check switch", "global\n  external-check\n", ["2 external-check"]],
    ["lua-load", "global\n  lua-load /etc/haproxy/x.lua\n", ["2 lua-load"]],
    [
      "lua-load-per-thread",
      "global\n  lua-load-per-thread /etc/haproxy/x.lua\n",
      ["2 lua-load-per-thread"],
    ],
    ["lua-prepend-path", "global\n  lua-prepend-path /etc/haproxy/?.lua\n", ["2 lua-prepend-path"]],
    ["a Lua action", "frontend f\n  http-request lua.hello\n", ["2 lua.hello"]],
    ["a Lua service", "frontend f\n  http-request use-service lua.svc\n", ["2 lua.svc"]],
    ["setenv LD_PRELOAD", "global\n  setenv LD_PRELOAD /etc/haproxy/x.so\n", ["2 setenv"]],
    ["presetenv", "global\n  presetenv X y\n", ["2 presetenv"]],
    ["resetenv", "global\n  resetenv PATH\n", ["2 resetenv"]],
    ["unsetenv", "global\n  unsetenv PATH\n", ["2 unsetenv"]],
    ["insecure-fork-wanted", "global\n  insecure-fork-wanted\n", ["2 insecure-fork-wanted"]],
    ["insecure-setuid-wanted", "global\n  insecure-setuid-wanted\n", ["2 insecure-setuid-wanted"]],
    ["ssl-engine", "global\n  ssl-engine rdrand\n", ["2 ssl-engine"]],
    ["ssl-provider", "global\n  ssl-provider legacy\n", ["2 ssl-provider"]],
    ["ssl-provider-path", "global\n  ssl-provider-path /tmp\n", ["2 ssl-provider-path"]],
    [
      "an OpenTracing filter (its config loads a plugin)",
      "frontend f\n  filter opentracing config /etc/haproxy/ot.cfg\n",
      ["2 filter opentracing"],
    ],
  ])("refuses %s", (_name, text, want) => {
    expect(refusals(text)).toEqual(want);
  });

  it("ignores refused words inside comments", () => {
    expect(refusals("global\n  # lua-load /x.lua\n  maxconn 10 # program\n")).toEqual([]);
  });
});

describe("checkHaproxy: paths", () => {
  it.each([
    ["crt-list outside", "frontend f\n  bind :443 ssl crt-list /etc/shadow\n", ["2 crt-list"]],
    ["crt outside", "frontend f\n  bind :443 ssl crt /root/site.pem\n", ["2 crt"]],
    [
      "crt relative to crt-base outside",
      "global\n  crt-base /etc/ssl/private\nfrontend f\n  bind :443 ssl crt site.pem\n",
      ["4 crt"],
    ],
    ["crt under Baton's TLS dir", "frontend f\n  bind :443 ssl crt /etc/ssl/baton/site.pem\n", []],
    [
      "a public CA bundle",
      "backend b\n  server s 10.0.0.1:443 ssl ca-file /etc/ssl/certs/ca-certificates.crt\n",
      [],
    ],
    [
      "ca-file outside",
      "backend b\n  server s 10.0.0.1:443 ssl ca-file /root/ca.pem crl-file /root/crl.pem\n",
      ["2 ca-file", "2 crl-file"],
    ],
    ["errorfile outside", "defaults\n  errorfile 503 /etc/shadow\n", ["2 errorfile"]],
    [
      "errorfile with .. climbing out",
      "defaults\n  errorfile 503 /etc/haproxy/../shadow\n",
      ["2 errorfile"],
    ],
    ["an http-errors section", "http-errors e\n  errorfile 404 /etc/haproxy/errors/404.http\n", []],
    [
      "return file outside",
      "frontend f\n  http-request return status 200 file /etc/shadow\n",
      ["2 file"],
    ],
    [
      "return lf-file outside",
      "frontend f\n  http-request return status 200 lf-file /etc/shadow\n",
      ["2 lf-file"],
    ],
    ["an ACL file outside", "frontend f\n  acl bad src -f /etc/passwd\n", ["2 -f"]],
    [
      "a map converter outside",
      "frontend f\n  http-request set-header X %[src,map_ip(/root/x.map,none)]\n",
      ["2 map/acl file"],
    ],
    [
      "a map converter inside",
      "frontend f\n  use_backend %[req.hdr(host),lower,map(/etc/haproxy/hosts.map,be)]\n",
      [],
    ],
    [
      "a SPOE config outside",
      "frontend f\n  filter spoe engine x config /root/spoe.conf\n",
      ["2 filter spoe config"],
    ],
    [
      "tls-ticket-keys outside",
      "frontend f\n  bind :443 ssl crt /etc/haproxy/a.pem tls-ticket-keys /root/k\n",
      ["2 tls-ticket-keys"],
    ],
    [
      "ssl-dh-param-file outside",
      "global\n  ssl-dh-param-file /root/dh.pem\n",
      ["2 ssl-dh-param-file"],
    ],
    [
      "server-state-file outside",
      "global\n  server-state-file /root/state\n",
      ["2 server-state-file"],
    ],
    [
      "a device-detection data file outside",
      "global\n  51degrees-data-file /root/51.dat\n  wurfl-data-file /root/w.xml\n",
      ["2 51degrees-data-file", "3 wurfl-data-file"],
    ],
    [
      "an environment variable in a path",
      `frontend f\n  bind :443 ssl crt "\${HOME}/x.pem"\n`,
      ["2 crt"],
    ],
    ["pidfile outside the runtime dirs", "global\n  pidfile /etc/passwd\n", ["2 pidfile"]],
    ["a ring backing-file outside", "ring r\n  backing-file /etc/shadow\n", ["2 backing-file"]],
    [
      "a stats socket replacing a file",
      "global\n  stats socket /etc/shadow mode 600\n",
      ["2 stats socket"],
    ],
    [
      "a unix bind replacing a file",
      "frontend f\n  bind /etc/passwd\n  bind unix@/etc/group\n",
      ["2 bind", "3 bind"],
    ],
    ["a unix-bind prefix outside", "global\n  unix-bind prefix /etc/\n", ["2 unix-bind prefix"]],
    [
      "a server on a root-only socket",
      "backend b\n  server docker /var/run/docker.sock\n",
      ["2 server"],
    ],
    [
      "a server on HAProxy's own runtime dir",
      "backend b\n  server s unix@/run/haproxy/app.sock\n",
      [],
    ],
    ["abns and IP servers", "backend b\n  server a abns@app\n  server b 127.0.0.1:80\n", []],
    ["log to another socket", "global\n  log /run/docker.sock local0\n", ["2 log"]],
    [
      "log to /dev/log and an address",
      "global\n  log /dev/log local0\n  log 127.0.0.1:514 local1\n",
      [],
    ],
  ])("%s", (_name, text, want) => {
    expect(refusals(text)).toEqual(want);
  });

  it("resolves relative paths as default-path says", () => {
    const text = "global\n  default-path config\nfrontend f\n  bind :443 ssl crt certs/site.pem\n";
    expect(checkHaproxy(text, FILE).refs.map((r) => r.path)).toEqual([
      "/etc/haproxy/certs/site.pem",
    ]);
  });

  it("passes Debian's packaged haproxy.cfg", () => {
    const debian = readFileSync(join(__dirname, "fixtures", "debian-haproxy.cfg"), "utf8");
    expect(refusals(debian)).toEqual([]);
  });
});
