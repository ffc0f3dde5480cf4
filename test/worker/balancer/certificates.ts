import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CERTIFICATE_DIRECTORY as CERTIFICATE_DIR } from "../../../shared/certificates";
import { certificatePath } from "../../../worker/balancer/format";

/** A self-signed certificate and its key as one PEM (chain first, then key), made by openssl. */
export function selfSignedPem(workDir: string, commonName = "www.example.com"): string {
  const key = join(workDir, "key.pem");
  const cert = join(workDir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
      .concat(["-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${commonName}`])
      .concat(["-addext", `subjectAltName=DNS:${commonName},DNS:*.example.com`]),
    { stdio: "ignore", timeout: 10_000 },
  );
  return readFileSync(cert, "utf8") + readFileSync(key, "utf8");
}

/** Places certificates where the agent does: `<config dir>/baton-certs/<id>.pem`, 0600 in 0700. */
export function placeCertificates(configDir: string, pem: string, ids: readonly string[]) {
  mkdirSync(join(configDir, CERTIFICATE_DIR), { recursive: true, mode: 0o700 });
  for (const id of ids) {
    const file = join(configDir, certificatePath(id));
    writeFileSync(file, pem, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
}
