import type { RecordPlan } from "../plan";
import type { CloudflareApi, CloudflareRecord } from "./cloudflare-api";

/** What a Cloudflare record is written with: the wanted values and Baton's comment marker. */
export interface RecordValues {
  name: string;
  ttl: number;
  proxied: boolean;
  /** "managed by Baton (pool edge-eu)" */
  marker: string;
}

const MARKER_PREFIX = "managed by Baton";
/** Cloudflare's comment limit on the Free plan. */
const MAX_COMMENT_CHARS = 100;

/** Baton's marker for a record comment, within Cloudflare's limit. */
export function commentMarker(owner: string | undefined): string {
  return (owner ? `${MARKER_PREFIX} (${owner})` : MARKER_PREFIX).slice(0, MAX_COMMENT_CHARS);
}

/**
 * A comment Baton may write: none yet, or its own marker. A comment a person wrote is theirs and
 * is never overwritten; the record's tags and settings are never sent at all.
 */
function mayComment(record: CloudflareRecord | undefined): boolean {
  const comment = record?.comment ?? "";
  return comment === "" || comment.startsWith(MARKER_PREFIX);
}

/**
 * Carries out a plan: one change goes to its own endpoint (PATCH edits only the fields it names,
 * where PUT would drop a person's comment, tags and settings); several go in one
 * `POST /dns_records/batch`, which Cloudflare applies in one transaction (deletes, patches,
 * puts, posts), so a round-robin set is never left half-changed.
 */
export async function applyPlan(
  api: CloudflareApi,
  recordsPath: string,
  plan: RecordPlan<string>,
  existing: Map<string, CloudflareRecord>,
  values: RecordValues,
): Promise<void> {
  const { name, ttl, proxied, marker } = values;
  const patch = ({ id, address }: { id: string; address: string }) => ({
    id,
    content: address,
    ttl,
    proxied,
    ...(mayComment(existing.get(id)) ? { comment: marker } : {}),
  });
  const post = (content: string) => ({ type: "A", name, content, ttl, proxied, comment: marker });
  const count = plan.update.length + plan.create.length + plan.remove.length;
  if (count === 0) return;
  if (count > 1) {
    await api.call("POST", `${recordsPath}/batch`, {
      deletes: plan.remove.map((id) => ({ id })),
      patches: plan.update.map(patch),
      posts: plan.create.map(post),
    });
    return;
  }
  const [update] = plan.update;
  const [create] = plan.create;
  const [remove] = plan.remove;
  if (update) {
    const { id, ...fields } = patch(update);
    await api.call("PATCH", `${recordsPath}/${id}`, fields);
  } else if (create) {
    await api.call("POST", recordsPath, post(create));
  } else if (remove) {
    await api.call("DELETE", `${recordsPath}/${remove}`);
  }
}
