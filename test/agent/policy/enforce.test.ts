/**
 * enforceConfigPolicy on real files: it follows nginx includes and HAProxy conf.d, crt-lists and
 * crt directories, refuses links out of the allowed directories, and is skipped (saying so)
 * only with BATON_CONFIG_POLICY=permissive. No daemon runs; the targets only name binaries.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentConfig, ConfigPolicy } from "../../../agent/config";
import { haproxyTarget } from "../../../agent/jobs/haproxy-target";
import { nginxTarget } from "../../../agent/jobs/nginx-target";
import { JobFailed } from "../../../agent/jobs/types";
import { configViolations, enforceConfigPolicy } from "../../../agent/policy";
import { formatViolation } from "../../../agent/policy/rules";
import { findHaproxy } from "../haproxy/haproxy-instance";
import { findNginx } from "../nginx/nginx-instance";

let root: string;
let conf: string;
let outside: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "baton-policy-enforce-"));
  conf = join(root, "conf");
  outside = join(root, "outside");
  await mkdir(join(conf, "conf.d"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, "secret"), "not config\n");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function config(service: "haproxy" | "nginx", policy: ConfigPolicy = "strict"): AgentConfig {
  return {
    url: "http://127.0.0.1:1",
    token: "t",
    hostname: "edge",
    serviceManager: "direct",
    stateDir: join(root, "state"),
    underSystemd: false,
    haproxyConfig: join(conf, service === "haproxy" ? "haproxy.cfg" : "unused.cfg"),
    nginxConfig: join(conf, service === "nginx" ? "nginx.conf" : "unused.conf"),
    configPolicy: policy,
    extraAllowedDirs: [],
    startServices: "auto",
  };
}

async function violations(service: "haproxy" | "nginx", main: string, text: string) {
  await writeFile(main, text);
  const cfg = config(service);
  const target =
    service === "haproxy" ? haproxyTarget(cfg, findHaproxy()) : nginxTarget(cfg, findNginx());
  return (await configViolations({ config: cfg }, target, main, main)).map(formatViolation);
}

describe("nginx includes", () => {
  it("checks every file an include glob matches, naming the included file and line", async () => {
    await mkdir(join(conf, "sites"), { recursive: true });
    await writeFile(join(conf, "sites", "a.conf"), "server { listen 1; }\n");
    await writeFile(join(conf, "sites", "b.conf"), "server {\n  root /etc;\n}\n");
    const main = join(conf, "nginx.conf");
    expect(await violations("nginx", main, "http { include sites/*.conf; }\n")).toEqual([
      expect.stringMatching(new RegExp(`^${conf}/sites/b.conf:2: root: serves files from /etc,`)),
    ]);
    await rm(join(conf, "sites"), { recursive: true });
  });

  it("refuses an include reaching outside through a link, and does not read it", async () => {
    await symlink(join(outside, "secret"), join(conf, "linked.conf"));
    const main = join(conf, "nginx.conf");
    const found = await violations("nginx", main, "events {}\ninclude linked.conf;\n");
    expect(found).toEqual([
      `${main}:2: include: ${conf}/linked.conf is a link to ${outside}/secret, outside the directories allowed for reading`,
    ]);
    await rm(join(conf, "linked.conf"));
  });
});

describe("HAProxy files", () => {
  it("checks conf.d as haproxy -c -f conf.d loads it", async () => {
    await writeFile(join(conf, "conf.d", "10-lua.cfg"), "global\n  lua-load /etc/haproxy/x.lua\n");
    const main = join(conf, "haproxy.cfg");
    expect(await violations("haproxy", main, "global\n  maxconn 10\n")).toEqual([
      `${conf}/conf.d/10-lua.cfg:2: lua-load: loads Lua code`,
    ]);
    await rm(join(conf, "conf.d", "10-lua.cfg"));
  });

  it("follows a crt-list to the certificates it names", async () => {
    await writeFile(join(conf, "list.txt"), `${conf}/site.pem\n${outside}/secret [alpn h2]\n`);
    const main = join(conf, "haproxy.cfg");
    const found = await violations(
      "haproxy",
      main,
      `frontend f\n  bind :443 ssl crt-list ${conf}/list.txt\n`,
    );
    expect(found).toEqual([
      expect.stringMatching(
        new RegExp(`^${main}:2: crt-list ${conf}/list.txt: crt: reads ${outside}/secret, outside`),
      ),
    ]);
  });

  it("refuses a certificate that is a link out of the allowed directories", async () => {
    await symlink(join(outside, "secret"), join(conf, "site.pem"));
    const main = join(conf, "haproxy.cfg");
    const found = await violations(
      "haproxy",
      main,
      `frontend f\n  bind :443 ssl crt ${conf}/site.pem\n`,
    );
    expect(found).toEqual([
      expect.stringContaining(`crt: ${conf}/site.pem is a link: reads ${outside}/secret, outside`),
    ]);
    await rm(join(conf, "site.pem"));
  });

  it("checks each file of a crt directory", async () => {
    await mkdir(join(conf, "certs"));
    await symlink(join(outside, "secret"), join(conf, "certs", "b.pem"));
    const main = join(conf, "haproxy.cfg");
    const found = await violations(
      "haproxy",
      main,
      `frontend f\n  bind :443 ssl crt ${conf}/certs\n`,
    );
    expect(found).toEqual([expect.stringContaining(`${conf}/certs/b.pem is a link`)]);
    await rm(join(conf, "certs"), { recursive: true });
  });
});

describe("enforceConfigPolicy", () => {
  const run = async (policy: ConfigPolicy, text: string) => {
    const main = join(conf, "haproxy.cfg");
    await writeFile(main, text);
    const cfg = config("haproxy", policy);
    const lines: string[] = [];
    const error = await enforceConfigPolicy(
      { config: cfg, out: { line: (l) => lines.push(l) } },
      haproxyTarget(cfg, findHaproxy()),
      main,
      "/etc/haproxy/haproxy.cfg",
    ).then(
      () => null,
      (e: unknown) => e,
    );
    return { lines, error };
  };

  it("refuses with every violation listed and how the VM's admin can widen the policy", async () => {
    const { lines, error } = await run("strict", "global\n  lua-load /x.lua\n  setenv A b\n");
    expect(error).toBeInstanceOf(JobFailed);
    expect((error as JobFailed).message).toBe(
      "config policy refused the configuration: /etc/haproxy/haproxy.cfg:2: lua-load: loads Lua code (and 1 more)",
    );
    expect(lines).toEqual([
      "refused by the agent's config policy (2 violations):",
      "  /etc/haproxy/haproxy.cfg:2: lua-load: loads Lua code",
      "  /etc/haproxy/haproxy.cfg:3: setenv: sets the environment HAProxy re-executes itself and its programs with",
      "  the VM's admin can allow a directory with BATON_ALLOWED_DIRS, or turn the policy off with BATON_CONFIG_POLICY=permissive, in /etc/baton/agent.env",
    ]);
  });

  it("with permissive, says the check is off and lets the config through", async () => {
    const { lines, error } = await run("permissive", "global\n  lua-load /x.lua\n");
    expect(error).toBeNull();
    expect(lines).toEqual([
      "config policy is off (BATON_CONFIG_POLICY=permissive in agent.env): haproxy directives and file paths are not checked",
    ]);
  });
});
