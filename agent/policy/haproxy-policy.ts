/**
 * HAProxy 2.6's configuration against the agent's policy, from its configuration manual
 * (section 3.1 "Process management and security", 3.7 programs, 3.9 rings, 4 proxies, 5 bind
 * and server options, 7 ACLs and converters). Refused outright: what starts programs or loads
 * code (`program` sections, external checks, Lua, OpenSSL engines and providers), and what
 * changes the environment HAProxy re-executes itself with on every reload (`setenv` and kin:
 * `setenv LD_PRELOAD …` would load a library into the next master). Every file or socket path
 * becomes a PathRef for the directory rules.
 */
import { dirname } from "node:path";
import { words } from "../jobs/references";
import { HAPROXY_SECTIONS } from "../parsers/haproxy-sections";
import { type PathUse, type PolicyFindings, resolvePath } from "./rules";

/** Directives refused in any section, and why. */
export const HAPROXY_REFUSED: Readonly<Record<string, string>> = {
  "lua-load": "loads Lua code",
  "lua-load-per-thread": "loads Lua code",
  "lua-prepend-path": "changes where Lua code is loaded from",
  "external-check": "allows health checks that run programs",
  "insecure-fork-wanted": "allows HAProxy to start programs",
  "insecure-setuid-wanted": "allows HAProxy to run setuid programs",
  "ssl-engine": "loads an OpenSSL engine (native code)",
  "ssl-provider": "loads an OpenSSL provider (native code)",
  "ssl-provider-path": "changes where OpenSSL providers are loaded from",
  setenv: "sets the environment HAProxy re-executes itself and its programs with",
  presetenv: "sets the environment HAProxy re-executes itself and its programs with",
  resetenv: "changes the environment HAProxy re-executes itself and its programs with",
  unsetenv: "changes the environment HAProxy re-executes itself and its programs with",
};

/** Directives whose argument at `index` is a path, with its use and relative base. */
const PATH_DIRECTIVES: Readonly<
  Record<string, { index: number; use: PathUse; base: "cwd" | "crt" | "ca" | "state" }>
> = {
  pidfile: { index: 1, use: "write", base: "cwd" },
  "backing-file": { index: 1, use: "write", base: "cwd" },
  "ssl-dh-param-file": { index: 1, use: "read", base: "cwd" },
  "server-state-file": { index: 1, use: "read", base: "state" },
  "server-state-file-name": { index: 1, use: "read", base: "state" },
  "h1-case-adjust-file": { index: 1, use: "read", base: "cwd" },
  "httpclient.ssl.ca-file": { index: 1, use: "read", base: "ca" },
  "issuers-chain-path": { index: 1, use: "read", base: "cwd" },
  "51degrees-data-file": { index: 1, use: "read", base: "cwd" },
  "wurfl-data-file": { index: 1, use: "read", base: "cwd" },
  "wurfl-patch-file": { index: 1, use: "read", base: "cwd" },
  "deviceatlas-json-file": { index: 1, use: "read", base: "cwd" },
  errorfile: { index: 2, use: "read", base: "cwd" },
};

/** Options on any line (bind, server, crt-list lines) followed by a file they read. */
const OPTION_FILES: Readonly<Record<string, "crt" | "ca" | "cwd">> = {
  crt: "crt",
  "crt-list": "crt",
  "ca-file": "ca",
  "ca-verify-file": "ca",
  "ca-sign-file": "ca",
  "crl-file": "ca",
  "tls-ticket-keys": "cwd",
  "-f": "cwd",
};

/** HAProxy 3.x `crt-store` sections: `load crt <file> key <file> ocsp <file> …`. */
const CRT_STORE_FILES = new Set(["key", "ocsp", "issuer", "sctl"]);

/** Converters and actions naming a map or ACL file: `map_str(/etc/haproxy/x.map,default)`. */
const FILE_FUNCTION = /(?:^|[^\w.-])(?:map(?:_\w+)?|set-map|del-map|add-acl|del-acl)\(([^,)]+)/g;

const NOT_A_FILE = /^(?:@system-ca|use-backend-name|none)$/;

interface Bases {
  cwd: string;
  crt: string;
  ca: string;
  state: string;
}

/** A unix socket path named by an HAProxy address, or null for IP, abns, fd and ring addresses. */
export function haproxySocketPath(address: string): string | null {
  const unix = /^(?:unix|uxst|uxdg)@(.+)$/.exec(address);
  if (unix) return unix[1] ?? null;
  return address.startsWith("/") ? address : null;
}

function defaultPath(tokens: string[], file: string, cwd: string): string {
  const fileDir = dirname(file);
  if (tokens[1] === "config") return fileDir;
  if (tokens[1] === "parent") return dirname(fileDir);
  if (tokens[1] === "origin" && tokens[2]) return resolvePath(tokens[2], cwd);
  return cwd;
}

/**
 * Checks one HAProxy config file. `file` is where it is (it names violations, and
 * `default-path config` resolves against it); `cwd` is the daemon's working directory (`/`).
 */
export function checkHaproxy(text: string, file: string, cwd = "/"): PolicyFindings {
  const found: PolicyFindings = { violations: [], refs: [] };
  const bases: Bases = { cwd, crt: cwd, ca: cwd, state: cwd };
  let unixPrefix = "";
  let section = "";
  for (const [index, raw] of text.split("\n").entries()) {
    const line = index + 1;
    const tokens = words(raw);
    const [keyword = ""] = tokens;
    if (!keyword || keyword.startsWith(".")) continue; // .if/.else/.notice: no effect of their own
    const refuse = (directive: string, reason: string) =>
      found.violations.push({ file, line, directive, reason });
    const ref = (directive: string, value: string | undefined, use: PathUse, base: string) => {
      if (!value || NOT_A_FILE.test(value)) return;
      if (value.includes("$")) {
        refuse(directive, `uses an environment variable in a path (${value})`);
        return;
      }
      const path = resolvePath(value, base);
      found.refs.push({
        file,
        line,
        directive,
        path,
        use,
        ...(directive === "crt-list" && { base }),
      });
    };
    if (HAPROXY_SECTIONS.has(keyword)) {
      section = keyword;
      if (keyword === "program") refuse("program", "starts a program as root");
      continue;
    }
    if (section === "program") continue; // the section itself is refused
    if (HAPROXY_REFUSED[keyword]) refuse(keyword, HAPROXY_REFUSED[keyword]);
    if (keyword === "option" && tokens[1] === "external-check") {
      refuse("option external-check", "runs a program for health checks");
    }
    if (keyword === "filter" && tokens[1] === "opentracing") {
      // Its config's `plugin` line dlopen()s a tracer library (Debian builds with USE_OT).
      refuse("filter opentracing", "loads an OpenTracing tracer plugin (native code)");
    }
    for (const token of tokens) {
      if (/^lua\./.test(token)) refuse(token, "calls Lua code");
    }
    if (keyword === "default-path") {
      // Bases not set explicitly follow the new default path.
      const next = defaultPath(tokens, file, cwd);
      for (const key of ["crt", "ca", "state"] as const) {
        if (bases[key] === bases.cwd) bases[key] = next;
      }
      bases.cwd = next;
    } else if (keyword === "crt-base" && tokens[1]) bases.crt = resolvePath(tokens[1], bases.cwd);
    else if (keyword === "ca-base" && tokens[1]) bases.ca = resolvePath(tokens[1], bases.cwd);
    else if (keyword === "server-state-base" && tokens[1]) {
      bases.state = resolvePath(tokens[1], bases.cwd);
    } else if (keyword === "unix-bind" && tokens[1] === "prefix" && tokens[2]) {
      ref("unix-bind prefix", tokens[2], "write", bases.cwd);
      unixPrefix = tokens[2];
    }
    const pathDirective = PATH_DIRECTIVES[keyword];
    if (pathDirective) {
      const base = bases[pathDirective.base];
      ref(keyword, tokens[pathDirective.index], pathDirective.use, base);
    }
    socketRefs(tokens, unixPrefix, bases.cwd, ref);
    for (let i = 1; i < tokens.length; i++) {
      const option = (tokens[i] ?? "").replace(/^\[/, "");
      const base = OPTION_FILES[option];
      if (base) ref(option, tokens[i + 1]?.replace(/\]$/, ""), "read", bases[base]);
      if (section === "crt-store" && CRT_STORE_FILES.has(option)) {
        ref(option, tokens[i + 1], "read", bases.crt);
      }
      if ((option === "file" || option === "lf-file") && isReturn(tokens)) {
        ref(option, tokens[i + 1], "read", bases.cwd);
      }
      if (option === "config" && keyword === "filter") {
        ref(`filter ${tokens[1]} config`, tokens[i + 1], "read", bases.cwd);
      }
    }
    for (const match of raw.matchAll(FILE_FUNCTION))
      ref("map/acl file", match[1], "read", bases.cwd);
  }
  return found;
}

function isReturn(tokens: string[]): boolean {
  return tokens.includes("return") || tokens[0] === "http-error";
}

type RefFn = (directive: string, value: string | undefined, use: PathUse, base: string) => void;

/** Unix sockets HAProxy creates (bind, stats socket) or connects to as root (servers, logs). */
function socketRefs(tokens: string[], prefix: string, cwd: string, ref: RefFn) {
  const [keyword = ""] = tokens;
  const listen = (directive: string, address: string | undefined) => {
    for (const one of (address ?? "").split(",")) {
      const path = haproxySocketPath(one);
      if (path)
        ref(directive, prefix && !path.startsWith(prefix) ? prefix + path : path, "write", cwd);
    }
  };
  if (keyword === "bind" || keyword === "dgram-bind") listen(keyword, tokens[1]);
  else if (keyword === "stats" && tokens[1] === "socket") {
    const address = tokens[2] ?? "";
    // A bare name without ':' or '@' is a unix socket path, relative to the working directory.
    if (address && !address.includes(":") && !address.includes("@") && !address.startsWith("/")) {
      ref("stats socket", prefix + address, "write", cwd);
    } else listen("stats socket", address);
  } else if (keyword === "server" || keyword === "peer") {
    const path = haproxySocketPath(tokens[2] ?? "");
    if (path) ref(keyword, path, "connect", cwd);
  } else if (keyword === "log") {
    const path = haproxySocketPath(tokens[1] ?? "");
    if (path) ref("log", path, "connect", cwd);
  }
}
