import type { PutSchedules } from "../../shared/schedules";
import { ApiError } from "../errors";

/**
 * Refuses a schedule list that names one kind at one cron twice (400, the entry's path): the
 * agent would run the same backup twice a minute. The API and the dashboard's editor both call it.
 */
export function refuseRepeatedSchedules(input: PutSchedules): void {
  const seen = new Set<string>();
  for (const [index, { kind, cron }] of input.schedules.entries()) {
    const key = `${kind} ${cron}`;
    if (seen.has(key)) {
      const message = `schedules.${index} repeats an earlier entry (${kind} at "${cron}"): list each once`;
      throw new ApiError("validation_failed", `Invalid body: ${message}`, [
        { path: `schedules.${index}`, message: "repeats an earlier entry" },
      ]);
    }
    seen.add(key);
  }
}
