import type { Child } from "hono/jsx";

interface ActionFormProps {
  action: string;
  /** The question the confirmation dialog asks (scripts only; without them the form just posts). */
  confirm: string;
  csrf: string;
  /** Stable across refreshes, so keyboard focus survives a live update. */
  id: string;
  testId: string;
  label: string;
  /** Why the button is disabled, or null when it is enabled. */
  disabledReason: string | null;
  danger?: boolean;
  children?: Child;
}

/** One POST button with its CSRF token. The server checks the role again; this only explains. */
export function ActionForm(props: ActionFormProps) {
  return (
    <form
      method="post"
      action={props.action}
      data-confirm={props.confirm}
      data-confirm-verb={props.label}
      data-confirm-danger={props.danger ? "" : undefined}
    >
      <input type="hidden" name="_csrf" value={props.csrf} />
      {props.children}
      <button
        type="submit"
        id={props.id}
        class={props.danger ? "danger" : undefined}
        disabled={props.disabledReason !== null}
        title={props.disabledReason ?? undefined}
        data-testid={props.testId}
      >
        {props.label}
      </button>
    </form>
  );
}

export const NEEDS_OPERATOR = "Needs the operator role";
export const NEEDS_ADMIN = "Needs the admin role";
