import type { Child } from "hono/jsx";
import type { FormState } from "../pages/form-fields";

/** Stable ids from field names such as `cloudflare.zoneId`. */
export const fieldId = (name: string) => `f-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

/** A field's error message, if it has one. */
export function Message({ name, state }: { name: string; state: FormState }) {
  const error = state.errors[name];
  if (!error) return null;
  return (
    <p class="field-error" id={`${fieldId(name)}-error`} data-testid={`error-${name}`}>
      {error}
    </p>
  );
}

function describedBy(name: string, state: FormState, hint: boolean): string | undefined {
  const ids = [
    hint ? `${fieldId(name)}-hint` : null,
    state.errors[name] ? `${fieldId(name)}-error` : null,
  ].filter(Boolean);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

interface InputProps {
  name: string;
  label: string;
  state: FormState;
  type?: "text" | "number" | "url" | "password";
  hint?: Child;
  placeholder?: string;
  required?: boolean;
  /** Shown when the state has no value for the field (the stored setting). */
  value?: string | number | null;
  inputmode?: "numeric" | "url" | "text";
}

/**
 * A labelled input with its hint and error. A password input never carries a value: secrets are
 * write-only, so neither a stored one nor a typed one is ever put back into the page.
 */
export function Input(props: InputProps) {
  const { name, label, state, type = "text", hint } = props;
  const secret = type === "password";
  const shown = state.values[name] ?? (props.value == null ? "" : String(props.value));
  return (
    <div class="field">
      <label for={fieldId(name)}>{label}</label>
      <input
        id={fieldId(name)}
        name={name}
        type={type === "number" ? "text" : type}
        inputmode={type === "number" ? "numeric" : props.inputmode}
        value={secret ? "" : shown}
        placeholder={props.placeholder}
        required={props.required}
        autocomplete={secret ? "new-password" : "off"}
        spellcheck={false}
        aria-invalid={state.errors[name] ? "true" : undefined}
        aria-describedby={describedBy(name, state, !!hint)}
        data-testid={`field-${name}`}
      />
      {hint && (
        <p class="hint muted" id={`${fieldId(name)}-hint`}>
          {hint}
        </p>
      )}
      <Message name={name} state={state} />
    </div>
  );
}

interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

/** A labelled select; `selected` applies when the state has no value for it. */
export function Select(props: {
  name: string;
  label: string;
  state: FormState;
  options: Option[];
  selected?: string | null;
  hint?: Child;
  id?: string;
}) {
  const { name, label, state, options, hint } = props;
  const id = props.id ?? fieldId(name);
  const current = state.values[name] ?? props.selected ?? "";
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        aria-invalid={state.errors[name] ? "true" : undefined}
        aria-describedby={describedBy(name, state, !!hint)}
        data-testid={`field-${name}`}
      >
        {options.map((option) => (
          <option
            value={option.value}
            selected={option.value === current}
            disabled={option.disabled}
          >
            {option.label}
          </option>
        ))}
      </select>
      {hint && (
        <p class="hint muted" id={`${fieldId(name)}-hint`}>
          {hint}
        </p>
      )}
      <Message name={name} state={state} />
    </div>
  );
}

/** Radio buttons in a fieldset with a legend. */
export function Radios(props: {
  name: string;
  legend: string;
  state: FormState;
  options: Option[];
  selected: string;
}) {
  const { name, legend, state, options } = props;
  const current = state.values[name] ?? props.selected;
  return (
    <fieldset class="choice" data-testid={`field-${name}`}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label class="inline">
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={option.value === current}
            data-testid={`field-${name}-${option.value}`}
          />{" "}
          {option.label}
        </label>
      ))}
      <Message name={name} state={state} />
    </fieldset>
  );
}

/** One checkbox with its label after it. */
export function Checkbox(props: {
  name: string;
  label: string;
  state: FormState;
  checked: boolean;
  value?: string;
  hint?: Child;
}) {
  const { name, label, state, hint } = props;
  const value = props.value ?? "true";
  const isChecked = state.submitted ? state.values[name] === value : props.checked;
  return (
    <div class="field">
      <label class="inline">
        <input
          type="checkbox"
          name={name}
          value={value}
          checked={isChecked}
          aria-describedby={hint ? `${fieldId(name)}-hint` : undefined}
          data-testid={`field-${name}`}
        />{" "}
        {label}
      </label>
      {hint && (
        <p class="hint muted" id={`${fieldId(name)}-hint`}>
          {hint}
        </p>
      )}
      <Message name={name} state={state} />
    </div>
  );
}

/** The message that belongs to no single field, at the top of a form. */
export function FormError({ state }: { state: FormState }) {
  const count = Object.keys(state.errors).length;
  if (count === 0) return null;
  return (
    <p class="flash flash-error" role="alert" data-testid="form-error">
      {state.errors.form ??
        `Not saved: ${count === 1 ? "one field needs" : `${count} fields need`} attention (marked below). Nothing was changed.`}
    </p>
  );
}
