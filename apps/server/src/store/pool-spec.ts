/**
 * Pools createApp builds itself from a description, today `{ kind: "distributed", redis, queue,
 * module }`. @conc/distributed (BullMQ, ioredis) is imported only when such a pool is configured:
 * a server without one never loads it and never needs Redis.
 */
import type { ExecutorLike } from "@conc/core";
// Types only: erased at run time, so a server without a distributed pool never loads @conc/distributed.
import type { DistributedExecutorOptions, DistributedStats } from "@conc/distributed";
import { ServerConfigError } from "../errors.ts";

/**
 * A pool on @conc/distributed worker nodes (`bun run worker`), through one Redis queue: the
 * DistributedExecutor's own options (redis, queue, module, retries, lockMs, ...) plus the kind.
 */
export type DistributedPoolSpec = { kind: "distributed" } & DistributedExecutorOptions;

export type PoolSpec = DistributedPoolSpec;

/** Live nodes and queue depth of a distributed pool (`DistributedExecutor.stats()`). */
export type DistributedStatsLike = DistributedStats;

/** An executor that can report nodes and queue depth (DistributedExecutor). */
export interface StatsSource {
  stats(): Promise<DistributedStatsLike>;
}

export function isPoolSpec(value: unknown): value is PoolSpec {
  if (value === null || typeof value !== "object") return false;
  // An executor instance has submit(); a spec is plain data.
  return (value as { kind?: unknown }).kind === "distributed" && !("submit" in value);
}

export function hasStats(executor: ExecutorLike): executor is ExecutorLike & StatsSource {
  return typeof (executor as Partial<StatsSource>).stats === "function";
}

/** Checks a spec at createApp time (the constructor checks the rest once loaded). */
export function checkPoolSpec(name: string, spec: PoolSpec): void {
  for (const key of ["redis", "queue"] as const) {
    if (typeof spec[key] !== "string" || spec[key].length === 0)
      throw new ServerConfigError(`Pool '${name}' (distributed) needs ${key}: a non-empty string.`);
  }
  if (!(spec.module instanceof URL) && (typeof spec.module !== "string" || spec.module.length === 0))
    throw new ServerConfigError(`Pool '${name}' (distributed) needs module: the task module's URL or path.`);
}

/** Builds the executor a spec describes (imports @conc/distributed on first use). */
export async function openPool(name: string, spec: PoolSpec): Promise<ExecutorLike> {
  let mod: typeof import("@conc/distributed");
  try {
    mod = await import("@conc/distributed");
  } catch (err) {
    throw new ServerConfigError(
      `Pool '${name}' is distributed but @conc/distributed cannot be loaded (${(err as Error).message}): add it to the server's dependencies.`,
      { cause: err },
    );
  }
  const { kind: _kind, ...options } = spec;
  try {
    return new mod.DistributedExecutor(options);
  } catch (err) {
    throw new ServerConfigError(`Pool '${name}' (distributed): ${(err as Error).message}`, { cause: err });
  }
}
