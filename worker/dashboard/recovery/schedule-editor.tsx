import { type JobSchedule, nextCronRun, type SchedulableKind } from "../../../shared/schedules";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import { Input, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime } from "../common/when";

/**
 * A member's backup schedules on the Disaster recovery tab: each one with its next run and a
 * Remove button, and a form that adds one (the cron grammar's complaint shown on the field).
 * Operators edit them, as the API's PUT …/schedules allows.
 */
export function ScheduleEditor(props: {
  member: { id: string; name: string };
  schedules: JobSchedule[];
  kinds: SchedulableKind[];
  state: FormState | null;
  session: DashboardSession;
  canEdit: boolean;
  now: number;
}) {
  const { member, session, canEdit } = props;
  const state = props.state ?? { submitted: false, values: {}, lists: {}, errors: {} };
  const disabledReason = canEdit ? null : NEEDS_OPERATOR;
  return (
    <details class="schedules" open={props.state !== null} data-testid="schedule-editor">
      <summary>Backup schedules ({props.schedules.length})</summary>
      {props.schedules.length > 0 && (
        <ul class="schedule-list">
          {props.schedules.map((schedule) => (
            <li data-testid="schedule-row" data-schedule-id={schedule.id} data-cron={schedule.cron}>
              <code>{schedule.kind}</code> at <code>{schedule.cron}</code> UTC · next{" "}
              {formatTime(nextCronRun(schedule.cron, props.now))}
              <ActionForm
                action={`/ui/members/${member.id}/schedules/${schedule.id}/remove`}
                confirm={`Remove the schedule ${schedule.kind} at "${schedule.cron}" from ${member.name}? It backs up on that schedule no more.`}
                csrf={session.csrf}
                id={`schedule-remove-${schedule.id}`}
                testId="schedule-remove"
                label="Remove schedule"
                disabledReason={disabledReason}
                danger
              />
            </li>
          ))}
        </ul>
      )}
      <form
        method="post"
        action={`/ui/members/${member.id}/schedules#schedules-${member.id}`}
        class="stacked"
        id={`schedules-${member.id}`}
        data-testid="schedule-add"
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        {state.errors.form && (
          <p class="flash flash-error" role="alert" data-testid="schedule-error">
            {state.errors.form}
          </p>
        )}
        <fieldset class="plain" disabled={!canEdit} title={disabledReason ?? undefined}>
          <Select
            name="kind"
            id={`schedule-kind-${member.id}`}
            testId="schedule-kind"
            label="Backup"
            state={state}
            options={props.kinds.map((kind) => ({ value: kind, label: kind }))}
          />
          <Input
            name="cron"
            id={`schedule-cron-${member.id}`}
            testId="schedule-cron"
            errorTestId="schedule-cron-error"
            label="When (cron, UTC)"
            state={state}
            placeholder="0 3 * * *"
            hint="Five fields: minute hour day-of-month month day-of-week, in the agent's UTC time. 0 3 * * * is every day at 03:00."
          />
          <div class="actions">
            <button type="submit" data-testid="schedule-add-submit">
              Add schedule
            </button>
          </div>
        </fieldset>
      </form>
    </details>
  );
}
