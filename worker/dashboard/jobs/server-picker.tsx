import { formatTime } from "../common/when";
import type { ServerChoices } from "./server-choices";
import { targetValue } from "./server-choices";

/**
 * The drain and ready jobs' target, picked from the member's latest HAProxy table: one select
 * of "backend/server" options grouped by backend (plain HTML, no script needed). Free text only
 * when there is no table, saying why.
 */
export function ServerPicker({ choices }: { choices: ServerChoices }) {
  if (choices.kind === "none" || choices.backends.length === 0) {
    const reason =
      choices.kind === "none" ? choices.reason : "HAProxy's table lists no backend on this member.";
    return (
      <>
        <p class="muted" data-testid="job-target-none">
          {reason} Type the names instead.
        </p>
        <label for="job-backend">Backend</label>{" "}
        <input id="job-backend" name="backend" autocomplete="off" data-testid="job-backend" />{" "}
        <label for="job-server">Server (optional: every server of the backend)</label>{" "}
        <input id="job-server" name="server" autocomplete="off" data-testid="job-server" />
      </>
    );
  }
  return (
    <>
      <label for="job-target">Backend and server</label>{" "}
      <select id="job-target" name="target" data-testid="job-target">
        {choices.backends.map((choice) => (
          <optgroup label={choice.backend}>
            <option value={targetValue(choice.backend)}>
              {`${choice.backend} (every server)`}
            </option>
            {choice.servers.map((server) => (
              <option value={targetValue(choice.backend, server.name)}>
                {`${choice.backend}/${server.name}${server.status ? ` · ${server.status}` : ""}`}
              </option>
            ))}
          </optgroup>
        ))}
      </select>{" "}
      <span class="muted" data-testid="job-target-source">
        From HAProxy's table of {formatTime(choices.collectedAt)}.
      </span>
    </>
  );
}
