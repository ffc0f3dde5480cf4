import { describe, expect, it } from "vitest";
import { type AgentConfig, ConfigError, loadConfig, parseEnvFile } from "../../../agent/config";

const SECRET = "s".repeat(48);
const RELEASE_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const GOOD = { BATON_URL: "https://baton.example.com/", BATON_TOKEN: SECRET };

/** Files the config may read; anything else is ENOENT. */
function files(map: Record<string, string>) {
  return (path: string) => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT ${path}`), { code: "ENOENT" });
    return text;
  };
}
const load = (
  env: Record<string, string>,
  fs: Record<string, string> = {},
  sockets: string[] = [],
) =>
  loadConfig(env, {
    readFile: files(fs),
    hostname: () => "vm-1",
    isSocket: (path) => sockets.includes(path),
  });

describe("loadConfig: good values", () => {
  const cases: [string, Record<string, string>, Partial<AgentConfig>][] = [
    [
      "defaults",
      GOOD,
      {
        url: "https://baton.example.com",
        token: SECRET,
        hostname: "vm-1",
        serviceManager: "systemd",
        stateDir: "/var/lib/baton",
        underSystemd: false,
        configPolicy: "strict",
        extraAllowedDirs: [],
        startServices: "auto",
      },
    ],
    ["start nothing", { ...GOOD, BATON_START_SERVICES: "none" }, { startServices: "none" }],
    [
      "start haproxy",
      { ...GOOD, BATON_START_SERVICES: "haproxy, haproxy" },
      { startServices: ["haproxy"] },
    ],
    [
      "serve probe",
      { ...GOOD, BATON_PROBE_URL: "http://127.0.0.1:8080/healthz" },
      { probeUrl: "http://127.0.0.1:8080/healthz" },
    ],
    [
      "permissive policy",
      { ...GOOD, BATON_CONFIG_POLICY: "permissive" },
      { configPolicy: "permissive" },
    ],
    [
      "allowed dirs",
      { ...GOOD, BATON_ALLOWED_DIRS: "/etc/lb-certs: /srv/errors/" },
      { extraAllowedDirs: ["/etc/lb-certs", "/srv/errors/"] },
    ],
    ["started by systemd", { ...GOOD, INVOCATION_ID: "0f3c9a" }, { underSystemd: true }],
    [
      "a pinned release key",
      { ...GOOD, BATON_RELEASE_KEY: RELEASE_KEY },
      { releaseKey: RELEASE_KEY },
    ],
    [
      "http on 127.0.0.1",
      { ...GOOD, BATON_URL: "http://127.0.0.1:8787" },
      { url: "http://127.0.0.1:8787" },
    ],
    [
      "http on localhost",
      { ...GOOD, BATON_URL: "http://localhost:8787/" },
      { url: "http://localhost:8787" },
    ],
    ["http on [::1]", { ...GOOD, BATON_URL: "http://[::1]:8787" }, { url: "http://[::1]:8787" }],
    [
      "hostname",
      { ...GOOD, BATON_HOSTNAME: "edge-a.example.com" },
      { hostname: "edge-a.example.com" },
    ],
    ["public IP", { ...GOOD, BATON_PUBLIC_IP: "203.0.113.10" }, { publicIp: "203.0.113.10" }],
    ["direct", { ...GOOD, BATON_SERVICE_MANAGER: "direct" }, { serviceManager: "direct" }],
    ["state dir", { ...GOOD, BATON_STATE_DIR: "/tmp/baton" }, { stateDir: "/tmp/baton" }],
    [
      "HAProxy socket",
      { ...GOOD, BATON_HAPROXY_SOCKET: " /run/haproxy/admin.sock " },
      { haproxySocket: "/run/haproxy/admin.sock" },
    ],
  ];
  it.each(cases)("%s", (_name, env, expected) => {
    expect(load(env)).toMatchObject(expected);
  });

  it("no public IP unless declared", () => {
    expect(load(GOOD)).not.toHaveProperty("publicIp");
  });

  it("no HAProxy socket unless declared or present at the packaged path", () => {
    expect(load(GOOD)).not.toHaveProperty("haproxySocket");
    expect(load(GOOD, {}, ["/run/haproxy/admin.sock"]).haproxySocket).toBe(
      "/run/haproxy/admin.sock",
    );
    const declared = { ...GOOD, BATON_HAPROXY_SOCKET: "/run/lb/stats.sock" };
    expect(load(declared, {}, ["/run/haproxy/admin.sock"]).haproxySocket).toBe(
      "/run/lb/stats.sock",
    );
  });
});

describe("loadConfig: each bad variable names itself in one line", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ["no URL", { BATON_TOKEN: SECRET }, /^BATON_URL is required$/],
    ["URL not a URL", { ...GOOD, BATON_URL: "baton" }, /^BATON_URL must be a URL/],
    ["plain http", { ...GOOD, BATON_URL: "http://baton.example.com" }, /^BATON_URL must use https/],
    ["ftp", { ...GOOD, BATON_URL: "ftp://127.0.0.1" }, /^BATON_URL must use https/],
    [
      "URL with query",
      { ...GOOD, BATON_URL: "https://b.example.com/?a=1" },
      /^BATON_URL must not have a query/,
    ],
    ["no token", { BATON_URL: GOOD.BATON_URL }, /^BATON_TOKEN is required/],
    [
      "probe off loopback",
      { ...GOOD, BATON_PROBE_URL: "http://10.0.0.1/" },
      /^BATON_PROBE_URL must/,
    ],
    ["start what", { ...GOOD, BATON_START_SERVICES: "apache" }, /^BATON_START_SERVICES must be/],
    ["unknown policy", { ...GOOD, BATON_CONFIG_POLICY: "off" }, /^BATON_CONFIG_POLICY must be/],
    [
      "a release key that is not one",
      { ...GOOD, BATON_RELEASE_KEY: "ssh-ed25519 AAAA" },
      /^BATON_RELEASE_KEY must be the release public key npm run release:keygen printed/,
    ],
    [
      "both release key settings",
      { ...GOOD, BATON_RELEASE_KEY: RELEASE_KEY, BATON_RELEASE_KEY_FILE: "/etc/baton/release.pub" },
      /^BATON_RELEASE_KEY and BATON_RELEASE_KEY_FILE are both set/,
    ],
    [
      "a missing release key file",
      { ...GOOD, BATON_RELEASE_KEY_FILE: "/etc/baton/release.pub" },
      /^BATON_RELEASE_KEY_FILE: cannot read \/etc\/baton\/release\.pub \(ENOENT\)$/,
    ],
    ["relative dir", { ...GOOD, BATON_ALLOWED_DIRS: "certs" }, /^BATON_ALLOWED_DIRS must list/],
    ["root dir", { ...GOOD, BATON_ALLOWED_DIRS: "/etc/x:/" }, /^BATON_ALLOWED_DIRS must not allow/],
    ["dotdot dir", { ...GOOD, BATON_ALLOWED_DIRS: "/etc/../" }, /^BATON_ALLOWED_DIRS must not/],
    ["token with space", { ...GOOD, BATON_TOKEN: "a b" }, /^BATON_TOKEN must be printable ASCII/],
    [
      "both token forms",
      { ...GOOD, BATON_TOKEN_FILE: "/run/secret" },
      /^BATON_TOKEN and BATON_TOKEN_FILE are both set/,
    ],
    [
      "token file missing",
      { BATON_URL: GOOD.BATON_URL, BATON_TOKEN_FILE: "/nope" },
      /^BATON_TOKEN_FILE: cannot read \/nope \(ENOENT\)$/,
    ],
    [
      "token file relative",
      { BATON_URL: GOOD.BATON_URL, BATON_TOKEN_FILE: "secret" },
      /^BATON_TOKEN_FILE must be an absolute path$/,
    ],
    ["hostname", { ...GOOD, BATON_HOSTNAME: "bad host" }, /^BATON_HOSTNAME must be a host name/],
    [
      "public IP v6",
      { ...GOOD, BATON_PUBLIC_IP: "::1" },
      /^BATON_PUBLIC_IP must be an IPv4 address/,
    ],
    [
      "public IP junk",
      { ...GOOD, BATON_PUBLIC_IP: "300.1.1.1" },
      /^BATON_PUBLIC_IP must be an IPv4 address/,
    ],
    [
      "service manager",
      { ...GOOD, BATON_SERVICE_MANAGER: "openrc" },
      /^BATON_SERVICE_MANAGER must be systemd or direct$/,
    ],
    [
      "state dir",
      { ...GOOD, BATON_STATE_DIR: "var/lib" },
      /^BATON_STATE_DIR must be an absolute path$/,
    ],
    [
      "HAProxy socket relative",
      { ...GOOD, BATON_HAPROXY_SOCKET: "run/haproxy.sock" },
      /^BATON_HAPROXY_SOCKET must be an absolute path$/,
    ],
    [
      "HAProxy socket too long",
      { ...GOOD, BATON_HAPROXY_SOCKET: `/${"s".repeat(107)}` },
      /^BATON_HAPROXY_SOCKET is longer than a UNIX socket path can be$/,
    ],
    [
      "env file named but missing",
      { ...GOOD, BATON_ENV_FILE: "/etc/x.env" },
      /^BATON_ENV_FILE: cannot read \/etc\/x.env \(ENOENT\)$/,
    ],
  ];
  it.each(cases)("%s", (_name, env, message) => {
    let thrown: unknown;
    try {
      load(env);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const text = (thrown as Error).message;
    expect(text).toMatch(message);
    expect(text).not.toContain("\n");
  });
});

describe("secrets from files and the env file", () => {
  it("BATON_TOKEN_FILE is read and trimmed", () => {
    const config = load(
      { BATON_URL: GOOD.BATON_URL, BATON_TOKEN_FILE: "/run/secret" },
      { "/run/secret": `${SECRET}\n` },
    );
    expect(config.token).toBe(SECRET);
  });

  it("no release key unless pinned; BATON_RELEASE_KEY_FILE is read and trimmed", () => {
    expect(load(GOOD).releaseKey).toBeUndefined();
    const config = load(
      { ...GOOD, BATON_RELEASE_KEY_FILE: "/etc/baton/release.pub" },
      { "/etc/baton/release.pub": `${RELEASE_KEY}\n` },
    );
    expect(config.releaseKey).toBe(RELEASE_KEY);
  });

  it("reads /etc/baton/agent.env beneath the environment", () => {
    const text = [
      "# written by install.sh",
      "",
      `BATON_URL="https://file.example.com"`,
      `export BATON_TOKEN='${SECRET}'`,
      "BATON_HOSTNAME=from-file",
      "BATON_SERVICE_MANAGER=direct",
    ].join("\n");
    const config = load({ BATON_HOSTNAME: "from-env" }, { "/etc/baton/agent.env": text });
    expect(config).toMatchObject({
      url: "https://file.example.com",
      token: SECRET,
      hostname: "from-env",
      serviceManager: "direct",
    });
  });

  it("BATON_ENV_FILE moves the env file, whose BATON_TOKEN_FILE is then read", () => {
    const config = load(
      { BATON_ENV_FILE: "/tmp/a.env" },
      { "/tmp/a.env": `BATON_URL=http://127.0.0.1:1\nBATON_TOKEN_FILE=/s\n`, "/s": SECRET },
    );
    expect(config).toMatchObject({ url: "http://127.0.0.1:1", token: SECRET });
  });

  it("a malformed env file line is one line naming the file and line", () => {
    expect(() => parseEnvFile("A=1\nnot a pair\n", "/etc/baton/agent.env")).toThrow(
      /^\/etc\/baton\/agent\.env:2: expected KEY=VALUE$/,
    );
  });
});
