import type { AlertTestResult } from "../../alerts/webhook";
import type { DashboardSession } from "../../types";
import { NEEDS_ADMIN } from "../common/action-form";

/** What the page shows after "Send test event": the receiver's answer, or why none came. */
export type WebhookTestShown = AlertTestResult | { ok: false; refused: string };

function TestOutcome({ shown }: { shown: WebhookTestShown }) {
  if ("refused" in shown) {
    return (
      <p class="flash flash-error" role="status" data-testid="webhook-test-result" data-ok="false">
        Not sent: {shown.refused}
      </p>
    );
  }
  const took = `${shown.durationMs} ms`;
  return shown.ok ? (
    <p class="flash flash-ok" role="status" data-testid="webhook-test-result" data-ok="true">
      Delivered: the receiver answered HTTP {shown.status} in {took}.
    </p>
  ) : (
    <p class="flash flash-error" role="status" data-testid="webhook-test-result" data-ok="false">
      Not delivered after {took}: {shown.error}.
      {shown.retryable ? " A real alert would be retried with backoff." : ""}
    </p>
  );
}

/**
 * "Send test event": one signed `alert.test` to the saved webhook now (not the form's unsaved
 * values), answered inline. No confirm: it changes nothing.
 */
export function WebhookTest(props: {
  poolId: string;
  saved: boolean;
  shown: WebhookTestShown | null;
  session: DashboardSession;
  canAdmin: boolean;
}) {
  const reason = props.canAdmin ? (props.saved ? null : "Save a webhook first") : NEEDS_ADMIN;
  return (
    <div class="webhook-test" id="webhook-test">
      <form method="post" action={`/ui/pools/${props.poolId}/alerts/test#webhook-test`}>
        <input type="hidden" name="_csrf" value={props.session.csrf} />
        <button
          type="submit"
          id="webhook-test-send"
          data-testid="webhook-test-send"
          disabled={reason !== null}
          title={reason ?? undefined}
        >
          Send test event
        </button>{" "}
        <span class="muted">Posts a signed alert.test to the saved URL and shows the answer.</span>
      </form>
      {props.shown && <TestOutcome shown={props.shown} />}
    </div>
  );
}
