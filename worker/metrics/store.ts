import { and, asc, eq, gte, lte, sql } from "drizzle-orm";
import { METRIC_RANGE_MS, type MemberMetrics, type MetricRange } from "../../shared/metrics";
import type { Config } from "../config";
import type { Db } from "../db/client";
import { type MemberSample, metricSamples } from "../db/schema/metrics";
import { type MemberSampleRow, memberSeries } from "./series";

function parseSample(text: string | null): MemberSample | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as MemberSample) : null;
  } catch {
    return null;
  }
}

/**
 * A member's chart series over the last hour or day, from its pool's sample rows. SQLite pulls
 * the member's entry out of each row (json_extract), so only its own figures leave D1.
 */
export async function loadMemberMetrics(
  db: Db,
  member: { id: string; poolId: string },
  range: MetricRange,
  now: number,
  config: Pick<Config, "metricSampleIntervalMs" | "heartbeatIntervalMs">,
): Promise<MemberMetrics> {
  const from = now - METRIC_RANGE_MS[range];
  const path = `$.${JSON.stringify(member.id)}`;
  const rows = await db
    .select({
      at: metricSamples.at,
      member: sql<string | null>`json_extract(${metricSamples.members}, ${path})`,
    })
    .from(metricSamples)
    .where(
      and(
        eq(metricSamples.poolId, member.poolId),
        gte(metricSamples.at, from),
        lte(metricSamples.at, now),
      ),
    )
    .orderBy(asc(metricSamples.at));
  const samples: MemberSampleRow[] = rows.map((row) => ({
    at: row.at,
    member: parseSample(row.member),
  }));
  const series = memberSeries(samples, {
    from,
    to: now,
    sampleIntervalMs: config.metricSampleIntervalMs,
    heartbeatIntervalMs: config.heartbeatIntervalMs,
  });
  return {
    memberId: member.id,
    range,
    from,
    to: now,
    sampleIntervalMs: config.metricSampleIntervalMs,
    ...series,
  };
}
