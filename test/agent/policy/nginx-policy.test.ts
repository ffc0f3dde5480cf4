/** nginx directives against the config policy: what is refused, and which paths it names. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyDirs } from "../../../agent/policy/dirs";
import { checkNginx } from "../../../agent/policy/nginx-policy";
import { pathViolations } from "../../../agent/policy/rules";

const FILE = "/etc/nginx/nginx.conf";
const dirs = policyDirs("nginx", { extraAllowedDirs: [] }, "/etc/nginx");
const check = (text: string) => checkNginx(text, FILE, "/etc/nginx", "/usr/share/nginx");

/** `line directive` for each refusal of `text`, directives, paths and includes together. */
function refusals(text: string): string[] {
  const { violations, refs, includes } = check(text);
  return [...violations, ...pathViolations([...refs, ...includes], dirs)].map(
    (v) => `${v.line} ${v.directive}`,
  );
}

describe("checkNginx: directives that run code or widen privileges", () => {
  it.each([
    ["env", "env LD_PRELOAD=/etc/nginx/x.so;", ["1 env"]],
    [
      "perl_modules and perl_require",
      "http { perl_modules /x; perl_require a.pm; }",
      ["1 perl_modules", "1 perl_require"],
    ],
    [
      "perl and perl_set",
      "http { perl_set $x 'sub {}'; server { location / { perl Mod::handler; } } }",
      ["1 perl_set", "1 perl"],
    ],
    [
      "njs",
      "http { js_path /x; js_import a.js; js_set $x a.f; server { location / { js_content a.g; } } }",
      ["1 js_path", "1 js_import", "1 js_set", "1 js_content"],
    ],
    [
      "OpenResty Lua",
      "http { lua_package_path '/x/?.lua'; init_by_lua_block { os.execute('id') } server { location / { content_by_lua_file /x.lua; } } }",
      ["1 lua_package_path", "1 init_by_lua_block", "1 content_by_lua_file"],
    ],
    ["Passenger", "http { passenger_root /x; }", ["1 passenger_root"]],
    ["ssl_engine", "ssl_engine pkcs11;", ["1 ssl_engine"]],
    [
      "a key through an engine",
      "http { server { ssl_certificate_key engine:pkcs11:id; } }",
      ["1 ssl_certificate_key"],
    ],
    ["user root", "user root;", ["1 user"]],
    ["a worker group that reads secrets", "user www-data shadow;", ["1 user"]],
    ["a module outside the module dirs", "load_module /tmp/evil.so;", ["1 load_module"]],
  ])("refuses %s", (_name, text, want) => {
    expect(refusals(text)).toEqual(want);
  });

  it("reads map, geo and types entries as data, not directives", () => {
    const text =
      "http { map $a $b { load_module 1; env 2; } types { env env; } geo $g { user 1; } }";
    expect(refusals(text)).toEqual([]);
  });

  it("names the line of each statement", () => {
    expect(refusals("events {}\n\nhttp {\n  server {\n    perl_modules /x;\n  }\n}\n")).toEqual([
      "5 perl_modules",
    ]);
  });
});

describe("checkNginx: paths", () => {
  it.each([
    ["include outside", "include /etc/shadow;", ["1 include"]],
    ["include climbing out", "include ../shadow;", ["1 include"]],
    ["include globs inside", "include conf.d/*.conf; include /etc/nginx/sites-enabled/*;", []],
    ["a glob over /etc", "include /etc/*/x.conf;", ["1 include"]],
    [
      "ssl files outside",
      "http { ssl_certificate /root/c.pem; ssl_certificate_key /etc/ssl/private/k.pem; }",
      ["1 ssl_certificate", "1 ssl_certificate_key"],
    ],
    [
      "ssl files in Baton's TLS dir",
      "http { ssl_certificate /etc/ssl/baton/c.pem; ssl_certificate_key /etc/ssl/baton/k.pem; }",
      [],
    ],
    ["inline PEM", "http { ssl_certificate data:x; }", []],
    [
      "proxy_ssl and password files outside",
      "http { proxy_ssl_trusted_certificate /root/ca.pem; ssl_password_file /root/p; }",
      ["1 proxy_ssl_trusted_certificate", "1 ssl_password_file"],
    ],
    [
      "auth_basic_user_file outside",
      "http { auth_basic_user_file /etc/shadow; }",
      ["1 auth_basic_user_file"],
    ],
    [
      "an OpenSSL command naming a file",
      "http { ssl_conf_command PrivateKey /root/k.pem; }",
      ["1 ssl_conf_command"],
    ],
    [
      "access_log into /etc/cron.d",
      "http { access_log /etc/cron.d/x combined; }",
      ["1 access_log"],
    ],
    ["error_log over /etc/passwd", "error_log /etc/passwd;", ["1 error_log"]],
    [
      "logs to syslog, stderr, off",
      "error_log stderr; http { access_log syslog:server=unix:/dev/log; access_log off; }",
      [],
    ],
    [
      "logs in /var/log/nginx",
      "error_log /var/log/nginx/e.log; http { access_log /var/log/nginx/$host.log; }",
      [],
    ],
    ["a relative log under the prefix", "error_log logs/error.log;", ["1 error_log"]],
    ["pid over a file", "pid /etc/passwd;", ["1 pid"]],
    [
      "temp and cache paths outside",
      "http { client_body_temp_path /etc/x; proxy_cache_path /etc/y keys_zone=z:1m; }",
      ["1 client_body_temp_path", "1 proxy_cache_path"],
    ],
    [
      "proxy_store into /etc",
      "http { server { location / { proxy_store /etc$uri; } } }",
      ["1 proxy_store"],
    ],
    [
      "a unix listener replacing a file",
      "http { server { listen unix:/etc/passwd; } }",
      ["1 listen"],
    ],
    ["root /etc", "http { server { root /etc; } }", ["1 root"]],
    [
      "alias into the config dir",
      "http { server { location /k/ { alias /etc/nginx/; } } }",
      ["1 alias"],
    ],
    ["root under /var/www with a variable", "http { server { root /var/www/$host; } }", []],
    [
      "a variable right after the web root's name",
      "http { server { root /var/www$arg_x; } }",
      ["1 root"],
    ],
    ["a packaged module", "load_module modules/ngx_stream_module.so;", []],
  ])("%s", (_name, text, want) => {
    expect(refusals(text)).toEqual(want);
  });

  it("passes Debian's packaged nginx.conf and default site", () => {
    for (const name of ["debian-nginx.conf", "debian-nginx-default-site"]) {
      const text = readFileSync(join(__dirname, "fixtures", name), "utf8");
      expect(refusals(text)).toEqual([]);
    }
  });
});
