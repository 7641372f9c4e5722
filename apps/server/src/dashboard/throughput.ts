/**
 * Tasks per second completed and failed, per pool, over the last 15 minutes: one slot per second,
 * filled by diffing the pools' cumulative counters (so the hot path pays nothing).
 */
import type { PoolStats } from "./source.ts";

export const WINDOW_SECONDS = 15 * 60;

/** One second of one pool. */
export interface ThroughputPoint {
  /** Epoch seconds. */
  t: number;
  completed: number;
  failed: number;
}

/** Series per pool, oldest first, one point per sampled second. */
export type ThroughputSeries = Record<string, ThroughputPoint[]>;

export class Throughput {
  readonly #last = new Map<string, { done: number; failed: number }>();
  readonly #series = new Map<string, ThroughputPoint[]>();

  constructor(readonly windowSeconds = WINDOW_SECONDS) {}

  /** Records the counters seen at `nowMs`; returns the new point of each pool (the first sample gives none). */
  sample(pools: readonly PoolStats[], nowMs: number): Record<string, ThroughputPoint> {
    const t = Math.floor(nowMs / 1000);
    const added: Record<string, ThroughputPoint> = {};
    for (const p of pools) {
      const prev = this.#last.get(p.name);
      // Cancelled tasks count as neither: they are shown in the pools table.
      this.#last.set(p.name, { done: p.done, failed: p.failed });
      if (!prev) continue;
      const point = {
        t,
        completed: Math.max(0, p.done - prev.done),
        failed: Math.max(0, p.failed - prev.failed),
      };
      let s = this.#series.get(p.name);
      if (!s) this.#series.set(p.name, (s = []));
      const last = s[s.length - 1];
      // Two samples in one second add up rather than making a second point.
      if (last && last.t === t) {
        last.completed += point.completed;
        last.failed += point.failed;
      } else s.push(point);
      while (s.length > 0 && (s[0] as ThroughputPoint).t <= t - this.windowSeconds) s.shift();
      added[p.name] = s[s.length - 1] as ThroughputPoint;
    }
    return added;
  }

  series(): ThroughputSeries {
    const out: ThroughputSeries = {};
    for (const [name, s] of this.#series) out[name] = s.map((p) => ({ ...p }));
    return out;
  }
}
