/**
 * The pools an app exposes and the task names each may run: exactly its module's exported
 * functions. A pool is an executor the caller passed (theirs to shut down) or a spec the app
 * builds itself (distributed; the app shuts it down on close).
 */
import type { ExecutorLike } from "@conc/core";
import { TRPCError } from "@trpc/server";
import { Admission } from "../limits/admission.ts";
import { checkPoolSpec, isPoolSpec, openPool, type PoolSpec } from "./pool-spec.ts";
import { type PoolSnapshot, PoolStatsCache } from "./pool-stats.ts";

export type PoolKind = "threads" | "processes" | "remote" | "distributed";

export interface PoolEntry {
  name: string;
  /** The executor; undefined while a spec pool is still being built (or failed to build). */
  executor: ExecutorLike | undefined;
  /** Resolves with the executor once built (at once for passed executors). */
  ready: Promise<ExecutorLike>;
  /** Built by the app from a spec: the app shuts it down. */
  owned: boolean;
  kind: PoolKind;
  /** Exported function names of the task module (loaded once). */
  tasks: Promise<Set<string>>;
  /** The one ledger every unit of work on this pool passes. */
  admission: Admission;
  /** Workers, queue depth, nodes: last known, refreshed in the background. */
  stats: PoolStatsCache;
}

function kindOf(executor: ExecutorLike): PoolKind {
  const kind = (executor as { kind?: unknown }).kind;
  if (kind === "threads" || kind === "processes" || kind === "remote" || kind === "distributed") return kind;
  return executor.constructor.name === "ProcessPoolExecutor" ? "processes" : "threads";
}

async function exportedFunctions(module: string | null): Promise<Set<string>> {
  if (module === null) return new Set();
  const ns = (await import(module)) as Record<string, unknown>;
  const names = new Set<string>();
  for (const [name, value] of Object.entries(ns)) {
    // Classes are functions too, but calling one without `new` only throws: not a task.
    if (typeof value === "function" && !/^class[\s{]/.test(Function.prototype.toString.call(value)))
      names.add(name);
  }
  return names;
}

function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

export class PoolRegistry {
  readonly #pools = new Map<string, PoolEntry>();

  constructor(pools: Record<string, ExecutorLike | PoolSpec>, maxQueued: number) {
    for (const [name, given] of Object.entries(pools)) {
      const spec = isPoolSpec(given) ? given : undefined;
      if (spec) checkPoolSpec(name, spec);
      const entry: PoolEntry = {
        name,
        executor: spec ? undefined : (given as ExecutorLike),
        ready: undefined as unknown as Promise<ExecutorLike>,
        owned: spec !== undefined,
        kind: spec ? spec.kind : kindOf(given as ExecutorLike),
        tasks: undefined as unknown as Promise<Set<string>>,
        admission: new Admission(name, maxQueued),
        stats: undefined as unknown as PoolStatsCache,
      };
      entry.ready = quiet(
        spec
          ? openPool(name, spec).then((ex) => {
              entry.executor = ex;
              return ex;
            })
          : Promise.resolve(given as ExecutorLike),
      );
      entry.tasks = quiet(entry.ready.then((ex) => exportedFunctions(ex.module)));
      entry.stats = new PoolStatsCache(entry);
      this.#pools.set(name, entry);
    }
  }

  all(): PoolEntry[] {
    return [...this.#pools.values()];
  }

  /** The pool, or NOT_FOUND. */
  pool(name: string): PoolEntry {
    const entry = this.#pools.get(name);
    if (!entry) throw new TRPCError({ code: "NOT_FOUND", message: `No pool named '${name}'.` });
    return entry;
  }

  /** The pool's task names once it is up; SERVICE_UNAVAILABLE if it could not be built. */
  async names(entry: PoolEntry): Promise<Set<string>> {
    try {
      return await entry.tasks;
    } catch (err) {
      throw new TRPCError({
        code: "SERVICE_UNAVAILABLE",
        message: `Pool '${entry.name}' is not available: ${(err as Error).message}`,
      });
    }
  }

  /** Checks that `task` is an exported function of the pool's module: NOT_FOUND otherwise. */
  async task(pool: string, task: string): Promise<PoolEntry> {
    const entry = this.pool(pool);
    const names = await this.names(entry);
    if (!names.has(task)) {
      throw new TRPCError({ code: "NOT_FOUND", message: `Pool '${pool}' has no task named '${task}'.` });
    }
    return entry;
  }

  /** Current snapshot of every pool (cheap, last known values). */
  snapshots(): PoolSnapshot[] {
    return this.all().map((p) => p.stats.now());
  }
}

/** The executor of a pool that passed `names()`/`task()` (built by then). */
export function executorOf(entry: PoolEntry): ExecutorLike {
  if (!entry.executor)
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `Pool '${entry.name}' is not available yet.`,
    });
  return entry.executor;
}
