import type { FieldErrors, MemberField, MemberFormInput } from "../pages/member-form";

interface FieldProps {
  field: MemberField;
  label: string;
  hint: string;
  errors: FieldErrors;
  /** The control, given its id and the aria attributes that tie it to the hint and error. */
  control: (attributes: Record<string, string | undefined>) => unknown;
}

/** A labelled control with its hint and, after a refused post, what is wrong with it. */
function Field({ field, label, hint, errors, control }: FieldProps) {
  const error = errors[field];
  const describedBy = [error ? `${field}-error` : null, `${field}-hint`].filter(Boolean).join(" ");
  return (
    <div class={`field${error ? " field-invalid" : ""}`}>
      <label for={`member-${field}`}>{label}</label>
      {control({
        id: `member-${field}`,
        name: field,
        "aria-describedby": describedBy,
        "aria-invalid": error ? "true" : undefined,
        "data-testid": `member-${field}`,
      })}
      {error && (
        <p class="field-error" id={`${field}-error`} data-testid={`field-error-${field}`}>
          {error}
        </p>
      )}
      <p class="hint muted" id={`${field}-hint`}>
        {hint}
      </p>
    </div>
  );
}

interface MemberFieldsProps {
  input: MemberFormInput;
  errors: FieldErrors;
  /** Add member: an empty priority takes the default (100). */
  priorityOptional?: boolean;
}

/** Name, hostname, allowed IPs and priority: the fields of CreateMember and UpdateMember. */
export function MemberFields({ input, errors, priorityOptional = false }: MemberFieldsProps) {
  return (
    <>
      <Field
        field="name"
        label="Name"
        hint="How the dashboard and events name this member."
        errors={errors}
        control={(attributes) => (
          <input {...attributes} value={input.name} required maxlength={100} autocomplete="off" />
        )}
      />
      <Field
        field="hostname"
        label="Hostname"
        hint="The VM's hostname. Its agent must report exactly this name, or its heartbeats are refused."
        errors={errors}
        control={(attributes) => (
          <input
            {...attributes}
            value={input.hostname}
            required
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
          />
        )}
      />
      <Field
        field="allowedIps"
        label="Allowed IPs"
        hint="One IPv4/IPv6 address or CIDR range per line: the addresses the agent connects from. 0.0.0.0/0 and ::/0 allow any."
        errors={errors}
        control={(attributes) => (
          <textarea {...attributes} rows={4} required spellcheck={false} autocapitalize="none">
            {input.allowedIps}
          </textarea>
        )}
      />
      <Field
        field="priority"
        label={priorityOptional ? "Priority (optional)" : "Priority"}
        hint={`0 to 1000; the ready standby with the lowest number takes over first.${priorityOptional ? " Empty: 100." : ""}`}
        errors={errors}
        control={(attributes) => (
          <input
            {...attributes}
            value={input.priority}
            inputmode="numeric"
            required={!priorityOptional}
            autocomplete="off"
          />
        )}
      />
    </>
  );
}

/** A refusal that belongs to no single field. */
export function FormError({ errors }: { errors: FieldErrors }) {
  const fields = Object.keys(errors).filter((key) => key !== "form");
  if (!errors.form && fields.length === 0) return null;
  return (
    <p class="flash flash-error" role="alert" data-testid="form-error">
      {errors.form ?? "Nothing was saved: correct the fields marked below."}
    </p>
  );
}
