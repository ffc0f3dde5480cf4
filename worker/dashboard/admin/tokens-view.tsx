import type { ApiToken } from "../../../shared/tokens";
import type { DashboardSession } from "../../types";
import { ActionForm } from "../common/action-form";
import { FormError, Input } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime } from "../common/when";
import { RoleSelect } from "./role-select";

/** Creates a token through the API's CreateApiToken and createApiToken. */
export function NewTokenForm(props: { csrf: string; state: FormState }) {
  const { state } = props;
  return (
    <form method="post" action="/ui/tokens" class="stacked" data-testid="token-form" novalidate>
      <input type="hidden" name="_csrf" value={props.csrf} />
      <FormError state={state} />
      <Input
        name="name"
        id="token-name"
        label="Name"
        state={state}
        required
        hint="Say what uses it, e.g. terraform-ci: the list and the audit events show it."
      />
      <RoleSelect id="token-role" state={state} />
      <div class="actions">
        <button type="submit" class="primary" data-testid="token-submit">
          Create token
        </button>
      </div>
    </form>
  );
}

/**
 * A new token, in the answer to the POST that made it (never in a redirect or flash): Baton
 * keeps only its hash, so this is the one time anyone sees it.
 */
export function CreatedToken(props: { token: string; apiToken: ApiToken }) {
  return (
    <section class="banner" aria-labelledby="created-token-title" data-testid="created-token">
      <h2 id="created-token-title">
        Token {props.apiToken.name} ({props.apiToken.role}) created
      </h2>
      <p>Copy it now: it is shown only once. Send it as `Authorization: Bearer &lt;token&gt;`.</p>
      <div class="install-command">
        <pre id="created-token-value" data-testid="created-token-value">
          {props.token}
        </pre>
        <button type="button" data-copy="created-token-value" data-testid="copy-token" hidden>
          Copy
        </button>
      </div>
    </section>
  );
}

/** The tokens that still work, each with its Revoke button. */
export function TokenList(props: {
  tokens: ApiToken[];
  creators: Map<string, string>;
  session: DashboardSession;
}) {
  if (props.tokens.length === 0) {
    return (
      <p class="muted" data-testid="tokens-none">
        No API tokens yet: create one above for scripts and CI.
      </p>
    );
  }
  return (
    <table class="jobs" data-testid="token-list">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Role</th>
          <th scope="col">Starts with</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Revoke</th>
        </tr>
      </thead>
      <tbody>
        {props.tokens.map((token) => (
          <tr data-testid="token-row" data-token-id={token.id} data-role={token.role}>
            <td>{token.name}</td>
            <td>{token.role}</td>
            <td>
              <code>{token.prefix}…</code>
            </td>
            <td>
              {formatTime(token.createdAt)}{" "}
              <span class="muted">by {props.creators.get(token.createdBy) ?? token.createdBy}</span>
            </td>
            <td data-testid="token-last-used">
              {token.lastUsedAt === null ? "never" : formatTime(token.lastUsedAt)}
            </td>
            <td>
              <ActionForm
                action={`/ui/tokens/${token.id}/revoke`}
                confirm={`Revoke the API token ${token.name} (${token.role}, ${token.prefix}…)? Whatever uses it is refused from now on; this cannot be undone.`}
                csrf={props.session.csrf}
                id={`token-revoke-${token.id}`}
                testId="token-revoke"
                label="Revoke token"
                disabledReason={null}
                danger
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
