import { formatAge } from "./format";

/** A moment as the dashboard prints it in full: UTC to the second. */
export function formatTime(at: number | null): string {
  if (at === null) return "not yet";
  return `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "in 12 s", "in 5 min": a moment still to come. */
function formatUntil(ms: number): string {
  return `in ${formatAge(ms).replace(/ ago$/, "")}`;
}

/**
 * A moment as people read it at a glance: "5 min ago" (or "in 20 s"), with the exact time on
 * hover (UTC here; dashboard/assets/app.js adds the browser's own time zone and keeps the
 * relative text ticking).
 */
export function When({ at, now = Date.now() }: { at: number | null; now?: number }) {
  if (at === null) return <span>not yet</span>;
  const text = at <= now ? formatAge(now - at) : formatUntil(at - now);
  return (
    <time datetime={new Date(at).toISOString()} title={formatTime(at)} data-at={at}>
      {text}
    </time>
  );
}
