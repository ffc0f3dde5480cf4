/**
 * Balancer revisions written by hand for the apply tests, as the renderers will produce them: a
 * header comment naming the pool and revision, certificates referenced relatively from
 * `baton-certs/`, and a payload with the text's SHA-256. Also a throwaway certificate (openssl).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { balancerHeader } from "../../../shared/balancer";
import type { BalancerApplyPayload } from "../../../shared/balancer-apply";
import { nginxRuntime } from "../jobs/sites";

export const sha256 = (text: string | Uint8Array) =>
  createHash("sha256").update(text).digest("hex");

export function header(revision: number): string {
  return balancerHeader(revision, "edge", "pool_test");
}

export function payloadFor(
  target: "haproxy" | "nginx",
  revision: number,
  text: string,
  certificates: { id: string; pem: string }[] = [],
): BalancerApplyPayload {
  return {
    target,
    revision,
    sha256: sha256(text),
    text,
    certificates: certificates.map(({ id, pem }) => ({ id, sha256: sha256(pem) })),
  };
}

/** A self-signed certificate for `cn` and its key, as one PEM (chain first, then the key). */
export function selfSignedPem(cn: string): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
        ...["-nodes", "-days", "2", "-subj", `/CN=${cn}`],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
      ],
      { stdio: "ignore" },
    );
    return readFileSync(join(dir, "cert.pem"), "utf8") + readFileSync(join(dir, "key.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface HaproxyRevision {
  revision: number;
  socket: string;
  port: number;
  upstream: number;
  /** A TLS listener using this certificate id, when given. */
  tls?: { port: number; certId: string };
  /** `check` on the server (default on). */
  check?: boolean;
}

export function haproxyRevision(o: HaproxyRevision): string {
  return [
    header(o.revision),
    "global",
    "    default-path config",
    `    stats socket ${o.socket} mode 600 level admin`,
    "defaults",
    "    mode http",
    "    timeout connect 1s",
    "    timeout client 5s",
    "    timeout server 5s",
    "frontend fe_web",
    `    bind 127.0.0.1:${o.port}`,
    ...(o.tls ? [`    bind 127.0.0.1:${o.tls.port} ssl crt baton-certs/${o.tls.certId}.pem`] : []),
    "    default_backend be_app",
    "backend be_app",
    "    option httpchk GET /",
    `    server app1 127.0.0.1:${o.upstream}${o.check === false ? "" : " check inter 500ms rise 2 fall 3"}`,
    "",
  ].join("\n");
}

export interface NginxRevision {
  revision: number;
  runtime: string;
  port: number;
  upstream: number;
  tls?: { port: number; certId: string };
}

export function nginxRevision(o: NginxRevision): string {
  return [
    header(o.revision),
    ...nginxRuntime(o.runtime),
    `  upstream be_app { server 127.0.0.1:${o.upstream} max_fails=3 fail_timeout=30s; }`,
    "  server {",
    `    listen 127.0.0.1:${o.port};`,
    "    location / { proxy_pass http://be_app; }",
    "  }",
    ...(o.tls
      ? [
          "  server {",
          `    listen 127.0.0.1:${o.tls.port} ssl;`,
          `    ssl_certificate baton-certs/${o.tls.certId}.pem;`,
          `    ssl_certificate_key baton-certs/${o.tls.certId}.pem;`,
          "    location / { proxy_pass http://be_app; }",
          "  }",
        ]
      : []),
    "}",
    "",
  ].join("\n");
}

/** The subject CN a TLS listener presents. */
export async function presentedCn(port: number): Promise<string> {
  const { connect } = await import("node:tls");
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const cn = socket.getPeerCertificate().subject?.CN ?? "";
      socket.destroy();
      resolve(Array.isArray(cn) ? cn.join(",") : cn);
    });
    socket.setTimeout(3_000, () => socket.destroy(new Error("TLS handshake timed out")));
    socket.on("error", reject);
  });
}
