import { BAR_CELL_MS, BAR_CELLS, type BeatState, beatSummary } from "./heartbeat-bar";
import type { MemberView } from "./pool-view";

/** What each colour means (the bar's title; app.js repeats these words per cell). */
const BEAT_WORD: Record<BeatState, string> = {
  heard: "heard",
  late: "late (silent past half the failover delay)",
  missed: "missed (silent past the failover delay)",
  none: "no data (the control plane was not listening yet)",
};
const LEGEND = `green ${BEAT_WORD.heard}, amber ${BEAT_WORD.late}, red ${BEAT_WORD.missed}, grey ${BEAT_WORD.none}`;

/** "03:12:20": a cell's start, time of day in UTC. */
const clock = (at: number) => new Date(at).toISOString().slice(11, 19);

/**
 * A member's heartbeats over the last few minutes, Uptime Kuma style: one cell per 10 s, green
 * heard, amber late, red missed, grey no data; each cell says its time and state on hover.
 */
export function HeartbeatBar({ member }: { member: MemberView }) {
  if (member.beats.length === 0) return null;
  const minutes = Math.round((BAR_CELLS * BAR_CELL_MS) / 60_000);
  return (
    <div
      class="beat-bar"
      role="img"
      data-testid="heartbeat-bar"
      data-member-id={member.id}
      aria-label={`Heartbeats of the last ${minutes} min: ${beatSummary(member.beats)}`}
      title={`From ${clock(member.beats[0]?.from ?? 0)} UTC, ${BAR_CELL_MS / 1000} s a cell: ${LEGEND}`}
      data-beats-from={member.beats[0]?.from}
      data-beat-ms={BAR_CELL_MS}
    >
      {member.beats.map((cell) => (
        // Only the state: every member's 30 cells are in each 1.5 s refresh, so app.js gives a
        // cell its time and meaning when the pointer reaches it (BEAT_WORD's words, from data-*).
        <span data-beat={cell.state} />
      ))}
    </div>
  );
}
