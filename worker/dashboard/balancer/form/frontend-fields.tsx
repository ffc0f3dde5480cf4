import { Checkbox, fieldId, Input, Select, Textarea } from "../../common/fields";
import {
  backendOptions,
  type FormContext,
  GroupError,
  GroupNote,
  noteOf,
  RowButton,
} from "./controls";
import type { BindDraft, FrontendDraft, RouteDraft } from "./draft";

function BindRow(props: { context: FormContext; at: string; bind: BindDraft; index: number }) {
  const { context, at } = props;
  const certificate = `${at}.tls.certificateId`;
  const current = props.bind.tls.certificateId;
  const known = context.certificates.some((cert) => cert.id === current);
  const options = [
    { value: "", label: "No TLS (plain HTTP)" },
    ...context.certificates.map((cert) => ({ value: cert.id, label: `TLS: ${cert.label}` })),
    ...(current !== "" && !known
      ? [{ value: current, label: `${current} (not a certificate of this pool)` }]
      : []),
  ];
  return (
    <div class="form-row row-item" id={fieldId(at)} data-testid="form-bind">
      <Input
        name={`${at}.port`}
        label={`Bind ${props.index + 1}: port`}
        type="number"
        state={context.state}
        autofocus={context.focus === `${at}.port`}
      />
      <Input
        name={`${at}.address`}
        label="Address"
        placeholder="every IPv4 address"
        state={context.state}
      />
      <Select
        name={certificate}
        label="TLS certificate"
        state={context.state}
        options={options}
        hint={noteOf(context, certificate)}
      />
      <RowButton
        context={context}
        edit={`remove ${at}`}
        label="Remove"
        ariaLabel={`Remove bind ${props.index + 1}`}
      />
    </div>
  );
}

function RouteRow(props: { context: FormContext; at: string; route: RouteDraft; index: number }) {
  const { context, at } = props;
  return (
    <div class="form-row row-item" id={fieldId(at)} data-testid="form-route">
      <Input
        name={`${at}.host`}
        label={`Route ${props.index + 1}: host`}
        placeholder="any host"
        state={context.state}
        autofocus={context.focus === `${at}.host`}
      />
      <Input
        name={`${at}.pathPrefix`}
        label="Path prefix"
        placeholder="any path"
        state={context.state}
      />
      <Select
        name={`${at}.backend`}
        label="To backend"
        state={context.state}
        options={backendOptions(context, props.route.backend)}
      />
      <RowButton
        context={context}
        edit={`remove ${at}`}
        label="Remove"
        ariaLabel={`Remove route ${props.index + 1}`}
      />
      <GroupNote context={context} path={at} />
    </div>
  );
}

/** One frontend: name, binds, host names, routes, default backend, headers, redirect, timeouts. */
export function FrontendFieldset(props: {
  context: FormContext;
  frontend: FrontendDraft;
  index: number;
}) {
  const { context, frontend } = props;
  const at = `frontends.${props.index}`;
  const title = frontend.name || `frontend ${props.index + 1}`;
  return (
    <fieldset class="entry" id={fieldId(at)} data-testid="form-frontend">
      <legend>Frontend {title}</legend>
      <GroupError context={context} name={at} />
      <div class="form-row">
        <Input
          name={`${at}.name`}
          label="Name"
          state={context.state}
          autofocus={context.focus === `${at}.name`}
        />
        <Select
          name={`${at}.defaultBackend`}
          label="Default backend"
          state={context.state}
          options={backendOptions(context, frontend.defaultBackend)}
        />
        <Input
          name={`${at}.timeouts.clientMs`}
          label="Client timeout (ms)"
          type="number"
          state={context.state}
          hint={noteOf(context, `${at}.timeouts.clientMs`)}
        />
        <Input
          name={`${at}.timeouts.httpRequestMs`}
          label="Request headers timeout (ms)"
          type="number"
          state={context.state}
        />
      </div>
      <Textarea
        name={`${at}.hostnames`}
        label="Host names"
        rows={2}
        state={context.state}
        hint="One per line; *.example.com for every name below it. Empty: every host."
      />
      <Checkbox
        name={`${at}.forwardedHeaders`}
        label="Send X-Forwarded-For, -Proto and -Host to the backends"
        state={context.state}
        checked={frontend.forwardedHeaders}
      />
      <Checkbox
        name={`${at}.redirectToHttps`}
        label="Redirect plain HTTP to HTTPS (301)"
        state={context.state}
        checked={frontend.redirectToHttps}
      />
      <h5 id={fieldId(`${at}.binds`)}>Binds</h5>
      <GroupError context={context} name={`${at}.binds`} />
      {frontend.binds.map((bind, b) => (
        <BindRow context={context} at={`${at}.binds.${b}`} bind={bind} index={b} />
      ))}
      <RowButton context={context} edit={`add ${at}.binds`} label="Add a bind" />
      <h5 id={fieldId(`${at}.routes`)}>Routes (checked in order; the first match wins)</h5>
      <GroupError context={context} name={`${at}.routes`} />
      {frontend.routes.map((route, r) => (
        <RouteRow context={context} at={`${at}.routes.${r}`} route={route} index={r} />
      ))}
      <RowButton context={context} edit={`add ${at}.routes`} label="Add a route" />
      <div class="actions">
        <RowButton context={context} edit={`remove ${at}`} label={`Remove frontend ${title}`} />
      </div>
    </fieldset>
  );
}
