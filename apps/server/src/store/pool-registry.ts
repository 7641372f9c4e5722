/** The pools an app exposes and the task names each may run: exactly its module's exported functions. */
import type { Executor } from "@conc/core";
import { TRPCError } from "@trpc/server";
import { Admission } from "../limits/admission.ts";

export type PoolKind = "threads" | "processes" | "remote" | "distributed";

export interface PoolEntry {
  name: string;
  executor: Executor;
  kind: PoolKind;
  /** Exported function names of the task module (loaded once). */
  tasks: Promise<Set<string>>;
  /** The one ledger every unit of work on this pool passes. */
  admission: Admission;
}

function kindOf(executor: Executor): PoolKind {
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

export class PoolRegistry {
  readonly #pools = new Map<string, PoolEntry>();

  constructor(pools: Record<string, Executor>, maxQueued: number) {
    for (const [name, executor] of Object.entries(pools)) {
      const tasks = exportedFunctions(executor.module);
      tasks.catch(() => {});
      this.#pools.set(name, {
        name,
        executor,
        kind: kindOf(executor),
        tasks,
        admission: new Admission(name, maxQueued),
      });
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

  /** Checks that `task` is an exported function of the pool's module: NOT_FOUND otherwise. */
  async task(pool: string, task: string): Promise<PoolEntry> {
    const entry = this.pool(pool);
    const names = await entry.tasks;
    if (!names.has(task)) {
      throw new TRPCError({ code: "NOT_FOUND", message: `Pool '${pool}' has no task named '${task}'.` });
    }
    return entry;
  }
}
