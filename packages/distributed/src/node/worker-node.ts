/**
 * A worker node: a BullMQ Worker whose jobs run on conc's own ThreadPoolExecutor/ProcessPoolExecutor.
 * Short locks and no stalled re-runs (BULLMQ-NOTES.md): a node that dies fails its jobs within seconds.
 */
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import { type Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { Worker } from "bullmq";
import { TaskModuleError } from "../errors.ts";
import { CLAIM_SCRIPT, queueKeys, validateQueueName } from "../keys.ts";
import { checkInt, checkMs, checkRedisUrl, normalizeModule } from "../options.ts";
import { bullConnection, connect, redisOptions, whenReady } from "../redis.ts";
import { makeProcessor, type ProcessorSetup } from "./processor.ts";
import { NODE_TTL_MS, type NodeInfo, publishNode, removeNode } from "./registry.ts";

export interface WorkerNodeOptions {
  /** Redis URL, e.g. "redis://127.0.0.1:6379". */
  redis: string;
  queue: string;
  /** The task module (URL or path); the node runs its exports. */
  module: string | URL;
  /** Pool kind (default "processes"). */
  pool?: "threads" | "processes" | undefined;
  /** Pool workers (default: the pool's own default). */
  maxWorkers?: number | undefined;
  /** Jobs taken at once (default 2 × maxWorkers, at least 8). */
  concurrency?: number | undefined;
  /** BullMQ lock duration (default 2000 ms). */
  lockMs?: number | undefined;
  /** How often stalled jobs are looked for (default 1000 ms). */
  stalledCheckMs?: number | undefined;
  /** Largest result (JSON bytes) stored in Redis (default 8 MiB). */
  maxResultBytes?: number | undefined;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number | undefined;
  /** BullMQ key prefix (default "bull"). */
  prefix?: string | undefined;
}

/** A running node. */
export interface WorkerNode {
  readonly id: string;
  /** Stops taking jobs, lets running ones finish for up to `timeoutMs` (default 10 s), then stops them. */
  close(options?: { timeoutMs?: number }): Promise<void>;
  info(): NodeInfo;
}

/** Resolves true when `p` settles within `ms`. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

async function loadExports(moduleUrl: string): Promise<Record<string, unknown> | null> {
  // A script that awaits importing itself during its own top-level await never finishes (BUN-NOTES.md):
  // then the pool's workers check the names instead.
  if (moduleUrl.startsWith("file:") && fileURLToPath(moduleUrl) === Bun.main) return null;
  try {
    return (await import(moduleUrl)) as Record<string, unknown>;
  } catch (err) {
    throw new TaskModuleError(moduleUrl, { cause: err });
  }
}

/**
 * Starts a node; resolves once it is connected and registered.
 * @example const node = await runWorkerNode({ redis, queue: "cpu", module, pool: "processes", maxWorkers: 4 });
 */
export async function runWorkerNode(options: WorkerNodeOptions): Promise<WorkerNode> {
  const { redis: url, queue, pool: kind = "processes", prefix = "bull" } = options;
  checkRedisUrl(url);
  validateQueueName(queue);
  if (kind !== "threads" && kind !== "processes") {
    throw new TypeError(`pool must be "threads" or "processes", got ${JSON.stringify(kind)}.`);
  }
  checkInt(options.maxWorkers, "maxWorkers");
  checkInt(options.concurrency, "concurrency");
  checkInt(options.maxResultBytes, "maxResultBytes");
  checkMs(options.lockMs, "lockMs");
  checkMs(options.stalledCheckMs, "stalledCheckMs");
  checkMs(options.connectTimeoutMs, "connectTimeoutMs");
  const moduleUrl = normalizeModule(options.module);
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const conn = redisOptions(url, connectTimeoutMs);
  const exports = await loadExports(moduleUrl);

  const id = `${hostname().replace(/[^\w.-]/g, "_")}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const keys = queueKeys(prefix, queue);
  const logError = (err: Error) => {
    if (!closing) console.error(`conc worker node ${id}: ${err.message}`);
  };
  let closing = false;
  const cmd = connect(conn, `conc-node-${id}`, logError);
  cmd.defineCommand("concClaim", { numberOfKeys: 1, lua: CLAIM_SCRIPT });
  const sub = connect(conn, `conc-node-sub-${id}`, logError);
  const ready = await Promise.allSettled([
    whenReady(cmd, url, connectTimeoutMs),
    whenReady(sub, url, connectTimeoutMs),
  ]);
  const failed = ready.find((r) => r.status === "rejected");
  if (failed) {
    closing = true;
    cmd.disconnect();
    sub.disconnect();
    throw failed.reason;
  }

  const pool: Executor =
    kind === "threads"
      ? new ThreadPoolExecutor({ module: moduleUrl, maxWorkers: options.maxWorkers })
      : new ProcessPoolExecutor({ module: moduleUrl, maxWorkers: options.maxWorkers });
  const concurrency = options.concurrency ?? Math.max(8, 2 * pool.maxWorkers);
  let running = 0;
  const startedAt = Date.now();
  const info = (): NodeInfo => ({
    id,
    host: hostname(),
    pid: process.pid,
    pool: kind,
    maxWorkers: pool.maxWorkers,
    workers: pool.workerCount,
    concurrency,
    running,
    startedAt,
    expiresAt: Date.now() + NODE_TTL_MS,
  });
  const setup: ProcessorSetup = {
    nodeId: id,
    keys,
    redis: cmd as ProcessorSetup["redis"],
    pool,
    exports,
    maxResultBytes: options.maxResultBytes ?? 8 << 20,
    onStart: () => running++,
    onEnd: () => running--,
    onBroken: (err) => {
      if (closed) return;
      console.error(
        `conc worker node ${id}: its ${kind} pool is broken (${err.message}); the node stops taking jobs.`,
      );
      void api.close({ timeoutMs: 1_000 });
    },
  };
  const worker = new Worker(queue, makeProcessor(setup), {
    connection: bullConnection(conn),
    prefix,
    concurrency,
    lockDuration: options.lockMs ?? 2_000,
    stalledInterval: options.stalledCheckMs ?? 1_000,
    maxStalledCount: 0,
    name: id,
  });
  worker.on("error", logError);

  await sub.subscribe(keys.cancelChannel(id));
  sub.on("message", (_channel: string, jobId: string) => {
    worker.cancelJob(jobId, "cancelled by the client");
  });
  const beat = () => {
    publishNode(cmd, keys, info()).catch(logError);
  };
  const heartbeat = setInterval(beat, NODE_TTL_MS / 3);
  heartbeat.unref?.();
  await worker.waitUntilReady();
  // Listed before this returns: a client that reads the registry next sees this node's slots (and
  // holds its queued work back instead of sending it all as it does while no node is known).
  await publishNode(cmd, keys, info()).catch(logError);

  let closed: Promise<void> | undefined;
  const close = async (timeoutMs: number): Promise<void> => {
    clearInterval(heartbeat);
    closing = true;
    // BullMQ's close() never resolves while Redis is unreachable (#4656): deadline, then force, then drop.
    const drained = await within(worker.close(), timeoutMs);
    if (!drained) {
      worker.cancelAllJobs("the worker node is shutting down");
      if (!(await within(worker.close(true), 1_000))) await within(worker.disconnect(), 500);
    }
    await within(removeNode(cmd, keys, id), 500);
    await pool.shutdown({ wait: drained, cancelFutures: !drained });
    if (!drained) await pool.terminateWorkers();
    sub.disconnect();
    cmd.disconnect();
  };
  const api: WorkerNode = {
    id,
    info,
    close(opts = {}) {
      closed ??= close(opts.timeoutMs ?? 10_000);
      return closed;
    },
  };
  return api;
}
