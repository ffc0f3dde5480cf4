import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Certificate } from "../../../shared/certificates";
import * as fx from "../certificates/fixtures";
import { admin, createPool } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  fetchAs,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The pool's Certificates tab: the list with subject, SANs and expiry, the admin's upload form
// with the reason beside the field it concerns, Delete.
const UPLOAD = { certificate: fx.RSA_LEAF + fx.INTERMEDIATE, privateKey: fx.RSA_KEY };

describe("Certificates tab", () => {
  it("lists certificates with subject, SANs and expiry, relative and absolute", async () => {
    const pool = await createPool();
    const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
      body: { ...UPLOAD, name: "shop" },
    });
    const viewer = await browserAs("viewer");
    const html = await htmlOf(viewer, `/pools/${pool.id}/certificates`);
    expect(byTestId(html, "tab-certificates")[0]?.["aria-current"]).toBe("page");
    const row = byTestId(html, "certificate-row")[0];
    expect(row?.["data-certificate-id"]).toBe(uploaded.body.certificate.id);
    expect(textOf(html, "certificate-subject")).toBe("CN=shop.example.test, O=Example Shop");
    expect(textOf(html, "certificate-sans")).toBe(
      "shop.example.test, www.shop.example.test, 192.0.2.10",
    );
    const expiry = textOf(html, "certificate-expiry");
    expect(byTestId(html, "certificate-expiry")[0]?.["data-standing"]).toBe("valid");
    const day = new Date(uploaded.body.certificate.notAfter).toISOString().slice(0, 10);
    expect(expiry).toMatch(new RegExp(`^Valid in \\d+ d ${day} \\d{2}:\\d{2}:\\d{2} UTC$`));
    // A viewer sees no upload form and a disabled Delete.
    expect(byTestId(html, "certificate-upload")).toEqual([]);
    expect(textOf(html, "certificate-upload-disabled")).toContain("Needs the admin role");
    expect(byTestId(html, "certificate-delete")[0]).toHaveProperty("disabled");
    expect(html).not.toContain("PRIVATE KEY");
  });

  it("marks a certificate that expires within 14 days, and one that has expired", async () => {
    const pool = await createPool();
    const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
      body: UPLOAD,
    });
    const endAt = (at: number) =>
      env.DB.prepare("UPDATE certificates SET not_after = ? WHERE id = ?")
        .bind(at, uploaded.body.certificate.id)
        .run();
    const viewer = await browserAs("viewer");
    await endAt(Date.now() + 3 * 86_400_000);
    let html = await htmlOf(viewer, `/pools/${pool.id}/certificates`);
    expect(byTestId(html, "certificate-expiry")[0]?.["data-standing"]).toBe("expiring");
    expect(textOf(html, "certificate-expiry")).toMatch(/^Expires soon in 2 d /);
    await endAt(Date.now() - 86_400_000);
    html = await htmlOf(viewer, `/pools/${pool.id}/certificates`);
    expect(byTestId(html, "certificate-expiry")[0]?.["data-standing"]).toBe("expired");
    expect(textOf(html, "certificate-expiry")).toMatch(/^Expired 24 h ago /);
  });

  it("uploads as an admin and says so", async () => {
    const pool = await createPool();
    const session = await browserAs("admin");
    const response = await postForm(session, `/ui/pools/${pool.id}/certificates`, UPLOAD);
    const location = locationOf(response);
    expect(location).toMatch(new RegExp(`^/pools/${pool.id}/certificates\\?`));
    expect(flashIn(location)).toBe(
      "Certificate shop.example.test uploaded (shop.example.test, www.shop.example.test, 192.0.2.10)",
    );
    const html = await htmlOf(session, `/pools/${pool.id}/certificates`);
    expect(byTestId(html, "certificate-row")).toHaveLength(1);
  });

  it("shows why an upload was refused beside the field, keeps the chain and never the key", async () => {
    const pool = await createPool();
    const session = await browserAs("admin");
    const response = await postForm(session, `/ui/pools/${pool.id}/certificates`, {
      ...UPLOAD,
      privateKey: fx.OTHER_RSA_KEY,
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "form-error")).toContain("one field needs attention");
    expect(unescapeHtml(textOf(html, "error-privateKey"))).toMatch(
      /^The private key does not belong to the certificate for shop\.example\.test/,
    );
    expect(html).toContain(fx.RSA_LEAF.split("\n")[1]);
    expect(html).not.toContain(fx.OTHER_RSA_KEY.split("\n")[1]);
    expect(html).toContain("paste or choose it again");
  });

  it("reads the chain and key from chosen files; a file too large to be a key is not read", async () => {
    const pool = await createPool();
    const session = await browserAs("admin");
    const form = (key: File) => {
      const body = new FormData();
      body.set("_csrf", session.csrf);
      body.set("certificate", "");
      body.set("privateKey", "");
      body.set("certificateFile", new File([UPLOAD.certificate], "fullchain.pem"));
      body.set("privateKeyFile", key);
      return fetchAs(session, `/ui/pools/${pool.id}/certificates`, { method: "POST", body });
    };
    const tooLarge = await form(new File(["x".repeat(20_000)], "backup.tar"));
    expect(tooLarge.status).toBe(400);
    expect(textOf(await tooLarge.text(), "error-privateKey")).toBe(
      "the file backup.tar is 20000 bytes; a PEM here is at most 16384",
    );
    const uploaded = await form(new File([UPLOAD.privateKey], "privkey.pem"));
    expect(flashIn(locationOf(uploaded))).toMatch(/^Certificate shop\.example\.test uploaded/);
  });

  it("says a field left empty is required", async () => {
    const pool = await createPool();
    const session = await browserAs("admin");
    const response = await postForm(session, `/ui/pools/${pool.id}/certificates`, {
      certificate: fx.RSA_LEAF,
    });
    expect(response.status).toBe(400);
    expect(textOf(await response.text(), "error-privateKey")).toBe("required");
  });

  it("refuses upload and delete to an operator, and deletes as an admin", async () => {
    const pool = await createPool();
    const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
      body: UPLOAD,
    });
    const id = uploaded.body.certificate.id;
    const operator = await browserAs("operator");
    expect((await postForm(operator, `/ui/pools/${pool.id}/certificates`, UPLOAD)).status).toBe(
      403,
    );
    expect(
      (await postForm(operator, `/ui/pools/${pool.id}/certificates/${id}/delete`)).status,
    ).toBe(403);
    const session = await browserAs("admin");
    const deleted = await postForm(session, `/ui/pools/${pool.id}/certificates/${id}/delete`);
    expect(flashIn(locationOf(deleted))).toBe("Certificate deleted");
    const html = await htmlOf(session, `/pools/${pool.id}/certificates`);
    expect(byTestId(html, "certificates-none")).toHaveLength(1);
  });
});
