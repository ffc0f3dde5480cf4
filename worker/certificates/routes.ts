import { Hono } from "hono";
import {
  CERTIFICATE_PEM_MAX_CHARS,
  PRIVATE_KEY_PEM_MAX_CHARS,
  UploadCertificate,
} from "../../shared/certificates";
import { allow } from "../auth/admin";
import { requireSecretsKey } from "../dns/settings";
import { bodyCap } from "../middleware/body-cap";
import type { AppEnv } from "../types";
import { validate } from "../validation";
import { deleteCertificate, getCertificate, listCertificates } from "./store";
import { uploadCertificate } from "./upload";

// The two PEM fields, JSON-escaped (a newline becomes two characters), and room for the rest.
const UPLOAD_MAX_BYTES = 2 * (CERTIFICATE_PEM_MAX_CHARS + PRIVATE_KEY_PEM_MAX_CHARS) + 4096;

/**
 * A pool's TLS certificates for its managed balancer. Uploading and deleting take an admin (the
 * key ends up on every member); what they are for and until when is readable by every role, and
 * the key is never answered here.
 */
export const certificateRoutes = new Hono<AppEnv>()
  .post(
    "/pools/:poolId/certificates",
    allow("admin"),
    bodyCap(UPLOAD_MAX_BYTES, "A certificate upload"),
    validate("json", UploadCertificate),
    async (c) => {
      const key = requireSecretsKey(c.get("config").secretsKey);
      const certificate = await uploadCertificate(
        c.get("db"),
        key,
        c.req.param("poolId"),
        c.req.valid("json"),
        c.get("actor").id,
        Date.now(),
      );
      return c.json({ certificate }, 201);
    },
  )
  .get("/pools/:poolId/certificates", async (c) => {
    return c.json({ certificates: await listCertificates(c.get("db"), c.req.param("poolId")) });
  })
  .get("/pools/:poolId/certificates/:certId", async (c) => {
    const { poolId, certId } = c.req.param();
    return c.json({ certificate: await getCertificate(c.get("db"), poolId, certId) });
  })
  .delete("/pools/:poolId/certificates/:certId", allow("admin"), async (c) => {
    const { poolId, certId } = c.req.param();
    await deleteCertificate(c.get("db"), poolId, certId, c.get("actor").id, Date.now());
    return c.json({ deleted: true });
  });
