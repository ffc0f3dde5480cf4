import { Role } from "../../../shared/tokens";
import { MIN_PASSWORD_LENGTH, type User } from "../../../shared/users";
import type { DashboardSession } from "../../types";
import { ActionForm } from "./action-form";
import { Field, type FieldErrors, fieldAria } from "./labelled-field";
import { formatTime } from "./jobs";

const ROLE_HELP: Record<Role, string> = {
  viewer: "viewer: sees everything, changes nothing",
  operator: "operator: also jobs, cutover, drain",
  admin: "admin: also settings, DNS credentials, users, API tokens",
};

export interface NewUserValues {
  username: string;
  role: string;
}

/** Adds a user through the users API's CreateUser and createUser. */
export function NewUserForm(props: { csrf: string; values: NewUserValues; errors: FieldErrors }) {
  const { values, errors } = props;
  return (
    <form method="post" action="/ui/users" class="stacked" data-testid="user-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <Field id="user-name" label="Username" error={errors.username}>
        <input
          id="user-name"
          name="username"
          value={values.username}
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          required
          {...fieldAria("user-name", errors.username)}
        />
      </Field>
      <Field
        id="user-password"
        label="Password"
        error={errors.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters; give it to the person another way.`}
      >
        <input
          id="user-password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={MIN_PASSWORD_LENGTH}
          required
          {...fieldAria("user-password", errors.password, true)}
        />
      </Field>
      <Field id="user-role" label="Role" error={errors.role}>
        <select id="user-role" name="role" {...fieldAria("user-role", errors.role)}>
          {Role.options.map((role) => (
            <option value={role} selected={role === values.role}>
              {ROLE_HELP[role]}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit" class="primary" data-testid="user-submit">
          Add user
        </button>
      </div>
    </form>
  );
}

interface UserCardProps {
  user: User;
  lastSignInAt: number | null;
  session: DashboardSession;
  /** The only active admin: it can be neither demoted nor deleted. */
  lastAdmin: boolean;
  /** Why the last reset of this user's password was refused. */
  passwordError?: string | undefined;
}

const LAST_ADMIN = "The last admin cannot be demoted or deleted: make another user admin first";

/** One user with its role, password and delete forms. */
export function UserCard(props: UserCardProps) {
  const { user, session, lastAdmin, passwordError } = props;
  const you = user.id === session.userId;
  const roleId = `role-${user.id}`;
  const passwordId = `password-${user.id}`;
  return (
    <li
      class="card user-card"
      data-testid="user-row"
      data-user-id={user.id}
      data-username={user.username}
      data-role={user.role}
    >
      <header>
        <h3>
          {user.username}
          {you && <span class="muted"> (you)</span>}
        </h3>
        <span class="badge" data-testid="user-role">
          {user.role}
        </span>
      </header>
      <dl>
        <dt>Created</dt>
        <dd>{formatTime(user.createdAt)}</dd>
        <dt>Last sign-in</dt>
        <dd>{props.lastSignInAt === null ? "not known" : formatTime(props.lastSignInAt)}</dd>
        {user.disabledAt !== null && (
          <>
            <dt>Disabled</dt>
            <dd>{formatTime(user.disabledAt)}</dd>
          </>
        )}
      </dl>
      {lastAdmin && (
        <p class="note" data-testid="last-admin">
          {LAST_ADMIN}.
        </p>
      )}
      <form method="post" action={`/ui/users/${user.id}/role`} class="inline-form">
        <input type="hidden" name="_csrf" value={session.csrf} />
        <label for={roleId}>Role</label>{" "}
        <select id={roleId} name="role" disabled={lastAdmin} data-testid="user-role-select">
          {Role.options.map((role) => (
            <option value={role} selected={role === user.role}>
              {role}
            </option>
          ))}
        </select>{" "}
        <button
          type="submit"
          disabled={lastAdmin}
          title={lastAdmin ? LAST_ADMIN : undefined}
          data-testid="user-role-submit"
        >
          Change role
        </button>
      </form>
      <form
        method="post"
        action={`/ui/users/${user.id}/password`}
        class="inline-form"
        data-confirm={`Set a new password for ${user.username}? Their other sessions end.`}
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        <label for={passwordId}>New password</label>{" "}
        <input
          id={passwordId}
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={MIN_PASSWORD_LENGTH}
          required
          {...fieldAria(passwordId, passwordError)}
        />{" "}
        <button type="submit" data-testid="user-password-submit">
          Reset password
        </button>
        {passwordError && (
          <p class="field-error" id={`${passwordId}-error`} data-testid="user-password-error">
            {passwordError}
          </p>
        )}
      </form>
      <div class="actions">
        <ActionForm
          action={`/ui/users/${user.id}/delete`}
          confirm={`Delete ${user.username}? They are signed out everywhere${you ? ", you included" : ""}.`}
          csrf={session.csrf}
          id={`delete-${user.id}`}
          testId="user-delete"
          label="Delete user"
          disabledReason={lastAdmin ? LAST_ADMIN : null}
          danger
        />
      </div>
    </li>
  );
}
