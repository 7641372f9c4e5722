/**
 * What a pool looks like now: workers, queue depth, running, and for distributed pools the live
 * nodes and the queue's depth in Redis. Local pools answer synchronously; a distributed pool's
 * numbers come from `stats()` (a Redis round trip), refreshed in the background at most once per
 * REFRESH_MS, so the 1/s readers (dashboard, metrics) never wait on Redis.
 */
import type { ExecutorLike } from "@conc/core";
import type { PoolEntry } from "./pool-registry.ts";
import { type DistributedStatsLike, hasStats } from "./pool-spec.ts";

export const REFRESH_MS = 500;
/** Longest `fresh()` waits for Redis before answering with the last known numbers. */
const FRESH_WAIT_MS = 1_000;

export interface PoolSnapshot {
  pool: string;
  kind: PoolEntry["kind"];
  workers: number;
  maxWorkers: number;
  /** Tasks waiting to start: the pool's queue (for distributed pools, the queue in Redis plus jobs still held here). */
  queued: number;
  /** Tasks of this server running now (held slots not waiting in the queue). */
  running: number;
  /** Distributed pools: live worker nodes. */
  nodes?: number;
  /** Distributed pools: jobs active on the nodes (from every client of the queue). */
  active?: number;
}

export class PoolStatsCache {
  #last: DistributedStatsLike | undefined;
  #at = 0;
  #inflight: Promise<void> | undefined;

  constructor(private readonly entry: PoolEntry) {}

  /** Last known numbers; starts a background refresh when they are older than REFRESH_MS. */
  now(): PoolSnapshot {
    const ex = this.entry.executor;
    if (ex && hasStats(ex) && performance.now() - this.#at > REFRESH_MS) void this.#refresh(ex);
    return this.#snapshot(ex);
  }

  /** Refreshed numbers (waits at most FRESH_WAIT_MS for Redis, else the last known ones). */
  async fresh(): Promise<PoolSnapshot> {
    const ex = this.entry.executor;
    if (ex && hasStats(ex)) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FRESH_WAIT_MS);
      });
      await Promise.race([this.#refresh(ex), late]).finally(() => clearTimeout(timer));
    }
    return this.#snapshot(ex);
  }

  #refresh(ex: ExecutorLike & { stats(): Promise<DistributedStatsLike> }): Promise<void> {
    this.#inflight ??= ex
      .stats()
      .then(
        (s) => {
          this.#last = s;
        },
        // Redis unreachable: keep the last numbers (the pool's own errors reach its callers).
        () => {},
      )
      .finally(() => {
        this.#at = performance.now();
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  #snapshot(ex: ExecutorLike | undefined): PoolSnapshot {
    const { entry } = this;
    const own = ex?.queued ?? 0;
    const s = this.#last;
    const workers = entry.kind === "distributed" ? (s?.workers ?? 0) : (ex?.workerCount ?? 0);
    // No worker alive: nothing can be running (tasks wait for workers to start).
    const running = workers === 0 ? 0 : Math.max(0, entry.admission.used - own);
    const base = { pool: entry.name, kind: entry.kind, running, workers };
    if (entry.kind === "distributed") {
      return {
        ...base,
        maxWorkers: s?.maxWorkers ?? 0,
        queued: Math.max(own, s?.waiting ?? 0),
        nodes: s?.nodes.length ?? 0,
        active: s?.active ?? 0,
      };
    }
    return { ...base, maxWorkers: ex?.maxWorkers ?? 0, queued: own };
  }
}
