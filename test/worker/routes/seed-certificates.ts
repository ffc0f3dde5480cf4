import { env } from "cloudflare:workers";

const CERTIFICATE_ID = /crt_[a-z0-9]{8,32}/g;

/**
 * `model` with its certificate ids made the pool's own (an id is unique across pools, and the
 * shared test models use fixed ones such as crt_0123456789abcdef), and those certificates made
 * to exist in the pool, as uploads would have left them: only their existence matters to a
 * save. Certificate uploads themselves are tested in test/worker/certificates/.
 */
export async function withPoolCertificates<T>(poolId: string, model: T): Promise<T> {
  const suffix = poolId.slice(-6).toLowerCase();
  const text = JSON.stringify(model).replace(CERTIFICATE_ID, (id) => `${id}${suffix}`);
  for (const id of new Set(text.match(CERTIFICATE_ID) ?? [])) {
    await env.DB.prepare(
      `INSERT OR IGNORE INTO certificates (id, pool_id, name, subject, sans, issuer, not_before,
         not_after, fingerprint_sha256, key_type, chain_length, pem_sha256, sealed, created_at,
         created_by)
       VALUES (?, ?, ?, 'CN=test', '[]', 'CN=test', 0, 4102444800000, '', 'rsa-2048', 1, '', '', 0,
         'bootstrap')`,
    )
      .bind(id, poolId, id)
      .run();
  }
  return JSON.parse(text) as T;
}
