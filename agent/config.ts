/**
 * The agent's configuration: the only reader of `process.env`. Variables come from the
 * environment, over the KEY=VALUE lines of /etc/baton/agent.env (or BATON_ENV_FILE) beneath it.
 * Validated once; a bad value is a ConfigError with a one-line reason naming the variable.
 */
import { readFileSync, statSync } from "node:fs";
import { hostname as osHostname } from "node:os";
import { z } from "zod";
import { ReleasePublicKey } from "../shared/agent-protocol";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const SERVICE_MANAGERS = ["systemd", "direct"] as const;
export type ServiceManager = (typeof SERVICE_MANAGERS)[number];

export interface AgentConfig {
  /** The control plane's base URL, without a trailing slash. */
  url: string;
  /** The member's enrollment secret. */
  token: string;
  hostname: string;
  publicIp?: string;
  serviceManager: ServiceManager;
  stateDir: string;
  /** systemd runs this process (it sets INVOCATION_ID), so exiting means being started again. */
  underSystemd: boolean;
  /** HAProxy's admin stats socket; the HAProxy probe runs only when it is set. */
  haproxySocket?: string;
  /** HAProxy's main configuration file; its directory is what backups hold. */
  haproxyConfig: string;
  /** nginx's main configuration file; its directory is what backups hold. */
  nginxConfig: string;
  /** nginx `stub_status` URL (loopback); the nginx status probe runs only when it is set. */
  nginxStatusUrl?: string;
  /**
   * A loopback URL through this member's own frontend (BATON_PROBE_URL), requested every beat:
   * a member whose balancer answers it with 5xx or not at all is not ready for traffic.
   */
  probeUrl?: string;
  /**
   * Direct mode: what the agent starts when it starts (BATON_START_SERVICES). `auto`: the
   * services it ran before and nobody stopped through it; `none`; or a list.
   */
  startServices: StartServices;
  /**
   * The agent's local config policy (BATON_CONFIG_POLICY): `strict` refuses configs that run
   * programs or load code and file references outside the allowed directories; `permissive`
   * skips that check. Only the VM's admin sets it, in agent.env: the control plane cannot.
   */
  configPolicy: ConfigPolicy;
  /**
   * Directories beyond the service's config directory and DEFAULT_TLS_DIR where configs may
   * reference files and restores may write them (BATON_ALLOWED_DIRS, colon-separated).
   */
  extraAllowedDirs: string[];
  /**
   * The release public key agent.update checks bundles against (BATON_RELEASE_KEY, or the file
   * BATON_RELEASE_KEY_FILE names). Set by install.sh --release-key; no job writes it. Unset,
   * agent.update is refused.
   */
  releaseKey?: string;
  /**
   * How the agent reaches the control plane (BATON_TRANSPORT): `auto`, the WebSocket with HTTP as
   * the fallback (default), or `http` alone (decision 0023).
   */
  transport?: AgentTransportChoice;
}

export const TRANSPORT_CHOICES = ["auto", "http"] as const;
export type AgentTransportChoice = (typeof TRANSPORT_CHOICES)[number];

export type StartServices = "auto" | "none" | ("haproxy" | "nginx")[];

export const CONFIG_POLICIES = ["strict", "permissive"] as const;
export type ConfigPolicy = (typeof CONFIG_POLICIES)[number];

export const DEFAULT_ENV_FILE = "/etc/baton/agent.env";
export const DEFAULT_STATE_DIR = "/var/lib/baton";
export const DEFAULT_HAPROXY_CONFIG = "/etc/haproxy/haproxy.cfg";
export const DEFAULT_NGINX_CONFIG = "/etc/nginx/nginx.conf";
/**
 * HAProxy's admin socket as Debian's packaged haproxy.cfg declares it and haproxy.install adds
 * it: used when BATON_HAPROXY_SOCKET is not set and a socket is there when the agent starts.
 */
export const DEFAULT_HAPROXY_SOCKET = "/run/haproxy/admin.sock";
/** Where certificates and keys written by Baton live; allowed for every service. */
export const DEFAULT_TLS_DIR = "/etc/ssl/baton";

export interface ConfigSources {
  readFile?: (path: string) => string;
  hostname?: () => string;
  /** Whether a UNIX socket exists at `path` (for the HAProxy socket's default). */
  isSocket?: (path: string) => boolean;
}

function isSocketFile(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses KEY=VALUE lines: blank lines and `#` comments are skipped, an `export ` prefix and one
 * pair of matching quotes around the value are removed. A malformed line is a ConfigError.
 */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const vars: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new ConfigError(`${file}:${index + 1}: expected KEY=VALUE`);
    const [, key = "", rawValue = ""] = match;
    let value = rawValue;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
    }
    vars[key] = value;
  }
  return vars;
}

function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127(?:\.\d{1,3}){3}$/.test(name);
}

const url = z
  .string()
  .trim()
  .min(1, "is required")
  .refine((value) => URL.canParse(value), "must be a URL such as https://baton.example.com")
  .transform((value) => new URL(value))
  .refine(
    (value) =>
      value.protocol === "https:" || (value.protocol === "http:" && isLoopback(value.hostname)),
    "must use https (http is allowed only for loopback addresses)",
  )
  .refine((value) => !value.username && !value.password, "must not contain credentials")
  .refine((value) => !value.search && !value.hash, "must not have a query or fragment")
  .transform((value) => value.toString().replace(/\/+$/, ""));

const token = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(512, "is longer than 512 characters")
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

const hostname = z
  .string()
  .trim()
  .min(1, "is empty")
  .max(253, "is longer than 253 characters")
  .regex(/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/, "must be a host name such as edge-1");

const publicIp = z.ipv4("must be an IPv4 address such as 203.0.113.10");

const serviceManager = z.enum(SERVICE_MANAGERS, "must be systemd or direct");

const stateDir = z.string().trim().startsWith("/", "must be an absolute path");

const statusUrl = z.url("must be a URL such as http://127.0.0.1/nginx_status").refine((value) => {
  const parsed = new URL(value);
  return parsed.protocol === "http:" && isLoopback(parsed.hostname);
}, "must be an http:// URL on a loopback address (nginx's stub_status location)");

const configPolicy = z.enum(CONFIG_POLICIES, "must be strict or permissive");
const transport = z.enum(TRANSPORT_CHOICES, "must be auto or http");

const allowedDirs = z
  .string()
  .transform((value) =>
    value
      .split(":")
      .map((dir) => dir.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .startsWith("/", "must list absolute paths separated by ':'")
        .refine((dir) => !dir.split("/").includes(".."), "must not contain '..'")
        .refine((dir) => dir.replace(/\/+$/, "") !== "", "must not allow '/' itself"),
    ),
  );

const startServices = z
  .string()
  .trim()
  .transform((value, ctx): StartServices => {
    if (value === "auto" || value === "none") return value;
    const list = value.split(",").map((name) => name.trim());
    if (list.every((name) => name === "haproxy" || name === "nginx")) {
      return [...new Set(list)] as ("haproxy" | "nginx")[];
    }
    ctx.addIssue({ code: "custom", message: "must be auto, none, or haproxy,nginx" });
    return z.NEVER;
  });

const probeUrl = z.url("must be a URL such as http://127.0.0.1/").refine((value) => {
  const parsed = new URL(value);
  return parsed.protocol === "http:" && isLoopback(parsed.hostname);
}, "must be an http:// URL on a loopback address (this member's own frontend)");

// sun_path holds 108 bytes with the terminating NUL.
const socketPath = stateDir.max(107, "is longer than a UNIX socket path can be");

function check<T>(name: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(`${name} ${result.error.issues[0]?.message ?? "is invalid"}`);
}

function readVarFile(name: string, path: string, readFile: (path: string) => string): string {
  try {
    return readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(`${name}: cannot read ${path} (${code})`);
  }
}

/** Reads and validates the configuration; throws ConfigError with a one-line reason. */
export function loadConfig(env: Env = process.env, sources: ConfigSources = {}): AgentConfig {
  const readFile = sources.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const envFile = env.BATON_ENV_FILE?.trim() || DEFAULT_ENV_FILE;
  let fileVars: Record<string, string> = {};
  let text: string | undefined;
  try {
    text = readFile(envFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The default file is optional; one named explicitly must exist.
    if (!(code === "ENOENT" && !env.BATON_ENV_FILE)) {
      throw new ConfigError(`BATON_ENV_FILE: cannot read ${envFile} (${code ?? "error"})`);
    }
  }
  if (text !== undefined) fileVars = parseEnvFile(text, envFile);

  const vars: Env = { ...fileVars };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) vars[key] = value;
  const set = (name: string) => vars[name] !== undefined && vars[name] !== "";

  if (set("BATON_TOKEN") && set("BATON_TOKEN_FILE")) {
    throw new ConfigError("BATON_TOKEN and BATON_TOKEN_FILE are both set: keep one");
  }
  let secret: string;
  if (set("BATON_TOKEN_FILE")) {
    const path = check("BATON_TOKEN_FILE", stateDir, vars.BATON_TOKEN_FILE);
    secret = check("BATON_TOKEN_FILE", token, readVarFile("BATON_TOKEN_FILE", path, readFile));
  } else if (set("BATON_TOKEN")) {
    secret = check("BATON_TOKEN", token, vars.BATON_TOKEN);
  } else {
    throw new ConfigError("BATON_TOKEN is required (or BATON_TOKEN_FILE): the member's secret");
  }

  const config: AgentConfig = {
    underSystemd: Boolean(env.INVOCATION_ID),
    url: check("BATON_URL", url, vars.BATON_URL ?? ""),
    token: secret,
    hostname: check(
      "BATON_HOSTNAME",
      hostname,
      set("BATON_HOSTNAME") ? vars.BATON_HOSTNAME : (sources.hostname ?? osHostname)(),
    ),
    serviceManager: check(
      "BATON_SERVICE_MANAGER",
      serviceManager,
      set("BATON_SERVICE_MANAGER") ? vars.BATON_SERVICE_MANAGER?.trim() : "systemd",
    ),
    stateDir: check(
      "BATON_STATE_DIR",
      stateDir,
      set("BATON_STATE_DIR") ? vars.BATON_STATE_DIR : DEFAULT_STATE_DIR,
    ),
    haproxyConfig: check(
      "BATON_HAPROXY_CONFIG",
      stateDir,
      set("BATON_HAPROXY_CONFIG") ? vars.BATON_HAPROXY_CONFIG : DEFAULT_HAPROXY_CONFIG,
    ),
    nginxConfig: check(
      "BATON_NGINX_CONFIG",
      stateDir,
      set("BATON_NGINX_CONFIG") ? vars.BATON_NGINX_CONFIG : DEFAULT_NGINX_CONFIG,
    ),
    configPolicy: check(
      "BATON_CONFIG_POLICY",
      configPolicy,
      set("BATON_CONFIG_POLICY") ? vars.BATON_CONFIG_POLICY?.trim() : "strict",
    ),
    extraAllowedDirs: check("BATON_ALLOWED_DIRS", allowedDirs, vars.BATON_ALLOWED_DIRS ?? ""),
    transport: check(
      "BATON_TRANSPORT",
      transport,
      set("BATON_TRANSPORT") ? vars.BATON_TRANSPORT?.trim() : "auto",
    ),
    startServices: check(
      "BATON_START_SERVICES",
      startServices,
      set("BATON_START_SERVICES") ? vars.BATON_START_SERVICES : "auto",
    ),
  };
  const releaseKey = readReleaseKey(vars, readFile);
  if (releaseKey !== undefined) config.releaseKey = releaseKey;
  if (set("BATON_PUBLIC_IP")) {
    config.publicIp = check("BATON_PUBLIC_IP", publicIp, vars.BATON_PUBLIC_IP?.trim());
  }
  if (set("BATON_HAPROXY_SOCKET")) {
    config.haproxySocket = check("BATON_HAPROXY_SOCKET", socketPath, vars.BATON_HAPROXY_SOCKET);
  } else if ((sources.isSocket ?? isSocketFile)(DEFAULT_HAPROXY_SOCKET)) {
    config.haproxySocket = DEFAULT_HAPROXY_SOCKET;
  }
  if (set("BATON_NGINX_STATUS_URL")) {
    config.nginxStatusUrl = check(
      "BATON_NGINX_STATUS_URL",
      statusUrl,
      vars.BATON_NGINX_STATUS_URL?.trim(),
    );
  }
  if (set("BATON_PROBE_URL")) {
    config.probeUrl = check("BATON_PROBE_URL", probeUrl, vars.BATON_PROBE_URL?.trim());
  }
  return config;
}

/** BATON_RELEASE_KEY or the key in the file BATON_RELEASE_KEY_FILE names; one of them at most. */
function readReleaseKey(vars: Env, readFile: (path: string) => string): string | undefined {
  const inline = vars.BATON_RELEASE_KEY?.trim() || undefined;
  const file = vars.BATON_RELEASE_KEY_FILE?.trim() || undefined;
  if (inline && file) {
    throw new ConfigError("BATON_RELEASE_KEY and BATON_RELEASE_KEY_FILE are both set: keep one");
  }
  if (inline) return check("BATON_RELEASE_KEY", ReleasePublicKey, inline);
  if (!file) return undefined;
  const path = check("BATON_RELEASE_KEY_FILE", stateDir, file);
  const text = readVarFile("BATON_RELEASE_KEY_FILE", path, readFile);
  return check("BATON_RELEASE_KEY_FILE", ReleasePublicKey, text);
}
