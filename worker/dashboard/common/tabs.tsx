/**
 * The workspace tabs of a member and of a pool, and the headings above them. A tab whose page is
 * not built yet shows as plain text, never as a link to a page that does not exist.
 */

export type MemberTab = "status" | "jobs" | "monitoring" | "settings";
export type PoolTab =
  | "overview"
  | "dns"
  | "balancer"
  | "certificates"
  | "recovery"
  | "events"
  | "settings";

interface TabSpec<T extends string> {
  id: T;
  label: string;
  path: (id: string) => string;
  built: boolean;
}

const MEMBER_TABS: TabSpec<MemberTab>[] = [
  { id: "status", label: "Status", path: (id) => `/members/${id}/status`, built: true },
  { id: "jobs", label: "Jobs", path: (id) => `/members/${id}/jobs`, built: true },
  {
    id: "monitoring",
    label: "Monitoring",
    path: (id) => `/members/${id}/monitoring`,
    built: true,
  },
  { id: "settings", label: "Settings", path: (id) => `/members/${id}/settings`, built: true },
];

const POOL_TABS: TabSpec<PoolTab>[] = [
  { id: "overview", label: "Overview", path: (id) => `/pools/${id}`, built: true },
  { id: "dns", label: "DNS", path: (id) => `/pools/${id}/dns`, built: true },
  { id: "balancer", label: "Balancer", path: (id) => `/pools/${id}/balancer`, built: true },
  {
    id: "certificates",
    label: "Certificates",
    path: (id) => `/pools/${id}/certificates`,
    built: true,
  },
  {
    id: "recovery",
    label: "Disaster recovery",
    path: (id) => `/pools/${id}/recovery`,
    built: true,
  },
  { id: "events", label: "Events", path: (id) => `/pools/${id}/events`, built: true },
  { id: "settings", label: "Settings", path: (id) => `/pools/${id}/settings`, built: true },
];

function Tabs<T extends string>(props: {
  label: string;
  testId: string;
  id: string;
  tabs: TabSpec<T>[];
  active: T;
}) {
  return (
    <nav class="tabs" aria-label={props.label} data-testid={props.testId}>
      {props.tabs.map((tab) =>
        tab.built ? (
          <a
            href={tab.path(props.id)}
            aria-current={tab.id === props.active ? "page" : undefined}
            data-testid={`tab-${tab.id}`}
          >
            {tab.label}
          </a>
        ) : (
          <span class="tab-soon" title="Not available yet">
            {tab.label} <small>(not yet available)</small>
          </span>
        ),
      )}
    </nav>
  );
}

export function MemberTabs({ memberId, active }: { memberId: string; active: MemberTab }) {
  return (
    <Tabs label="Member" testId="member-tabs" id={memberId} tabs={MEMBER_TABS} active={active} />
  );
}

export function PoolTabs({ poolId, active }: { poolId: string; active: PoolTab }) {
  return <Tabs label="Pool" testId="pool-tabs" id={poolId} tabs={POOL_TABS} active={active} />;
}

/** Above every member tab: the way back to its pool, its name and hostname, the tabs. */
export function MemberHeading(props: {
  member: { id: string; name: string; hostname: string };
  pool: { id: string; name: string };
  active: MemberTab;
}) {
  return (
    <>
      <p class="crumbs">
        <a href={`/pools/${props.pool.id}`}>{props.pool.name}</a> ›
      </p>
      <h1>{props.member.name}</h1>
      <p class="muted">{props.member.hostname}</p>
      <MemberTabs memberId={props.member.id} active={props.active} />
    </>
  );
}

/** Above every pool tab: its name, hostname and profile, the tabs. */
export function PoolHeading(props: {
  pool: { id: string; name: string; hostname: string; profile: string };
  active: PoolTab;
}) {
  return (
    <>
      <h1>{props.pool.name}</h1>
      <p class="muted">
        {props.pool.hostname} · {props.pool.profile} pool
      </p>
      <PoolTabs poolId={props.pool.id} active={props.active} />
    </>
  );
}
