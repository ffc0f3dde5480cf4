import type { Certificate } from "../../../shared/certificates";
import { expiryStanding } from "../../certificates/expiry";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_ADMIN } from "../common/action-form";
import { FormError, Input, Textarea } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime, When } from "../common/when";

const STANDING_TEXT = { expired: "Expired", expiring: "Expires soon", valid: "Valid" } as const;
const STANDING_CLASS = { expired: "error-text", expiring: "warn", valid: "ok" } as const;

function ExpiryCell({ notAfter, now }: { notAfter: number; now: number }) {
  const standing = expiryStanding(notAfter, now);
  return (
    <td data-testid="certificate-expiry" data-standing={standing}>
      <span class={STANDING_CLASS[standing]}>{STANDING_TEXT[standing]}</span>{" "}
      <When at={notAfter} now={now} />
      <br />
      <span class="muted">{formatTime(notAfter)}</span>
    </td>
  );
}

/** The pool's certificates: what each is for, until when, and (admins) Delete. */
export function CertificateList(props: {
  poolId: string;
  certificates: Certificate[];
  session: DashboardSession;
  now: number;
}) {
  if (props.certificates.length === 0) {
    return (
      <p class="muted" data-testid="certificates-none">
        No certificates yet. Upload one to serve TLS on the pool's managed balancer.
      </p>
    );
  }
  const admin = props.session.role === "admin";
  return (
    <table class="jobs" data-testid="certificate-list">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Subject and names</th>
          <th scope="col">Expires</th>
          <th scope="col">Key</th>
          <th scope="col">Delete</th>
        </tr>
      </thead>
      <tbody>
        {props.certificates.map((certificate) => (
          <tr data-testid="certificate-row" data-certificate-id={certificate.id}>
            <td>
              {certificate.name}
              <br />
              <code class="muted">{certificate.id}</code>
            </td>
            <td>
              <span data-testid="certificate-subject">{certificate.subject}</span>
              <br />
              <span class="muted" data-testid="certificate-sans">
                {certificate.sans.length > 0 ? certificate.sans.join(", ") : "no alternative names"}
              </span>
              <br />
              <span class="muted">issued by {certificate.issuer}</span>
            </td>
            <ExpiryCell notAfter={certificate.notAfter} now={props.now} />
            <td>
              {certificate.keyType}
              <br />
              <span class="muted" title={`SHA-256 fingerprint ${certificate.fingerprintSha256}`}>
                SHA-256 {certificate.fingerprintSha256.slice(0, 16)}…
              </span>
            </td>
            <td>
              <ActionForm
                action={`/ui/pools/${props.poolId}/certificates/${certificate.id}/delete`}
                confirm={`Delete the certificate ${certificate.name}? Members keep the file they have until a rollout without it.`}
                csrf={props.session.csrf}
                id={`certificate-delete-${certificate.id}`}
                testId="certificate-delete"
                label="Delete"
                disabledReason={admin ? null : NEEDS_ADMIN}
                danger
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A file to read a PEM field from, for who has fullchain.pem and privkey.pem at hand. */
function FileChoice({ name, label }: { name: string; label: string }) {
  const id = `f-${name}File`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        type="file"
        id={id}
        name={`${name}File`}
        accept=".pem,.crt,.cer,.key,.txt"
        data-testid={`field-${name}File`}
      />
    </div>
  );
}

/**
 * The upload form (admins): the chain and key as PEM, pasted or chosen as files (what is pasted
 * wins). After a refusal the chain and name come back with the reason beside the field; the key
 * never does, so it has to be given again.
 */
export function UploadForm(props: { poolId: string; state: FormState; session: DashboardSession }) {
  const { state } = props;
  if (props.session.role !== "admin") {
    return (
      <p class="muted" data-testid="certificate-upload-disabled">
        {NEEDS_ADMIN} to upload or delete certificates.
      </p>
    );
  }
  const keyTyped = state.submitted && Object.keys(state.errors).length > 0;
  return (
    <form
      method="post"
      action={`/ui/pools/${props.poolId}/certificates`}
      class="stacked"
      enctype="multipart/form-data"
      data-testid="certificate-upload"
    >
      <input type="hidden" name="_csrf" value={props.session.csrf} />
      <FormError state={state} />
      <Input
        name="name"
        label="Name (optional)"
        state={state}
        hint="Defaults to the certificate's common name."
        maxlength={100}
      />
      <Textarea
        name="certificate"
        label="Certificate chain (PEM)"
        state={state}
        rows={8}
        hint="The server's certificate first, then each intermediate, as your CA sent them (fullchain.pem)."
      />
      <FileChoice name="certificate" label="…or choose the chain's file" />
      <Textarea
        name="privateKey"
        label="Private key (PEM)"
        state={{ ...state, values: { ...state.values, privateKey: "" } }}
        rows={6}
        hint={
          keyTyped
            ? "The key you gave was not saved and is not shown again: paste or choose it again."
            : "Unencrypted (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY). Stored encrypted; only the pool's members can fetch it."
        }
      />
      <FileChoice name="privateKey" label="…or choose the key's file" />
      <div class="actions">
        <button type="submit" class="primary" data-testid="certificate-upload-submit">
          Upload certificate
        </button>
      </div>
    </form>
  );
}
