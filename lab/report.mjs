// The proving ground's table and its targets (issue #12). Targets are printed as met/missed next
// to the figures; only must-not-happens (false flips, flips onto a member that could not serve)
// fail a smoke run.
import { spread } from "./measure.mjs";

/** The targets that apply to a fault, each with whether its summary meets it. */
export function targetChecks(fault, summary) {
  const checks = [
    { label: "0 false flips", met: summary.falseFlips === 0 },
    { label: "0 flips onto a member that could not serve", met: summary.badFlips === 0 },
  ];
  const le = (figure, limit) => figure !== null && figure <= limit;
  if (fault.kind === "service_down")
    checks.push({
      label: "client served again ≤ 500 ms median, ≤ 800 ms worst",
      met: le(summary.served.median, 500) && le(summary.served.worst, 800),
    });
  if (fault.kind === "heartbeat_loss")
    checks.push({
      label: "promoted ≤ last heartbeat + delay + 300 ms (median)",
      met: le(summary.afterDeadline.median, 300),
    });
  if (fault.kind === "provider_down")
    checks.push(
      {
        label: "DNS answer ≤ 5 s after the provider returns (worst)",
        met: le(summary.answer.worst, 5000),
      },
      { label: "≤ 12 provider calls during the 20 s outage", met: summary.maxProviderCalls <= 12 },
    );
  if (fault.id === "bad-config" || fault.kind === "rollout")
    checks.push({ label: "0 client errors", met: summary.clientErrors === 0 });
  if (fault.kind === "rollout")
    checks.push({
      label: "every run ended as it must (steps, files byte for byte, heartbeats, direct requests)",
      met: summary.scenarioFailures === 0,
    });
  return checks;
}

const ms = (value) => (value === null ? "never" : `${Math.round(value)}`);
const pair = (spread) =>
  spread.median === null && spread.never > 0 ? "—" : `${ms(spread.median)} / ${ms(spread.worst)}`;

const COLUMNS = [
  ["fault", 19],
  ["runs", 4],
  ["promoted ms", 13],
  ["answer ms", 13],
  ["served ms", 13],
  ["false", 5],
  ["onto dead", 9],
  ["client err", 10],
  ["calls", 5],
];

/** The table as a markdown-compatible text block (medians / worst, in ms from the fault). */
export function renderTable(rows) {
  const line = (cells) =>
    `| ${cells.map((cell, i) => String(cell).padEnd(COLUMNS[i][1])).join(" | ")} |`;
  const out = [
    line(COLUMNS.map(([name]) => name)),
    line(COLUMNS.map(([, width]) => "-".repeat(width))),
  ];
  for (const { fault, summary } of rows) {
    const promoted = fault.kind === "heartbeat_loss" ? summary.afterDeadline : summary.promoted;
    out.push(
      line([
        fault.id,
        summary.runs,
        `${pair(promoted)}${fault.kind === "heartbeat_loss" ? "*" : ""}`,
        pair(summary.answer),
        pair(summary.served),
        summary.falseFlips,
        summary.badFlips,
        summary.clientErrors,
        summary.providerCalls,
      ]),
    );
  }
  return out.join("\n");
}

export const LEGEND = [
  "median / worst in ms from the fault; * = after the deadline (old active's last heartbeat + failover delay);",
  "answer = the authoritative answer changing (dns-down-flip: from the provider's return; both-down: from the standby's start);",
  "served = the client served again after its last error (0 = never interrupted); false = flips not due (incl. flaps);",
  "onto dead = flips onto a member that could not serve; client err = failed client samples (100 ms apart); calls = provider calls.",
  "For faults that must not flip, promoted shows when the false flips were decided (never = no flip in that run).",
].join("\n");

const ROLLOUT_COLUMNS = [
  ["fault", 19],
  ["runs", 4],
  ["standby step ms", 15],
  ["active step ms", 15],
  ["client err", 10],
  ["as it must", 10],
];

/**
 * The rollout scenarios' own table: each member's step time by role (median / worst, from the
 * rollout API's step start to its end: delivery, validate, swap, reload, listeners, health,
 * probe), client errors, and how many runs ended as they must. Empty when none ran.
 */
export function renderRolloutTable(rows) {
  const rollouts = rows.filter((row) => row.fault.kind === "rollout");
  if (rollouts.length === 0) return "";
  const line = (cells) =>
    `| ${cells.map((cell, i) => String(cell).padEnd(ROLLOUT_COLUMNS[i][1])).join(" | ")} |`;
  const out = [
    line(ROLLOUT_COLUMNS.map(([name]) => name)),
    line(ROLLOUT_COLUMNS.map(([, width]) => "-".repeat(width))),
  ];
  for (const { fault, summary, runs } of rollouts) {
    const timesOf = (role) =>
      runs.map((run) => ({
        ms: (run.steps ?? []).find((step) => step.role === role && step.ms !== null)?.ms ?? null,
      }));
    const asItMust = runs.filter((run) => (run.scenarioFailures ?? 0) === 0).length;
    out.push(
      line([
        fault.id,
        summary.runs,
        pair(spread(timesOf("standby"), "ms")),
        pair(spread(timesOf("active"), "ms")),
        summary.clientErrors,
        `${asItMust}/${runs.length}`,
      ]),
    );
  }
  return out.join("\n");
}
