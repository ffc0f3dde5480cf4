import { fieldId, Message } from "../../common/fields";
import type { FormState } from "../../common/form-fields";

/** What every part of the Balancer form needs to draw its fields. */
export interface FormContext {
  state: FormState;
  /** HAProxy | nginx notes by model path (nginx pools only). */
  notes: Record<string, string>;
  /** The backends' names as the form has them now, for route and default backend selects. */
  backends: string[];
  certificates: { id: string; label: string }[];
  /** The field or button to focus when the page loads. */
  focus: string | null;
}

/** The HAProxy | nginx note of a model path, as a field's hint; nothing when there is none. */
export function noteOf(context: FormContext, path: string) {
  const note = context.notes[path];
  if (!note) return undefined;
  return (
    <span class="mapping-note" data-testid="mapping-note" data-path={path}>
      {note}
    </span>
  );
}

/** A group's note (a health check, stickiness, a route) as a paragraph of its own. */
export function GroupNote(props: { context: FormContext; path: string }) {
  const note = noteOf(props.context, props.path);
  return note ? <p class="hint">{note}</p> : null;
}

/** An error about a whole list or entry (`needs at least one server`), under its heading. */
export function GroupError(props: { context: FormContext; name: string }) {
  return <Message name={props.name} state={props.context.state} />;
}

/**
 * A button that posts the form to add or remove a row (`add backends.0.servers`,
 * `remove backends.0.servers.1`): the page comes back with the change and nothing saved.
 */
export function RowButton(props: {
  context: FormContext;
  edit: string;
  label: string;
  /** Spoken instead of `label` (a remove button names what it removes). */
  ariaLabel?: string;
}) {
  const [verb, path] = props.edit.split(" ");
  return (
    <button
      type="submit"
      name="_edit"
      value={props.edit}
      class={verb === "remove" ? "row-button remove" : "row-button"}
      id={fieldId(props.edit)}
      aria-label={props.ariaLabel}
      autofocus={props.context.focus === props.edit || undefined}
      data-testid={`${verb}-${path}`}
    >
      {props.label}
    </button>
  );
}

/** Options naming the model's backends, keeping a name that is not among them (to fix). */
export function backendOptions(context: FormContext, current: string) {
  const names = context.backends.filter((name) => name !== "");
  const options = names.map((name) => ({ value: name, label: name }));
  if (!names.includes(current)) {
    options.unshift({
      value: current,
      label: current === "" ? "(choose a backend)" : `${current} (no such backend)`,
    });
  }
  return options;
}
