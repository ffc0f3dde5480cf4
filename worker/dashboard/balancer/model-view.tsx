import type { BalancerBackend, BalancerFrontend, BalancerModel } from "../../../shared/balancer";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import { statTone } from "../member-status/haproxy-table";
import type { BalancerMember } from "./load";

export const STRATEGY_TEXT = {
  round_robin: "round robin",
  least_conn: "least connections",
  source: "by client address",
  uri_hash: "by URI",
} as const;

function FrontendRow({ frontend }: { frontend: BalancerFrontend }) {
  return (
    <tr data-testid="balancer-frontend" data-name={frontend.name}>
      <th scope="row">{frontend.name}</th>
      <td data-testid="balancer-binds">
        {frontend.binds
          .map(
            (bind) =>
              `${bind.address ?? "*"}:${bind.port}${bind.tls ? ` TLS (${bind.tls.certificateId})` : ""}`,
          )
          .join(", ")}
        {frontend.redirectToHttps ? " · HTTP → HTTPS" : ""}
      </td>
      <td>{frontend.hostnames.length > 0 ? frontend.hostnames.join(", ") : "every host"}</td>
      <td data-testid="balancer-routes">
        {frontend.routes.map((route) => (
          <div>
            {route.host ?? "any host"}
            {route.pathPrefix ?? ""} → {route.backend}
          </div>
        ))}
        <div class="muted">otherwise → {frontend.defaultBackend}</div>
      </td>
    </tr>
  );
}

function healthText(backend: BalancerBackend): string {
  const check = backend.healthCheck;
  if (!check) return "no active check";
  const { min, max } = check.expectStatus;
  return `GET ${check.path} every ${check.intervalMs} ms (timeout ${check.timeoutMs} ms), ${min}–${max} passes, down after ${check.fall}, up after ${check.rise}`;
}

function stickyText(backend: BalancerBackend): string {
  if (!backend.sticky) return "none";
  return backend.sticky.type === "cookie" ? `cookie ${backend.sticky.name}` : "client address";
}

/** A server's status on one member, from that member's latest table. */
function ServerCell(props: { stat: HaproxyStatRow[] | null; backend: string; server: string }) {
  if (props.stat === null) return <td class="muted">no stats</td>;
  const row = props.stat.find(
    (r) => r.kind === "server" && r.proxy === props.backend && r.service === props.server,
  );
  const status = row?.status ?? null;
  return (
    <td
      class={`stat-status tone-${statTone(status)}`}
      data-testid="balancer-server-state"
      data-tone={statTone(status)}
    >
      {status ?? "not in its table"}
      {row?.checkStatus ? <span class="muted"> ({row.checkStatus})</span> : null}
    </td>
  );
}

function BackendTable(props: { backend: BalancerBackend; members: BalancerMember[] }) {
  const { backend } = props;
  return (
    <section data-testid="balancer-backend" data-name={backend.name}>
      <h4>{backend.name}</h4>
      <p class="muted">
        Strategy <span data-testid="balancer-strategy">{STRATEGY_TEXT[backend.strategy]}</span> ·
        health check <span data-testid="balancer-health">{healthText(backend)}</span> · sticky
        sessions <span data-testid="balancer-sticky">{stickyText(backend)}</span>
      </p>
      <section
        class="table-scroll"
        id={`balancer-servers-${backend.name}`}
        aria-label={`Servers of ${backend.name} on each member`}
        tabindex={0}
        data-keep-scroll
      >
        <table class="jobs">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Address</th>
              <th scope="col">Weight</th>
              <th scope="col">Set to</th>
              {props.members.map((member) => (
                <th scope="col">on {member.view.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {backend.servers.map((server) => (
              <tr data-testid="balancer-server" data-name={server.name}>
                <th scope="row">
                  {server.name}
                  {server.backup ? <span class="muted"> (backup)</span> : null}
                </th>
                <td>
                  {server.address}:{server.port}
                </td>
                <td>
                  {server.weight}
                  {server.maxConnections ? ` · max ${server.maxConnections}` : ""}
                </td>
                <td>{server.state}</td>
                {props.members.map((member) => (
                  <ServerCell stat={member.stat} backend={backend.name} server={server.name} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

/** The newest revision's model: frontends with binds and routes, backends with each server per member. */
export function ModelView(props: {
  model: BalancerModel;
  members: BalancerMember[];
  haproxy: boolean;
}) {
  return (
    <>
      <h3>Frontends</h3>
      <section
        class="table-scroll"
        id="balancer-frontends-scroll"
        aria-label="Frontends"
        tabindex={0}
        data-keep-scroll
      >
        <table class="jobs" data-testid="balancer-frontends">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Binds</th>
              <th scope="col">Host names</th>
              <th scope="col">Routes</th>
            </tr>
          </thead>
          <tbody>
            {props.model.frontends.map((frontend) => (
              <FrontendRow frontend={frontend} />
            ))}
          </tbody>
        </table>
      </section>
      <h3>Backends</h3>
      {!props.haproxy && (
        <p class="muted">
          nginx has no runtime view of its servers: each member's state is its local probe.
        </p>
      )}
      {props.model.backends.map((backend) => (
        <BackendTable backend={backend} members={props.haproxy ? props.members : []} />
      ))}
    </>
  );
}
