import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listBackups, storeBackup } from "../../../worker/backups/store";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { members } from "../../../worker/db/schema/members";
import { createPool, enroll } from "../helpers";

const db = () => openDb(env.DB, new D1Meter());

describe("storeBackup retention by size", () => {
  it("deletes the member's oldest backups once their total passes the byte limit", async () => {
    const enrolled = await enroll((await createPool()).id);
    const member = await db()
      .select()
      .from(members)
      .where(eq(members.id, enrolled.member.id))
      .get();
    if (!member) throw new Error("member not stored");
    const retention = { keepPerMember: 100, maxBytesPerMember: 2500 };
    const ids: string[] = [];
    for (let index = 0; index < 4; index += 1) {
      const backup = await storeBackup(
        db(),
        {
          member,
          service: "haproxy",
          archive: new Uint8Array(1000).fill(index),
          sha256: "0".repeat(64),
          jobId: `job_size_${index}`,
        },
        Date.now() + index,
        retention,
      );
      ids.push(backup.id);
    }
    const kept = await listBackups(db(), { memberId: member.id }, { limit: 100 });
    // 1000 + 1000 fit in 2500 bytes; a third would not.
    expect(kept.items.map((b) => b.id)).toEqual([ids[3], ids[2]]);
  });
});
