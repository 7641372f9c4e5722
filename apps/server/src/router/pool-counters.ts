/** Cumulative outcomes per pool (submitted tasks and map items alike), O(1) to update and read. */
export interface PoolTotals {
  done: number;
  failed: number;
  cancelled: number;
}

export class PoolCounters {
  readonly #totals = new Map<string, PoolTotals>();

  of(pool: string): PoolTotals {
    let t = this.#totals.get(pool);
    if (!t) {
      t = { done: 0, failed: 0, cancelled: 0 };
      this.#totals.set(pool, t);
    }
    return t;
  }

  done(pool: string): void {
    this.of(pool).done++;
  }

  failed(pool: string): void {
    this.of(pool).failed++;
  }

  cancelled(pool: string): void {
    this.of(pool).cancelled++;
  }
}
