import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CERTIFICATE_DIRECTORY, certificateFileName } from "../../../../shared/certificates";
import { checkUpload } from "../../../../worker/certificates/check";
import * as fx from "../fixtures";

const run = promisify(execFile);
let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-certs-"));
  await mkdir(join(dir, CERTIFICATE_DIRECTORY), { mode: 0o700 });
  await mkdir(join(dir, "prefix"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Writes the file the agent would (contract: chain then key, 0600) and answers its relative path. */
async function placed(id: string, certificate: string, privateKey: string) {
  const { pem } = await checkUpload({ certificate, privateKey }, Date.now());
  const path = certificateFileName(id);
  await writeFile(join(dir, path), pem, { mode: 0o600 });
  await chmod(join(dir, path), 0o600);
  return path;
}

function haproxyConfig(path: string) {
  return `global
  default-path config
defaults
  mode http
  timeout connect 1s
  timeout client 1s
  timeout server 1s
frontend web
  bind 127.0.0.1:18443 ssl crt ${path}
  default_backend app
backend app
  server one 127.0.0.1:9
`;
}

function nginxConfig(path: string) {
  return `pid nginx.pid;
error_log stderr;
events {}
http {
  server {
    listen 127.0.0.1:18443 ssl;
    ssl_certificate ${path};
    ssl_certificate_key ${path};
  }
}
`;
}

// What the upload check produces must be what HAProxy 2.6 and nginx 1.22 load, by the relative
// path the renderers write (resolved against the config file's directory).
describe.each([
  [
    "RSA with its intermediate",
    "crt_rsa0000000000000",
    fx.RSA_LEAF + fx.INTERMEDIATE,
    fx.RSA_KEY_PKCS1,
  ],
  [
    "ECDSA P-256 (SEC1 key)",
    "crt_p2560000000000000",
    fx.P256_LEAF + fx.INTERMEDIATE,
    fx.P256_KEY_SEC1,
  ],
  ["ECDSA P-384", "crt_p3840000000000000", fx.P384_LEAF, fx.P384_KEY],
])("the stored file of %s", (_name, id, certificate, privateKey) => {
  it("passes haproxy -c and nginx -t", async () => {
    const path = await placed(id, certificate, privateKey);
    const haproxyFile = join(dir, `${id}-haproxy.cfg`);
    await writeFile(haproxyFile, haproxyConfig(path));
    await expect(
      run("haproxy", ["-c", "-q", "-f", haproxyFile], { cwd: "/" }),
    ).resolves.toBeDefined();
    const nginxFile = join(dir, `${id}-nginx.conf`);
    await writeFile(nginxFile, nginxConfig(path));
    // The prefix is elsewhere on purpose: the relative path must resolve against the config's directory.
    const nginx = run(
      "nginx",
      ["-t", "-q", "-e", "stderr", "-p", `${dir}/prefix/`, "-c", nginxFile],
      {
        cwd: "/",
      },
    );
    await expect(nginx).resolves.toBeDefined();
  });
});

it("haproxy refuses a file whose key is not the certificate's (the check this test relies on)", async () => {
  const path = certificateFileName("crt_mismatch00000000");
  await writeFile(join(dir, path), fx.RSA_LEAF + fx.OTHER_RSA_KEY, { mode: 0o600 });
  const file = join(dir, "mismatch.cfg");
  await writeFile(file, haproxyConfig(path));
  await expect(run("haproxy", ["-c", "-q", "-f", file], { cwd: "/" })).rejects.toThrow();
});
