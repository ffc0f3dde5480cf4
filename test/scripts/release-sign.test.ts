// npm run release:keygen and release:sign as an admin runs them: the key pair they make signs a
// bundle so that the agent's own check (agent/release-signature.ts) accepts it with the printed
// public key and refuses it with any other; the private key is never overwritten, and a missing
// or wrong key is a one-line reason with what to do.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyReleaseSignature } from "../../agent/release-signature";

const repo = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-release-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `scripts/<name>.mjs args` with `env` only (plus PATH); never throws. */
async function script(name: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(repo, "scripts", `${name}.mjs`), ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Makes a key pair in `name`.pem; returns its path and the printed public key. */
async function keygen(name: string) {
  const path = join(dir, `${name}.pem`);
  const made = await script("release-keygen", ["--out", path]);
  expect(made.code).toBe(0);
  const publicKey = /^Release public key: (\S+)$/m.exec(made.stdout)?.[1] as string;
  return { path, publicKey };
}

function bundle(name: string, text = `console.log("${name}");\n`) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const signatureOf = (path: string) => readFileSync(`${path}.sig`, "utf8");

describe("release:keygen", () => {
  it("writes the private key 0600, prints the public key, and never overwrites it", async () => {
    const { path, publicKey } = await keygen("admin");
    expect(publicKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const before = readFileSync(path, "utf8");
    const again = await script("release-keygen", ["--out", path]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`cannot write ${path}: it already exists (never overwritten)\n`);
    expect(readFileSync(path, "utf8")).toBe(before);
  });

  it("needs --out", async () => {
    const result = await script("release-keygen", []);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--out PATH is required/);
  });
});

describe("release:sign", () => {
  it("signs so that the agent accepts the bundle with the printed key and no other", async () => {
    const key = await keygen("signer");
    const other = await keygen("other");
    const path = bundle("baton-agent.mjs");
    const signed = await script("release-sign", ["--key-file", key.path, "--bundle", path]);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain(`signed by release key ${key.publicKey}`);
    expect(statSync(`${path}.sig`).mode & 0o777).toBe(0o644);
    const bytes = readFileSync(path);
    expect(verifyReleaseSignature(bytes, signatureOf(path), key.publicKey)).toBe(true);
    expect(verifyReleaseSignature(bytes, signatureOf(path), other.publicKey)).toBe(false);
    const altered = Buffer.concat([bytes, Buffer.from(" ")]);
    expect(verifyReleaseSignature(altered, signatureOf(path), key.publicKey)).toBe(false);
  });

  it("takes the key from BATON_RELEASE_PRIVATE_KEY or BATON_RELEASE_PRIVATE_KEY_FILE", async () => {
    const key = await keygen("from-env");
    const path = bundle("env.mjs");
    const pem = readFileSync(key.path, "utf8");
    const envs: Record<string, string>[] = [
      { BATON_RELEASE_PRIVATE_KEY: pem },
      { BATON_RELEASE_PRIVATE_KEY_FILE: key.path },
    ];
    for (const env of envs) {
      rmSync(`${path}.sig`, { force: true });
      const signed = await script("release-sign", ["--bundle", path], env);
      expect(signed.code).toBe(0);
      expect(verifyReleaseSignature(readFileSync(path), signatureOf(path), key.publicKey)).toBe(
        true,
      );
    }
  });

  it("without a key, says how to make and pass one and signs nothing", async () => {
    const path = bundle("nokey.mjs");
    const result = await script("release-sign", ["--bundle", path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^release:sign: no release key: pass --key-file PATH or set BATON_RELEASE_PRIVATE_KEY\(_FILE\); make one with npm run release:keygen -- --out PATH\n/,
    );
    expect(() => statSync(`${path}.sig`)).toThrow();
  });

  it("refuses a key that is not an Ed25519 private key", async () => {
    const path = bundle("wrong.mjs");
    const notPem = join(dir, "not.pem");
    writeFileSync(notPem, "ssh-ed25519 AAAAC3Nz\n");
    const result = await script("release-sign", ["--key-file", notPem, "--bundle", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^release:sign: .*not\.pem is not a PEM private key/);
    expect(() => statSync(`${path}.sig`)).toThrow();
  });
});
