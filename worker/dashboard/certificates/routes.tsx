import { type Context, Hono } from "hono";
import {
  CERTIFICATE_PEM_MAX_CHARS,
  PRIVATE_KEY_PEM_MAX_CHARS,
  UploadCertificate,
} from "../../../shared/certificates";
import { allow } from "../../auth/admin";
import { deleteCertificate, listCertificates } from "../../certificates/store";
import { uploadCertificate } from "../../certificates/upload";
import type { PoolRow } from "../../db/schema/pools";
import { requireSecretsKey } from "../../dns/settings";
import { ApiError } from "../../errors";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import {
  apiFieldErrors,
  emptyForm,
  type FormFields,
  type FormState,
  fieldErrors,
  firstSegment,
  refusedForm,
  textOf,
  typedTextOf,
} from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { CertificateList, UploadForm } from "./view";

/**
 * A PEM field: what was pasted, else the chosen file's text (`<name>File`). A file too large to
 * be a certificate or key is not read: its size is said on the field instead.
 */
async function pemOf(fields: FormFields, name: string, maxChars: number) {
  const pasted = typedTextOf(fields, name);
  if (pasted.trim()) return { text: pasted };
  const value = fields[`${name}File`];
  const file = Array.isArray(value) ? value[0] : value;
  if (!(file instanceof File) || file.size === 0) return { text: "" };
  if (file.size > maxChars) {
    return {
      text: "",
      error: `the file ${file.name} is ${file.size} bytes; a PEM here is at most ${maxChars}`,
    };
  }
  return { text: await file.text() };
}

async function certificatesPage(c: Context<AppEnv>, pool: PoolRow, form: FormState = emptyForm()) {
  const certificates = await listCertificates(c.get("db"), pool.id);
  const session = c.get("session");
  return page(
    c,
    <Layout
      title={`${pool.name} · Certificates`}
      health={pool.membersHealth ?? undefined}
      session={session}
      flash={flashOf(c)}
    >
      <PoolHeading pool={{ ...pool, hostname: pool.failoverHostname }} active="certificates" />
      <section aria-labelledby="certificates-heading">
        <h2 id="certificates-heading">Certificates</h2>
        <p class="muted">
          TLS certificates for the pool's managed balancer. Each member gets the ones its config
          uses, beside the config file (baton-certs/&lt;id&gt;.pem, mode 0600). Baton raises an
          event and a webhook alert 14 days before a certificate expires, and again when it does.
        </p>
        <CertificateList
          poolId={pool.id}
          certificates={certificates}
          session={session}
          now={Date.now()}
        />
      </section>
      <section aria-labelledby="certificate-upload-heading">
        <h2 id="certificate-upload-heading">Upload a certificate</h2>
        <UploadForm poolId={pool.id} state={form} session={session} />
      </section>
    </Layout>,
  );
}

/** The pool's Certificates tab: the list, the upload form, Delete. */
export const certificatePages = new Hono<AppEnv>()
  .get("/pools/:poolId/certificates", async (c) =>
    certificatesPage(c, await getPool(c.get("db"), c.req.param("poolId"))),
  )
  .post("/ui/pools/:poolId/certificates", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const fields = await c.req.parseBody({ all: true });
    const certificate = await pemOf(fields, "certificate", CERTIFICATE_PEM_MAX_CHARS);
    const privateKey = await pemOf(fields, "privateKey", PRIVATE_KEY_PEM_MAX_CHARS);
    const given = {
      name: textOf(fields, "name") || undefined,
      certificate: certificate.text,
      privateKey: privateKey.text,
    };
    // What comes back on a refusal: never the key.
    const values = { name: given.name ?? "", certificate: given.certificate };
    const parsed = UploadCertificate.safeParse(given);
    let errors: Record<string, string>;
    if (certificate.error || privateKey.error) {
      errors = {
        ...(certificate.error ? { certificate: certificate.error } : {}),
        ...(privateKey.error ? { privateKey: privateKey.error } : {}),
      };
    } else if (parsed.success) {
      try {
        const key = requireSecretsKey(c.get("config").secretsKey);
        const stored = await uploadCertificate(
          db,
          key,
          pool.id,
          parsed.data,
          c.get("actor").id,
          Date.now(),
        );
        const message = `Certificate ${stored.name} uploaded (${stored.sans.join(", ") || stored.subject})`;
        return c.redirect(
          withFlash(`/pools/${pool.id}/certificates`, { kind: "ok", message }),
          303,
        );
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 400) throw error;
        errors = apiFieldErrors(error.issues, error.message, firstSegment);
      }
    } else {
      errors = fieldErrors(parsed.error.issues, firstSegment, (field) => {
        const value = given[field as keyof typeof given];
        return !value?.trim();
      });
    }
    c.status(400);
    return certificatesPage(c, pool, refusedForm(values, errors));
  })
  .post("/ui/pools/:poolId/certificates/:certId/delete", allow("admin"), async (c) => {
    const { poolId, certId } = c.req.param();
    const back = `/pools/${poolId}/certificates`;
    try {
      await deleteCertificate(c.get("db"), poolId, certId, c.get("actor").id, Date.now());
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== "certificate_in_use") throw error;
      return c.redirect(withFlash(back, { kind: "error", message: error.message }), 303);
    }
    return c.redirect(withFlash(back, { kind: "ok", message: "Certificate deleted" }), 303);
  });
