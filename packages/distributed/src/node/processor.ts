/**
 * The BullMQ processor of a worker node: claim the job (a cancel may have won), run it on the node's conc
 * pool, return the encoded result, or leave conc's serialized error in the job's hash and fail the job.
 */
import { BrokenExecutorError, type Executor, serializeError } from "@conc/core";
import { type Job, UnrecoverableError } from "bullmq";
import type { Redis } from "ioredis";
import { decode, encode } from "../codec.ts";
import { ResultTooLargeError } from "../errors.ts";
import { CLAIM_CANCELLED, FIELD_ERROR, type QueueKeys } from "../keys.ts";
import { type FailurePayload, type JobData, KIND_PLAIN, KIND_SINGLES, NOT_STARTED_REASON } from "../wire.ts";

/** Forwards a task's progress to BullMQ, coalesced: at most one update in flight, the latest value wins. */
class ProgressRelay {
  #inFlight: Promise<void> | undefined;
  #next: { value: unknown } | undefined;
  constructor(private readonly job: Job) {}

  push(value: unknown): void {
    this.#next = { value };
    this.#inFlight ??= this.#drain();
  }

  async #drain(): Promise<void> {
    while (this.#next) {
      const { value } = this.#next;
      this.#next = undefined;
      await this.job.updateProgress(encode(value, "progress") as number).catch(() => {});
    }
    this.#inFlight = undefined;
  }

  async flush(): Promise<void> {
    while (this.#inFlight) await this.#inFlight;
  }
}

/** A map chunk that failed part-way. */
class PartialChunk {
  constructor(
    readonly results: unknown[],
    readonly error: unknown,
  ) {}
}

export interface ProcessorSetup {
  nodeId: string;
  keys: QueueKeys;
  /** Runs `concClaim` (CLAIM_SCRIPT). */
  redis: Redis & { concClaim(key: string, value: string): Promise<number | string> };
  pool: Executor;
  /** The module's exports, or null when they cannot be read here (the pool's workers check names then). */
  exports: Record<string, unknown> | null;
  maxResultBytes: number;
  /** Counts for the node's stats. */
  onStart(): void;
  onEnd(ok: boolean): void;
  /** The pool cannot run anything any more (its workers cannot start): the node must stop taking jobs. */
  onBroken(error: Error): void;
}

function checkTask(exports: Record<string, unknown> | null, name: unknown): string {
  if (exports === null && typeof name === "string" && /^[A-Za-z_$][\w$]*$/.test(name)) return name;
  if (
    exports &&
    typeof name === "string" &&
    Object.hasOwn(exports, name) &&
    typeof exports[name] === "function"
  ) {
    return name;
  }
  throw new TypeError(
    `Task ${JSON.stringify(name)} is not an exported function of this node's task module. ` +
      "Export it, or start the node with the module the client names.",
  );
}

/**
 * Runs a whole map chunk inside one pool worker: a self-contained function (shipped by source, so it
 * captures nothing) that finds the task among the module's exports there and loops over the items. One
 * message per chunk each way, and a running chunk stops like any task (its worker is replaced). An item
 * that throws ends the chunk with an error carrying the results before it and, as `cause`, the item's error.
 */
// Kept nameless on purpose (an array element gets no inferred name): a pool with a module routes a *named*
// function by its export name; a nameless one travels by source.
const [runChunkInWorker] = [
  async (moduleUrl: string, name: string, items: unknown[], single: boolean) => {
    const ns = (await import(moduleUrl)) as Record<string, (...args: unknown[]) => unknown>;
    const fn = ns[name] as (...args: unknown[]) => unknown;
    const results: unknown[] = [];
    for (const item of items) {
      try {
        const r = single ? fn(item) : fn(...(item as unknown[]));
        results.push(r instanceof Promise ? await r : r);
      } catch (error) {
        throw Object.assign(new Error("map chunk failed part-way"), {
          name: "ConcChunkFailure",
          results,
          cause: error,
        });
      }
    }
    return results;
  },
];

async function runChunk(
  pool: Executor,
  name: string,
  data: JobData,
  signal?: AbortSignal,
): Promise<unknown[]> {
  const items = decode(data.a) as unknown[];
  try {
    return await pool
      .schedule(runChunkInWorker, {
        args: [pool.module as string, name, items, data.k === KIND_SINGLES],
        signal,
      })
      .result();
  } catch (err) {
    if (err instanceof Error && err.name === "ConcChunkFailure") {
      throw new PartialChunk((err as Error & { results: unknown[] }).results, err.cause);
    }
    throw err;
  }
}

/** An upper bound of JSON.stringify(v).length without building the string (∞ past `limit`). */
function jsonBound(v: unknown, limit: number): number {
  switch (typeof v) {
    case "number":
      return 24;
    case "boolean":
      return 5;
    case "string":
      return 6 * v.length + 2;
    case "object": {
      if (v === null) return 4;
      let n = 2;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length && n <= limit; i++) n += jsonBound(v[i], limit) + 1;
      } else {
        for (const key in v) {
          n += 6 * key.length + 4 + jsonBound((v as Record<string, unknown>)[key], limit);
          if (n > limit) break;
        }
      }
      return n;
    }
    default:
      return 4;
  }
}

/** JSON bytes of `encoded`, exactly only when the cheap bound says it may be over `limit`. */
function jsonBytes(encoded: unknown, limit: number): number {
  if (jsonBound(encoded, limit) <= limit) return 0;
  return Buffer.byteLength(JSON.stringify(encoded) ?? "");
}

/** Builds the processor. It declares three parameters: BullMQ passes the AbortSignal only then. */
export function makeProcessor(setup: ProcessorSetup) {
  const { nodeId, keys, redis, pool, exports, maxResultBytes } = setup;
  const fail = async (key: string, payload: FailurePayload): Promise<never> => {
    let json = JSON.stringify(encode(payload, "error"));
    if (Buffer.byteLength(json) > maxResultBytes) {
      json = JSON.stringify({
        e: serializeError(new ResultTooLargeError(Buffer.byteLength(json), maxResultBytes)),
      });
    }
    await redis.hset(key, FIELD_ERROR, json);
    throw new UnrecoverableError(`${payload.e.name}: ${payload.e.message}`);
  };

  return async function processJob(job: Job, _token: string | undefined, signal: AbortSignal | undefined) {
    const id = job.id as string;
    const key = keys.job(id);
    const claim = await redis.concClaim(key, nodeId);
    if (claim !== 1) {
      throw new UnrecoverableError(
        claim === CLAIM_CANCELLED || claim === -1 ? NOT_STARTED_REASON : `already claimed by ${claim}`,
      );
    }
    setup.onStart();
    const data = job.data as JobData;
    try {
      const name = checkTask(exports, data.f);
      let value: unknown;
      if (data.k === undefined || data.k === KIND_PLAIN) {
        const fut = pool.schedule(name, { args: decode(data.a) as unknown[], signal });
        const progress = new ProgressRelay(job);
        fut.onProgress((v) => progress.push(v));
        try {
          value = await fut.result();
        } finally {
          // The last progress value reaches the client before the result does.
          await progress.flush();
        }
      } else value = await runChunk(pool, name, data, signal);
      const encoded = encode(value, "result");
      const bytes = jsonBytes(encoded, maxResultBytes);
      if (bytes > maxResultBytes) throw new ResultTooLargeError(bytes, maxResultBytes);
      setup.onEnd(true);
      return encoded;
    } catch (err) {
      setup.onEnd(false);
      if (err instanceof BrokenExecutorError) setup.onBroken(err);
      if (err instanceof PartialChunk) {
        return fail(key, { e: serializeError(err.error), r: encode(err.results, "result") as unknown[] });
      }
      return fail(key, { e: serializeError(err) });
    }
  };
}
