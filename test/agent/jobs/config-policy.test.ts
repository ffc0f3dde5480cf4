/**
 * The agent's config policy on the job paths that feed a config to a real HAProxy 2.6 and nginx
 * 1.22 (config apply, restore): a `program` section never runs, a crt-list or `include` aimed at
 * a root-only file never shows its contents in job output (also with the policy off, where the
 * daemon's own check meets the file), and the agent's environment never reaches the daemon.
 * Loopback ports; temp dirs removed afterwards.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyHandlers } from "../../../agent/jobs/haproxy";
import { nginxHandlers } from "../../../agent/jobs/nginx";
import { freePort } from "../haproxy/haproxy-instance";
import { failure, MemoryJobApi, testJob } from "./job-context";
import {
  get,
  haproxyConfig,
  nginxConfig,
  type Site,
  startHaproxySite,
  startNginxSite,
  useSiteLab,
} from "./sites";

/**
 * A root-only file outside every allowed directory. Its first word is what the daemons quote:
 * HAProxy takes it for the list's first certificate, nginx for an unknown directive.
 */
const SECRET_WORD = "s3cr3t-baton-policy-value";

let outside: string;
let secretFile: string;
const lab = useSiteLab("baton-policy-jobs-");

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), "baton-policy-outside-"));
  secretFile = join(outside, "shadow");
  await writeFile(secretFile, `${SECRET_WORD};\nsecond line\n`);
  await chmod(secretFile, 0o600);
});

afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
});

async function haproxySite(body: string, port?: number) {
  const listen = port ?? (await freePort());
  const socket = join(lab.shared, `admin-${lab.sites.length}.sock`);
  const started = await startHaproxySite({
    socket,
    port: listen,
    body,
    upstream: lab.upstreamPort,
  });
  lab.sites.push(started);
  const text = (body: string, extra: string[] = []) =>
    [haproxyConfig({ socket, port: listen, body, upstream: lab.upstreamPort }), ...extra].join(
      "\n",
    );
  return { ...started, port: listen, socket, text };
}

/** What a program wrote into `marker` (its uid), or "not run". */
const ranAs = (marker: string) =>
  readFile(marker, "utf8").then(
    (text) => text.trim(),
    () => "not run",
  );

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe("HAProxy", () => {
  let edge: Awaited<ReturnType<typeof haproxySite>>;
  let marker: string;
  /** `master-worker` makes `haproxy -c` accept the section, as systemd's `-Ws` check does. */
  const programSection = () => [
    "global",
    "    master-worker",
    "program marker",
    `    command /bin/sh -c "id -u > ${marker}"`,
    "",
  ];

  beforeAll(async () => {
    edge = await haproxySite("one");
    marker = join(lab.shared, "program-ran");
  }, 30_000);

  it("refuses a config with a program section: nothing runs, the file and the service stay", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const { ctx, lines } = testJob({
      kind: "haproxy.config.apply",
      services: edge.services,
      config: edge.config,
    });
    const config = edge.text("two", programSection());
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config }, ctx));
    expect(error.message).toContain(`config policy refused the configuration: ${edge.configFile}:`);
    expect(error.message).toContain("program: starts a program as root");
    expect(lines.join("\n")).toContain("BATON_CONFIG_POLICY=permissive");
    // A program starts with the master's reload; give it time to show it did not.
    await sleep(500);
    // Had it run, the marker would hold the uid it ran as (0).
    expect(await ranAs(marker)).toBe("not run");
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(edge.port)).toBe("one");
  }, 30_000);

  it("refuses a crt-list outside the allowed directories without reading it", async () => {
    const { ctx, lines } = testJob({
      kind: "haproxy.config.apply",
      services: edge.services,
      config: edge.config,
    });
    const config = edge
      .text("two")
      .replace(
        `bind 127.0.0.1:${edge.port}`,
        `bind 127.0.0.1:${edge.port} ssl crt-list ${secretFile}`,
      );
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config }, ctx));
    expect(error.message).toContain(`crt-list: reads ${secretFile}, outside the directories`);
    const output = [...lines, error.message].join("\n");
    expect(output).not.toContain(SECRET_WORD);
  }, 30_000);

  it("with the policy off, haproxy -c meets the crt-list but its first line stays out of the output", async () => {
    const { ctx, lines } = testJob({
      kind: "haproxy.config.apply",
      services: edge.services,
      config: { ...edge.config, configPolicy: "permissive" },
    });
    const config = edge
      .text("two")
      .replace(
        `bind 127.0.0.1:${edge.port}`,
        `bind 127.0.0.1:${edge.port} ssl crt-list ${secretFile}`,
      );
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config }, ctx));
    const output = [...lines, error.message].join("\n");
    expect(output).toContain("config policy is off (BATON_CONFIG_POLICY=permissive");
    // HAProxy's own alert about the list is there, with its path…
    expect(output).toMatch(/\[ALERT\].*crt-list/);
    // …but not the word it quoted from the file's first line.
    expect(output).not.toContain(SECRET_WORD);
    expect(await get(edge.port)).toBe("one");
  }, 30_000);

  it("checks a config without the agent's environment: its secret is not there to print", async () => {
    process.env.BATON_TOKEN = "agent-secret-never-printed";
    try {
      const { ctx, lines } = testJob({
        kind: "haproxy.config.apply",
        services: edge.services,
        config: edge.config,
      });
      const config = edge.text("env", [
        ".if defined(BATON_TOKEN)",
        `    .alert "the agent's environment is visible: \${BATON_TOKEN}"`,
        ".endif",
        "",
      ]);
      await haproxyHandlers["haproxy.config.apply"]({ config }, ctx);
      expect(lines.join("\n")).not.toContain("agent-secret-never-printed");
      expect(await get(edge.port)).toBe("env");
    } finally {
      delete process.env.BATON_TOKEN;
    }
  }, 30_000);

  it("keeps HAProxy's quote of a word written in conf.d (config the job loads)", async () => {
    const extra = join(edge.confDir, "conf.d", "10-extra.cfg");
    await writeFile(extra, "backend be_extra\n    frobnicate-in-confd yes\n");
    try {
      const { ctx, lines } = testJob({
        kind: "haproxy.config.apply",
        services: edge.services,
        config: edge.config,
      });
      await failure(haproxyHandlers["haproxy.config.apply"]({ config: edge.text("two") }, ctx));
      expect(lines.join("\n")).toContain("'frobnicate-in-confd'");
    } finally {
      await rm(extra);
    }
  }, 30_000);

  it("refuses a restore whose config runs a program, and puts the previous files back", async () => {
    const api = new MemoryJobApi();
    const a = await haproxySite("from A");
    // Edited by hand on A (not loaded there): a backup carries it to B.
    await writeFile(a.configFile, a.text("from A", programSection()));
    const backup = testJob({ kind: "haproxy.backup", services: a.services, config: a.config, api });
    await haproxyHandlers["haproxy.backup"]({}, backup.ctx);
    const [[id] = []] = [...api.backups];
    await a.halt();
    const b = await haproxySite("from B", a.port);
    const before = await readFile(b.configFile, "utf8");
    const restore = testJob({
      kind: "haproxy.restore",
      services: b.services,
      config: b.config,
      api,
    });
    const error = await failure(
      haproxyHandlers["haproxy.restore"]({ backupId: id ?? "" }, restore.ctx),
    );
    expect(error.message).toMatch(
      /program: starts a program as root.*previous configuration restored/,
    );
    await sleep(500);
    // Had it run, the marker would hold the uid it ran as (0).
    expect(await ranAs(marker)).toBe("not run");
    expect(await readFile(b.configFile, "utf8")).toBe(before);
    expect(await get(b.port)).toBe("from B");
  }, 60_000);
});

describe("nginx", () => {
  let edge: Site & { port: number };
  let runtime: string;
  const config = (body: string) => nginxConfig({ runtime, port: edge.port, body });

  beforeAll(async () => {
    runtime = await mkdtemp(join(tmpdir(), "baton-policy-nginx-"));
    const port = await freePort();
    const started = await startNginxSite({ port, body: "one", runtime });
    lab.sites.push(started);
    edge = { ...started, port };
  }, 30_000);

  afterAll(async () => {
    await edge?.stop();
    await rm(runtime, { recursive: true, force: true });
  });

  it("refuses an include of a file outside the allowed directories", async () => {
    const { ctx, lines } = testJob({
      kind: "nginx.config.apply",
      services: edge.services,
      config: edge.config,
    });
    const text = config("two").replace("events {", `include ${secretFile};\nevents {`);
    const error = await failure(nginxHandlers["nginx.config.apply"]({ config: text }, ctx));
    expect(error.message).toContain(`include: reads ${secretFile}, outside the directories`);
    expect([...lines, error.message].join("\n")).not.toContain(SECRET_WORD);
    expect(await get(edge.port)).toBe("one");
  }, 30_000);

  it("with the policy off, nginx -t meets the include but the file's words stay out of the output", async () => {
    const { ctx, lines } = testJob({
      kind: "nginx.config.apply",
      services: edge.services,
      config: { ...edge.config, configPolicy: "permissive" },
    });
    const text = config("two").replace("events {", `include ${secretFile};\nevents {`);
    const error = await failure(nginxHandlers["nginx.config.apply"]({ config: text }, ctx));
    const output = [...lines, error.message].join("\n");
    expect(output).toMatch(/\[emerg\] .*unknown directive .* in .*shadow:1/);
    expect(output).not.toContain(SECRET_WORD);
    expect(await get(edge.port)).toBe("one");
  }, 30_000);

  it("refuses user root and a log written outside the log directories", async () => {
    const { ctx, lines } = testJob({
      kind: "nginx.config.apply",
      services: edge.services,
      config: edge.config,
    });
    const text = `user root;\n${config("two")}`.replace(
      "http {",
      `http {\n  log_format cron '* * * * * root $arg_c';\n  access_log ${outside}/cron-job cron;`,
    );
    await failure(nginxHandlers["nginx.config.apply"]({ config: text }, ctx));
    const output = lines.join("\n");
    expect(output).toContain(`${edge.configFile}:1: user: runs nginx's workers as root`);
    expect(output).toContain(`access_log: writes ${outside}/cron-job, outside the directories`);
    expect(await exists(join(outside, "cron-job"))).toBe(false);
  }, 30_000);
});
