import type { Child } from "hono/jsx";
import type { FormState } from "./form-fields";

/** Stable ids from field names such as `cloudflare.zoneId`. */
export const fieldId = (name: string) => `f-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

/**
 * How a field is found. By default the control's id is `fieldId(name)`, its testid
 * `field-<name>`, and its error's testid `error-<id>` for a field given an id of its own, else
 * `error-<name>`.
 */
export interface FieldNaming {
  id?: string;
  testId?: string;
  errorTestId?: string;
}

interface FieldProps extends FieldNaming {
  name: string;
  label: string;
  state: FormState;
  hint?: Child;
  /** Focus it when the page loads (the row just added, the first field to fix). */
  autofocus?: boolean;
}

function namesOf(props: { name: string } & FieldNaming) {
  const id = props.id ?? fieldId(props.name);
  return {
    id,
    testId: props.testId ?? `field-${props.name}`,
    errorTestId: props.errorTestId ?? `error-${props.id ?? props.name}`,
  };
}

/** The ARIA attributes that tie a control to its hint and its error message. */
export function ariaOf(id: string, error: string | undefined, hasHint = false) {
  const described = [hasHint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return {
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": described.length > 0 ? described.join(" ") : undefined,
  };
}

/** A field's error message, if it has one. */
export function Message(props: { name: string; state: FormState } & FieldNaming) {
  const error = props.state.errors[props.name];
  if (!error) return null;
  const { id, errorTestId } = namesOf(props);
  return (
    <p class="field-error" id={`${id}-error`} data-testid={errorTestId}>
      {error}
    </p>
  );
}

function Hint({ id, hint }: { id: string; hint: Child | undefined }) {
  if (!hint) return null;
  return (
    <p class="hint muted" id={`${id}-hint`}>
      {hint}
    </p>
  );
}

/** The attributes every labelled control carries: id, name, testid, ARIA. */
function controlOf(props: FieldProps) {
  const { id, testId } = namesOf(props);
  return {
    id,
    name: props.name,
    "data-testid": testId,
    autofocus: props.autofocus || undefined,
    ...ariaOf(id, props.state.errors[props.name], !!props.hint),
  };
}

/** A label, the control, its hint and, when the last submission was refused, why. */
function Field(props: FieldProps & { children: Child }) {
  const { id } = namesOf(props);
  const invalid = !!props.state.errors[props.name];
  return (
    <div class={invalid ? "field field-invalid" : "field"}>
      <label for={id}>{props.label}</label>
      {props.children}
      <Hint id={id} hint={props.hint} />
      <Message {...props} />
    </div>
  );
}

/** What the field shows: the user's input after a refusal, else `value` (the stored setting). */
function shownValue(props: FieldProps & { value?: string | number | null }): string {
  return props.state.values[props.name] ?? (props.value == null ? "" : String(props.value));
}

interface InputProps extends FieldProps {
  type?: "text" | "number" | "url" | "password";
  placeholder?: string;
  required?: boolean;
  /** Shown when the state has no value for the field (the stored setting). */
  value?: string | number | null;
  inputmode?: "numeric" | "url" | "text";
  minlength?: number;
  maxlength?: number;
}

/**
 * A labelled input with its hint and error. A password input never carries a value: secrets are
 * write-only, so neither a stored one nor a typed one is ever put back into the page. A number
 * is typed as text (with a numeric keyboard) so that the schema, not the browser, says what is
 * wrong with it.
 */
export function Input(props: InputProps) {
  const { type = "text" } = props;
  const secret = type === "password";
  return (
    <Field {...props}>
      <input
        {...controlOf(props)}
        type={type === "number" ? "text" : type}
        inputmode={type === "number" ? "numeric" : props.inputmode}
        value={secret ? "" : shownValue(props)}
        placeholder={props.placeholder}
        required={props.required}
        minlength={props.minlength}
        maxlength={props.maxlength}
        autocomplete={secret ? "new-password" : "off"}
        autocapitalize="none"
        spellcheck={false}
      />
    </Field>
  );
}

/** A labelled multi-line box (lists, one entry per line). */
export function Textarea(
  props: FieldProps & { value?: string | null; required?: boolean; rows?: number },
) {
  return (
    <Field {...props}>
      <textarea
        {...controlOf(props)}
        rows={props.rows ?? 4}
        required={props.required}
        autocapitalize="none"
        spellcheck={false}
      >
        {shownValue(props)}
      </textarea>
    </Field>
  );
}

interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

/** A labelled select; `selected` applies when the state has no value for it. */
export function Select(props: FieldProps & { options: Option[]; selected?: string | null }) {
  const current = props.state.values[props.name] ?? props.selected ?? "";
  return (
    <Field {...props}>
      <select {...controlOf(props)}>
        {props.options.map((option) => (
          <option
            value={option.value}
            selected={option.value === current}
            disabled={option.disabled}
          >
            {option.label}
          </option>
        ))}
      </select>
    </Field>
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
export function Checkbox(props: FieldProps & { checked: boolean; value?: string }) {
  const { name, state } = props;
  const value = props.value ?? "true";
  const { id, testId } = namesOf(props);
  const isChecked = state.submitted ? state.values[name] === value : props.checked;
  return (
    <div class="field">
      <label class="inline">
        <input
          id={id}
          type="checkbox"
          name={name}
          value={value}
          checked={isChecked}
          aria-describedby={props.hint ? `${id}-hint` : undefined}
          data-testid={testId}
        />{" "}
        {props.label}
      </label>
      <Hint id={id} hint={props.hint} />
      <Message {...props} />
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
        `Nothing was saved: ${count === 1 ? "one field needs" : `${count} fields need`} attention (marked below).`}
    </p>
  );
}

/** After a refusal: a typed secret is not shown again, so it has to be typed again. */
export function RetypeSecret(props: { state: FormState; typed: boolean; what: string }) {
  if (!props.typed || Object.keys(props.state.errors).length === 0) return null;
  return (
    <p class="muted" data-testid="retype-secret">
      The {props.what} you typed was not saved and is not shown again: type it again.
    </p>
  );
}
