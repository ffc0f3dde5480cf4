/** Counts of D1 work, summed from D1's own result metadata. */
export interface D1Totals {
  /** Round trips to D1: one per statement run alone, one per batch. */
  calls: number;
  /** Statements executed, counting each statement of a batch. */
  statements: number;
  rowsWritten: number;
}

export class D1Meter {
  totals: D1Totals = { calls: 0, statements: 0, rowsWritten: 0 };

  record(meta: D1Meta | undefined): void {
    this.totals.statements += 1;
    this.totals.rowsWritten += meta?.rows_written ?? 0;
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
    this.meter.record(undefined);
    return column === undefined ? this.inner.first<T>() : this.inner.first<T>(column);
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
    this.meter.record(undefined);
    return this.inner.raw<T>(options as { columnNames: false });
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
