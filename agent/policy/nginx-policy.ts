/**
 * nginx's configuration against the agent's policy, from nginx's directive index
 * (nginx.org/en/docs/dirindex.html) and the third-party modules that run code. Refused outright:
 * `env` (LD_PRELOAD for the re-executed binary), embedded languages (Perl, njs, Lua/OpenResty,
 * mruby, Passenger), `ssl_engine` and `engine:` keys, and workers running as root or in a group
 * that reads secrets. Every file path becomes a PathRef for the directory rules; `include`s
 * are returned for the caller to check in turn.
 */
import { isAbsolute, join, normalize } from "node:path";
import { nginxStatements } from "../parsers/nginx-conf";
import { type PathRef, type PathUse, type PolicyFindings, resolvePath } from "./rules";

/** Directive patterns refused in any context, and why. */
export const NGINX_REFUSED: ReadonlyArray<[RegExp, string]> = [
  [/^env$/, "sets the environment nginx re-executes itself with (LD_PRELOAD…)"],
  [/^perl(_modules|_require|_set)?$/, "runs Perl code"],
  [/^js_/, "runs JavaScript (njs) code"],
  [/^lua_|_by_lua(_block|_file)?$/, "runs Lua code"],
  [/^mruby_/, "runs Ruby code"],
  [/^passenger_/, "starts application processes"],
  [/^wasm_|^wasm$/, "loads WebAssembly code"],
  [/^ssl_engine$/, "loads an OpenSSL engine (native code)"],
];

/** Users and groups that make nginx's workers root or let them read secrets. */
export const PRIVILEGED_USERS = new Set(["root", "0"]);
export const PRIVILEGED_GROUPS = new Set([
  "root",
  "0",
  "shadow",
  "disk",
  "sudo",
  "wheel",
  "adm",
  "docker",
  "lxd",
  "kmem",
  "ssl-cert",
]);

/** Blocks whose entries are data (map keys, MIME types), not directives; only `include` counts. */
const DATA_BLOCKS = new Set(["map", "geo", "types", "split_clients", "charset_map", "match"]);

/** Relative to the config's directory (`include`, TLS files) or nginx's prefix (the rest). */
type Base = "conf" | "prefix";

const FILE_DIRECTIVES: ReadonlyArray<[RegExp, PathUse, Base]> = [
  [
    /^(?:proxy_|grpc_|uwsgi_)?ssl_(?:certificate|certificate_key|trusted_certificate|client_certificate|crl|dhparam|stapling_file|password_file|session_ticket_key)$/,
    "read",
    "conf",
  ],
  [
    /^(?:auth_basic_user_file|xslt_stylesheet|geoip_country|geoip_city|geoip_org|geoip2)$/,
    "read",
    "conf",
  ],
  [/^(?:pid|lock_file|working_directory|google_perftools_profiles)$/, "write", "prefix"],
  [/^(?:client_body|proxy|fastcgi|uwsgi|scgi)_temp_path$/, "write", "prefix"],
  [/^(?:proxy|fastcgi|uwsgi|scgi)_cache_path$/, "write", "prefix"],
  [/^(?:root|alias)$/, "serve", "prefix"],
  [/^load_module$/, "module", "prefix"],
];

/** OpenSSL configuration commands that name files (SSL_CONF_cmd). */
const SSL_CONF_FILE = /file|path|certificate|privatekey|dhparameters/i;

export interface NginxFindings extends PolicyFindings {
  /** `include` paths, absolute and normalised, wildcards kept, with the line naming them. */
  includes: PathRef[];
}

/**
 * Checks one nginx config file. `confDir` is the main config's directory (relative `include`s
 * and TLS files), `prefix` nginx's compiled prefix (relative logs, roots, modules).
 */
export function checkNginx(text: string, file: string, confDir: string, prefix: string) {
  const found: NginxFindings = { violations: [], refs: [], includes: [] };
  const bases: Record<Base, string> = { conf: confDir, prefix };
  for (const { blocks, words, line } of nginxStatements(text)) {
    const [name = "", ...args] = words;
    const refuse = (reason: string) =>
      found.violations.push({ file, line, directive: name, reason });
    const ref = (value: string | undefined, use: PathUse, base: Base) => {
      if (!value) return;
      found.refs.push({ file, line, directive: name, path: resolvePath(value, bases[base]), use });
    };
    if (name === "include") {
      const pattern = args[0];
      if (pattern) {
        const path = normalize(isAbsolute(pattern) ? pattern : join(confDir, pattern));
        found.includes.push({ file, line, directive: name, path, use: "read" });
      }
      continue;
    }
    if (blocks.some((block) => DATA_BLOCKS.has(block))) continue;
    const refused = NGINX_REFUSED.find(([pattern]) => pattern.test(name));
    if (refused) {
      refuse(refused[1]);
      continue;
    }
    if (name === "user") {
      if (PRIVILEGED_USERS.has(args[0] ?? "")) refuse("runs nginx's workers as root");
      if (PRIVILEGED_GROUPS.has(args[1] ?? "")) refuse(`runs nginx's workers in group ${args[1]}`);
      continue;
    }
    if (name === "access_log" || name === "error_log") {
      const target = args[0] ?? "";
      if (!/^(?:off|stderr|syslog:|memory:)/.test(target)) ref(target, "write", "prefix");
      continue;
    }
    if (/^(?:proxy|fastcgi|uwsgi|scgi)_store$/.test(name)) {
      if (args[0] && args[0] !== "on" && args[0] !== "off") ref(args[0], "write", "prefix");
      continue;
    }
    if (name === "listen" && args[0]?.startsWith("unix:")) {
      ref(args[0].slice("unix:".length), "write", "prefix");
      continue;
    }
    if (
      /^(?:proxy_|grpc_|uwsgi_)?ssl_conf_command$/.test(name) &&
      SSL_CONF_FILE.test(args[0] ?? "")
    ) {
      ref(args[1], "read", "conf");
      continue;
    }
    const fileDirective = FILE_DIRECTIVES.find(([pattern]) => pattern.test(name));
    if (!fileDirective) continue;
    const value = args[0];
    if (/^ssl_certificate_key$|_ssl_certificate_key$/.test(name) && value?.startsWith("engine:")) {
      refuse("loads a key through an OpenSSL engine (native code)");
    } else if (!value?.startsWith("data:")) ref(value, fileDirective[1], fileDirective[2]);
  }
  return found;
}
