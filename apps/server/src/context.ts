/** Everything one app runs on, built once by createApp and shared by its front doors. */
import type { TokenEntry } from "./auth/token.ts";
import { type CreateAppOptions, DEFAULT_LIMITS, type Limits, LOOPBACK_HOSTS } from "./config.ts";
import { ServerConfigError } from "./errors.ts";
import { Metrics } from "./metrics/metrics.ts";
import { PoolCounters } from "./router/pool-counters.ts";
import { type AppRouter, createRouter } from "./router/router.ts";
import { IdleGc } from "./store/idle-gc.ts";
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
  /** Resolves once every pool is built (spec pools import and connect); rejects with ServerConfigError. */
  ready(): Promise<void>;
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
  const registry = new PoolRegistry(options.pools, limits.maxQueued);
  const counters = new PoolCounters();
  let draining = false;
  const running = (pool: string) => registry.pool(pool).stats.now().running;
  const metrics = new Metrics(() => registry.snapshots());
  const pools = registry.all();
  const idleGc = new IdleGc(() => pools.some((p) => p.admission.used > 0));
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
        idleGc.finished();
      },
      close: () => idleGc.close(),
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
    async ready() {
      await Promise.all(registry.all().map((p) => p.ready));
    },
  };
  ctx.router = createRouter({ limits, registry, store, metrics, counters, maps, draining: ctx.draining });
  return ctx;
}
