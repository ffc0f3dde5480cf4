/**
 * A webhook URL as people other than admins see it: scheme and host only. The path and query
 * of a chat webhook (Slack's `/services/T…/B…/…`) are the credential; user info never shows.
 */
export function maskWebhookUrl(href: string): string {
  try {
    const url = new URL(href);
    const hidden = url.pathname !== "/" || url.search !== "" || url.username !== "";
    return `${url.origin}${hidden ? "/…" : "/"}`;
  } catch {
    return "(hidden)";
  }
}
