/** Counts of D1 work, summed from D1's own result metadata. */
export interface D1Totals {
  /** Round trips to D1: one per statement run alone, one per batch. */
  calls: number;
  /** Statements executed, counting each statement of a batch. */
  statements: number;
  rowsWritten: number;
  /**
   * Rows read, as D1 reports them (rows scanned); for reads without metadata (first, raw: how
   * Drizzle selects), the rows returned, which D1 bills at least.
   */
  rowsRead: number;
}

export class D1Meter {
  totals: D1Totals = { calls: 0, statements: 0, rowsWritten: 0, rowsRead: 0 };

  record(meta: D1Meta | undefined, rowsReturned = 0): void {
    this.totals.statements += 1;
    this.totals.rowsWritten += meta?.rows_written ?? 0;
    this.totals.rowsRead += meta?.rows_read ?? rowsReturned;
  }
}

/** A prepared statement that reports what it cost to a meter. */
class MeteredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly meter: D1Meter,
  ) {}

  bind(...values: unknown[]): MeteredStatement {
    return new MeteredStatement(this.inner.bind(...values), this.meter);
  }

  async first<T>(column?: string): Promise<T | null> {
    this.meter.totals.calls += 1;
    // first() returns no metadata; Baton only reads with it.
    const row =
      column === undefined ? await this.inner.first<T>() : await this.inner.first<T>(column);
    this.meter.record(undefined, row === null ? 0 : 1);
    return row;
  }

  async all<T>(): Promise<D1Result<T>> {
    this.meter.totals.calls += 1;
    const result = await this.inner.all<T>();
    this.meter.record(result.meta);
    return result;
  }

  async run<T>(): Promise<D1Result<T>> {
    this.meter.totals.calls += 1;
    const result = await this.inner.run<T>();
    this.meter.record(result.meta);
    return result;
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    this.meter.totals.calls += 1;
    // raw() returns no metadata: Drizzle reads with it; Baton's writes go through run() or batch().
    const rows = await this.inner.raw<T>(options as { columnNames: false });
    this.meter.record(undefined, rows.length);
    return rows;
  }
}

/** Wraps a D1 binding so every call is counted; used by the stats endpoint and the benchmark. */
export function meteredD1(db: D1Database, meter: D1Meter): D1Database {
  const wrapper = {
    prepare: (query: string) => new MeteredStatement(db.prepare(query), meter),
    batch: async (statements: MeteredStatement[]) => {
      meter.totals.calls += 1;
      const results = await db.batch(statements.map((statement) => statement.inner));
      for (const result of results) meter.record(result.meta);
      return results;
    },
    exec: (query: string) => db.exec(query),
    withSession: (constraint?: string) => db.withSession(constraint),
    dump: () => db.dump(),
  };
  return wrapper as unknown as D1Database;
}
