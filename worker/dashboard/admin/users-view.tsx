import { Role } from "../../../shared/tokens";
import { MIN_PASSWORD_LENGTH, type User } from "../../../shared/users";
import type { DashboardSession } from "../../types";
import { ActionForm } from "../common/action-form";
import { ariaOf, FormError, Input } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime } from "../common/when";
import { RoleSelect } from "./role-select";

/** Adds a user through the users API's CreateUser and createUser. */
export function NewUserForm(props: { csrf: string; state: FormState }) {
  const { state } = props;
  return (
    <form method="post" action="/ui/users" class="stacked" data-testid="user-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <FormError state={state} />
      <Input name="username" id="user-name" label="Username" state={state} required />
      <Input
        name="password"
        id="user-password"
        label="Password"
        type="password"
        state={state}
        minlength={MIN_PASSWORD_LENGTH}
        required
        hint={`At least ${MIN_PASSWORD_LENGTH} characters; give it to the person another way.`}
      />
      <RoleSelect id="user-role" state={state} />
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
          {...ariaOf(passwordId, passwordError)}
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
