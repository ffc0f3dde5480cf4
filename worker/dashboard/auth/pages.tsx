import type { Child } from "hono/jsx";
import { MIN_PASSWORD_LENGTH } from "../../../shared/users";
import { CSRF_FIELD } from "./csrf";
import { Alert, AuthLayout } from "./layout";

function page(node: Child): string {
  return `<!DOCTYPE html>${node}`;
}

/** The username box of the sign-in and setup forms (their password boxes differ). */
function UsernameField(props: { value: string | undefined; autofocus?: boolean }) {
  return (
    <>
      <label for="username">Username</label>
      <input
        id="username"
        name="username"
        autocomplete="username"
        autocapitalize="none"
        spellcheck={false}
        required
        autofocus={props.autofocus}
        value={props.value ?? ""}
      />
    </>
  );
}

export interface LoginPageProps {
  csrf: string;
  next: string;
  username?: string;
  error?: string;
}

export function loginPage(props: LoginPageProps): string {
  return page(
    <AuthLayout title="Sign in">
      <h1>Sign in to Baton</h1>
      <Alert message={props.error} />
      <form method="post" action="/login">
        <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <UsernameField value={props.username} autofocus />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit">Sign in</button>
      </form>
    </AuthLayout>,
  );
}

export interface SetupPageProps {
  csrf: string;
  username?: string;
  error?: string;
}

export function setupPage(props: SetupPageProps): string {
  return page(
    <AuthLayout title="Set up">
      <h1>Create the first admin</h1>
      <p>Baton has no users yet. Prove you run it with the bootstrap token (ADMIN_TOKEN).</p>
      <Alert message={props.error} />
      <form method="post" action="/setup">
        <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
        <label for="token">Bootstrap token</label>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <UsernameField value={props.username} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="new-password"
          minlength={MIN_PASSWORD_LENGTH}
          aria-describedby="password-hint"
          required
        />
        <p class="hint" id="password-hint">
          At least {MIN_PASSWORD_LENGTH} characters.
        </p>
        <button type="submit">Create admin and sign in</button>
      </form>
    </AuthLayout>,
  );
}

/** A refusal or notice with a way onwards: 403, 409, 429 pages. */
export function messagePage(title: string, message: string, link?: { href: string; text: string }) {
  return page(
    <AuthLayout title={title}>
      <h1>{title}</h1>
      <p role="alert">{message}</p>
      {link ? <a href={link.href}>{link.text}</a> : null}
    </AuthLayout>,
  );
}
