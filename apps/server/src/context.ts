/** Everything one app runs on, built once by createApp and shared by its front doors. */
import type { Executor } from "@conc/core";
import type { TokenEntry } from "./auth/token.ts";
import { type CreateAppOptions, DEFAULT_LIMITS, type Limits, LOOPBACK_HOSTS } from "./config.ts";
import { ServerConfigError } from "./errors.ts";
import { Metrics } from "./metrics/metrics.ts";
import { PoolCounters } from "./router/pool-counters.ts";
import { type AppRouter, createRouter } from "./router/router.ts";
import { PoolRegistry } from "./store/pool-registry.ts";
import { TaskStore } from "./store/task-store.ts";

export interface AppContext {
  limits: Limits;
  tokens: TokenEntry[];
  allowedHosts: string[];
  registry: PoolRegistry;
  store: TaskStore;
  metrics: Metrics;
  counters: PoolCounters;
  /** Live server-side maps (a drain deadline aborts them). */
  maps: Set<AbortController>;
  router: AppRouter;
  draining(): boolean;
  setDraining(): void;
  /** Tasks of a pool running now: held slots that are not waiting in the pool's queue. O(1). */
  running(pool: string): number;
}

function validLimits(given: Partial<Limits> | undefined): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS, ...given };
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
      throw new ServerConfigError(`limits.${k} must be a positive integer, got ${String(v)}.`);
  }
  return limits;
}

export function createContext(options: CreateAppOptions, tokens: TokenEntry[]): AppContext {
  if (!options || typeof options !== "object" || !options.pools || Object.keys(options.pools).length === 0) {
    throw new ServerConfigError("createApp needs { pools: { name: executor, ... } } with at least one pool.");
  }
  const limits = validLimits(options.limits);
  const registry = new PoolRegistry(options.pools as Record<string, Executor>, limits.maxQueued);
  const counters = new PoolCounters();
  let draining = false;
  const running = (pool: string) => {
    const p = registry.pool(pool);
    return Math.max(0, Math.min(p.admission.used - p.executor.queued, p.executor.workerCount * 1_000_000));
  };
  const metrics = new Metrics(() =>
    registry.all().map((p) => ({
      pool: p.name,
      queued: p.executor.queued,
      running: running(p.name),
      workers: p.executor.workerCount,
    })),
  );
  const store = new TaskStore(
    { ttlMs: limits.resultTtlMs, maxRetained: limits.maxRetained },
    {
      onDone(rec, view) {
        registry.pool(rec.pool).admission.release(1);
        const labels = { pool: rec.pool, task: rec.task };
        if (view.state === "CANCELLED") {
          metrics.cancelled.inc(labels);
          counters.cancelled(rec.pool);
        } else if (view.ok) {
          metrics.completed.inc(labels);
          counters.done(rec.pool);
        } else {
          metrics.failed.inc(labels);
          counters.failed(rec.pool);
        }
        metrics.duration.observe(labels, ((rec.finishedAt as number) - rec.submittedAt) / 1000);
      },
    },
  );
  const maps = new Set<AbortController>();
  const ctx: AppContext = {
    limits,
    tokens,
    allowedHosts: options.allowedHosts ?? LOOPBACK_HOSTS,
    registry,
    store,
    metrics,
    counters,
    maps,
    router: undefined as unknown as AppRouter,
    draining: () => draining,
    setDraining: () => {
      draining = true;
    },
    running,
  };
  ctx.router = createRouter({ limits, registry, store, metrics, counters, maps, draining: ctx.draining });
  return ctx;
}
