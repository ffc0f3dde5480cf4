import type { Child } from "hono/jsx";

/** Messages of a form's invalid fields, by field name. */
export type FieldErrors = Partial<Record<string, string>>;

interface FieldProps {
  /** The input's id; its error and hint get ids derived from it. */
  id: string;
  label: string;
  error?: string | undefined;
  hint?: Child;
  /** The input (or select), given `aria` from `fieldAria`. */
  children: Child;
}

/** The ARIA attributes that tie an input to its hint and its error message. */
export function fieldAria(id: string, error: string | undefined, hasHint = false) {
  const described = [hasHint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return {
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described.length > 0 ? described.join(" ") : undefined,
  };
}

/** A labelled form field with its hint and, when the last submission was refused, why. */
export function Field({ id, label, error, hint, children }: FieldProps) {
  return (
    <div class={error ? "field field-invalid" : "field"}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <p class="hint muted" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={`${id}-error`} data-testid={`error-${id}`}>
          {error}
        </p>
      )}
    </div>
  );
}
