import { Checkbox, fieldId, Input, Select } from "../../common/fields";
import { STRATEGY_TEXT } from "../model-view";
import { type FormContext, GroupError, GroupNote, noteOf, RowButton } from "./controls";
import type { BackendDraft, ServerDraft } from "./draft";

/** The choices of a select, keeping a value that is not among them (so it is shown to fix). */
function choices(known: Record<string, string>, current: string) {
  const options = Object.entries(known).map(([value, label]) => ({ value, label }));
  if (current !== "" && !(current in known)) options.unshift({ value: current, label: current });
  return options;
}

const STATE_TEXT = {
  ready: "ready",
  drain: "drain: no new clients",
  maint: "maint: no traffic",
};

const STICKY_TEXT = {
  none: "none",
  cookie: "cookie (name below)",
  source: "client address",
};

function ServerRow(props: {
  context: FormContext;
  at: string;
  server: ServerDraft;
  index: number;
}) {
  const { context, at, server } = props;
  const title = server.name || `server ${props.index + 1}`;
  return (
    <div class="form-row row-item" id={fieldId(at)} data-testid="form-server">
      <Input
        name={`${at}.name`}
        label={`Server ${props.index + 1}: name`}
        state={context.state}
        autofocus={context.focus === `${at}.name`}
      />
      <Input name={`${at}.address`} label="Address" state={context.state} />
      <Input name={`${at}.port`} label="Port" type="number" state={context.state} />
      <Input name={`${at}.weight`} label="Weight (1–256)" type="number" state={context.state} />
      <Input
        name={`${at}.maxConnections`}
        label="Max connections"
        type="number"
        placeholder="unlimited"
        state={context.state}
        hint={noteOf(context, `${at}.maxConnections`)}
      />
      <Select
        name={`${at}.state`}
        label="State"
        state={context.state}
        options={choices(STATE_TEXT, server.state)}
        hint={noteOf(context, `${at}.state`)}
      />
      <Checkbox
        name={`${at}.backup`}
        label="Backup"
        state={context.state}
        checked={server.backup}
        hint={noteOf(context, `${at}.backup`)}
      />
      <RowButton
        context={context}
        edit={`remove ${at}`}
        label="Remove"
        ariaLabel={`Remove server ${title}`}
      />
    </div>
  );
}

function HealthCheckFields(props: { context: FormContext; at: string; backend: BackendDraft }) {
  const { context } = props;
  const at = `${props.at}.healthCheck`;
  return (
    <fieldset class="choice" id={fieldId(at)}>
      <legend>Health check</legend>
      <Select
        name={`${at}.enabled`}
        label="Active check"
        state={context.state}
        selected=""
        options={[
          { value: "", label: "Off: servers are never marked down" },
          { value: "true", label: "On: an HTTP GET to each server" },
        ]}
      />
      <GroupNote context={context} path={at} />
      {/* app.js shows the check's fields only while it is on; without scripts they are always there. */}
      <div class="form-row" data-shown-by={fieldId(`${at}.enabled`)} data-shown-for="true">
        <Input name={`${at}.path`} label="Path" state={context.state} />
        <Input
          name={`${at}.intervalMs`}
          label="Interval (ms)"
          type="number"
          state={context.state}
        />
        <Input name={`${at}.timeoutMs`} label="Timeout (ms)" type="number" state={context.state} />
        <Input name={`${at}.rise`} label="Up after (passes)" type="number" state={context.state} />
        <Input
          name={`${at}.fall`}
          label="Down after (failures)"
          type="number"
          state={context.state}
        />
        <Input
          name={`${at}.expectStatus.min`}
          label="Pass status from"
          type="number"
          state={context.state}
        />
        <Input name={`${at}.expectStatus.max`} label="to" type="number" state={context.state} />
      </div>
    </fieldset>
  );
}

/** One backend: name, strategy, timeouts, health check, sticky sessions, servers. */
export function BackendFieldset(props: {
  context: FormContext;
  backend: BackendDraft;
  index: number;
}) {
  const { context, backend } = props;
  const at = `backends.${props.index}`;
  const title = backend.name || `backend ${props.index + 1}`;
  return (
    <fieldset class="entry" id={fieldId(at)} data-testid="form-backend">
      <legend>Backend {title}</legend>
      <GroupError context={context} name={at} />
      <div class="form-row">
        <Input
          name={`${at}.name`}
          label="Name"
          state={context.state}
          autofocus={context.focus === `${at}.name`}
        />
        <Select
          name={`${at}.strategy`}
          label="Strategy"
          state={context.state}
          options={choices(STRATEGY_TEXT, backend.strategy)}
        />
        <Input
          name={`${at}.timeouts.connectMs`}
          label="Connect timeout (ms)"
          type="number"
          state={context.state}
        />
        <Input
          name={`${at}.timeouts.serverMs`}
          label="Server timeout (ms)"
          type="number"
          state={context.state}
        />
      </div>
      <GroupNote context={context} path={`${at}.timeouts`} />
      <HealthCheckFields context={context} at={at} backend={backend} />
      <div class="form-row">
        <Select
          name={`${at}.sticky.type`}
          label="Sticky sessions"
          state={context.state}
          options={choices(STICKY_TEXT, backend.sticky.type)}
          hint={noteOf(context, `${at}.sticky`)}
        />
        {/* app.js shows it only while the select says cookie; without scripts it is always there. */}
        <div data-shown-by={fieldId(`${at}.sticky.type`)} data-shown-for="cookie">
          <Input
            name={`${at}.sticky.name`}
            label="Cookie name"
            placeholder="for cookie stickiness"
            state={context.state}
          />
        </div>
      </div>
      <h5 id={fieldId(`${at}.servers`)}>Servers</h5>
      <GroupError context={context} name={`${at}.servers`} />
      {backend.servers.map((server, s) => (
        <ServerRow context={context} at={`${at}.servers.${s}`} server={server} index={s} />
      ))}
      <RowButton context={context} edit={`add ${at}.servers`} label="Add a server" />
      <div class="actions">
        <RowButton context={context} edit={`remove ${at}`} label={`Remove backend ${title}`} />
      </div>
    </fieldset>
  );
}
