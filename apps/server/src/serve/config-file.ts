/** `conc.config.ts`: pools and task modules for `bun run serve`, plus the embedded default. */

import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type ExecutorLike, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { z } from "zod";
import type { Limits } from "../config.ts";
import { ServerConfigError } from "../errors.ts";
import type { PoolSpec } from "../store/pool-spec.ts";

const localPool = z
  .object({
    kind: z.enum(["threads", "processes"]),
    /** Task module path (relative to the config file) or URL. */
    module: z.string().min(1),
    maxWorkers: z.number().int().min(1).optional(),
    maxTasksPerChild: z.number().int().min(1).optional(),
  })
  .strict();

const ms = z.number().int().min(1).optional();
/** Tasks run on @conc/distributed worker nodes (`bun run worker`) serving `queue` on `redis`. */
const distributedPool = z
  .object({
    kind: z.literal("distributed"),
    redis: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL"),
    queue: z.string().min(1),
    module: z.string().min(1),
    retries: z.number().int().min(0).optional(),
    lockMs: ms,
    stalledCheckMs: ms,
    resultTtlMs: ms,
    maxRetained: ms,
    connectTimeoutMs: ms,
    prefix: z.string().min(1).optional(),
  })
  .strict();

const poolSchema = z.discriminatedUnion("kind", [localPool, distributedPool]);

export const configSchema = z
  .object({
    pools: z.record(z.string().regex(/^[\w.-]+$/), poolSchema),
    token: z.string().min(8).optional(),
    tokens: z
      .array(z.object({ token: z.string().min(8), role: z.enum(["admin", "read"]) }).strict())
      .optional(),
    allowedHosts: z.array(z.string().min(1)).optional(),
    limits: z.record(z.string(), z.number().int().min(1)).optional(),
  })
  .strict();

export type ServeConfig = z.infer<typeof configSchema>;

/** What serve uses when no config file is given: a thread and a process pool over the example tasks. */
export const DEFAULT_CONFIG: ServeConfig = {
  pools: {
    threads: { kind: "threads", module: new URL("../example/tasks.ts", import.meta.url).href },
    cpu: { kind: "processes", module: new URL("../example/tasks.ts", import.meta.url).href },
  },
};

/** Loads and validates a config file (default export or `config` export). */
export async function loadConfig(path: string): Promise<{ config: ServeConfig; baseDir: string }> {
  const abs = resolve(path);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new ServerConfigError(`Cannot load config file ${abs}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = configSchema.safeParse(mod.default ?? mod.config);
  if (!parsed.success)
    throw new ServerConfigError(`Invalid config ${abs}:\n${z.prettifyError(parsed.error)}`);
  return { config: parsed.data, baseDir: dirname(abs) };
}

/**
 * Creates the executors a config names; distributed pools stay specs (createApp builds them, so
 * @conc/distributed is loaded only when one is configured).
 */
export function buildPools(config: ServeConfig, baseDir: string): Record<string, ExecutorLike | PoolSpec> {
  const pools: Record<string, ExecutorLike | PoolSpec> = {};
  for (const [name, p] of Object.entries(config.pools)) {
    const module = /^[a-z]+:/i.test(p.module)
      ? p.module
      : pathToFileURL(isAbsolute(p.module) ? p.module : resolve(baseDir, p.module)).href;
    if (p.kind === "distributed") {
      pools[name] = { ...p, module };
      continue;
    }
    const options = { module, maxWorkers: p.maxWorkers, maxTasksPerChild: p.maxTasksPerChild };
    pools[name] = p.kind === "threads" ? new ThreadPoolExecutor(options) : new ProcessPoolExecutor(options);
  }
  return pools;
}

export type { Limits };
