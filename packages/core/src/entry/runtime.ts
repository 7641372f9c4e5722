/**
 * The task loop that runs inside every worker (thread or process). Knows nothing of executors:
 * it receives batches, runs them in order (up to `concurrency` at once), and answers with one
 * message per burst of work.
 */
import { ChunkFailure } from "../transport/chunk-failure.ts";
import { serializeError } from "../transport/error-codec.ts";
import {
  type FnDef,
  IN_CANCEL,
  IN_INIT,
  IN_RUN,
  type InitMessage,
  OUT_READY,
  OUT_RESULTS,
  type ParentMessage,
  REF_SOURCE,
  type ResultsMessage,
  ST_CHUNK_ERROR,
  ST_ERROR,
  ST_OK,
  ST_SKIPPED,
  TASK_CHUNK,
  TASK_PLAIN,
  type WorkerMessage,
} from "../transport/protocol.ts";
import { explainCapture, resolveDef, type TaskFn } from "./resolve-function.ts";

/** Long tasks report progress at least this often, so the parent sees RUNNING and results promptly. */
const FLUSH_AFTER_MS = 1;

export class WorkerRuntime {
  #post: (msg: WorkerMessage) => void;
  #ns: Record<string, unknown> | undefined;
  #moduleUrl: string | null = null;
  #concurrency = 1;
  #defs = new Map<number, FnDef>();
  #fns = new Map<number, TaskFn | Error>();
  #queue: unknown[] = [];
  #head = 0;
  #cancelled = new Set<number>();
  #running = 0;
  #out: unknown[] = [];
  #startedAsync: number[] = [];
  #lastFlush = 0;
  #current = -1;

  constructor(post: (msg: WorkerMessage) => void) {
    this.#post = post;
  }

  /** Seq of the synchronous task running now (-1 when none). */
  get current(): number {
    return this.#current;
  }

  handle(msg: ParentMessage): void | Promise<void> {
    switch (msg.k) {
      case IN_RUN:
        if (msg.d) for (const def of msg.d) this.#defs.set(def[0], def);
        for (const item of msg.t) this.#queue.push(item);
        this.#pump();
        return;
      case IN_CANCEL:
        for (const id of msg.ids) this.#cancelled.add(id);
        return;
      case IN_INIT:
        return this.#init(msg);
    }
  }

  /** Sends what is pending now; `exitingSeq` marks the task that is ending the worker. */
  flush(exitingSeq?: number): void {
    const started = this.#startedAsync.length > 0 ? this.#startedAsync : null;
    if (this.#out.length === 0 && started === null && exitingSeq === undefined) return;
    const msg: ResultsMessage = { k: OUT_RESULTS, r: this.#out, s: started };
    if (exitingSeq !== undefined) msg.x = exitingSeq;
    this.#out = [];
    this.#startedAsync = [];
    this.#lastFlush = performance.now();
    try {
      this.#post(msg);
    } catch (err) {
      // One result that cannot be cloned (a function, a socket...) must not lose the whole batch.
      msg.r = replaceUncloneable(msg.r, err);
      this.#post(msg);
    }
  }

  async #init(msg: InitMessage): Promise<void> {
    this.#concurrency = msg.concurrency;
    this.#moduleUrl = msg.module;
    try {
      if (msg.module !== null) this.#ns = (await import(msg.module)) as Record<string, unknown>;
      if (msg.initializer) {
        const init = resolveDef(msg.initializer, this.#ns, this.#moduleUrl);
        await init(...msg.initargs);
      }
      this.#post({ k: OUT_READY, error: null });
    } catch (err) {
      this.#post({ k: OUT_READY, error: serializeError(err) });
    }
  }

  #fn(id: number): TaskFn | Error {
    let fn = this.#fns.get(id);
    if (fn === undefined) {
      const def = this.#defs.get(id);
      try {
        if (!def) throw new Error(`conc internal error: unknown function id ${id}.`);
        fn = resolveDef(def, this.#ns, this.#moduleUrl);
      } catch (err) {
        fn = err as Error;
      }
      this.#fns.set(id, fn);
    }
    return fn;
  }

  #pump(): void {
    const q = this.#queue;
    while (this.#running < this.#concurrency && this.#head < q.length) {
      const seq = q[this.#head] as number;
      const fnId = q[this.#head + 1] as number;
      const flags = q[this.#head + 2] as number;
      const args = q[this.#head + 3] as unknown[];
      this.#head += 4;
      if (this.#cancelled.size > 0 && this.#cancelled.delete(seq)) {
        this.#out.push(seq, ST_SKIPPED, 0);
        continue;
      }
      const idle = this.#running === 0 && this.#out.length === 0;
      if (idle || performance.now() - this.#lastFlush > FLUSH_AFTER_MS) {
        // Tell the parent this task is RUNNING (and hand over finished results) before a possibly long run.
        this.#startedAsync.push(seq);
        this.flush();
      }
      this.#start(seq, fnId, flags, args);
    }
    if (this.#head === q.length) {
      q.length = 0;
      this.#head = 0;
    }
    this.flush();
  }

  #start(seq: number, fnId: number, flags: number, args: unknown[]): void {
    const fn = this.#fn(fnId);
    if (fn instanceof Error) {
      this.#out.push(seq, ST_ERROR, serializeError(fn));
      return;
    }
    const bySource = this.#defs.get(fnId)?.[1] === REF_SOURCE;
    this.#current = seq;
    let value: unknown;
    try {
      value = flags === TASK_PLAIN ? fn(...args) : this.#runChunk(fn, args, flags === TASK_CHUNK, 0, []);
    } catch (err) {
      this.#current = -1;
      this.#fail(seq, err, bySource);
      return;
    }
    this.#current = -1;
    if (value instanceof Promise) {
      this.#running++;
      this.#startedAsync.push(seq);
      value.then(
        (v) => this.#settleAsync(seq, ST_OK, v),
        (err) => this.#settleAsync(seq, ...this.#failure(err, bySource)),
      );
      return;
    }
    this.#out.push(seq, ST_OK, value);
  }

  /** Runs a chunk (tuples are spread); switches to async only when an item returns a promise. */
  #runChunk(fn: TaskFn, items: unknown[], spread: boolean, from: number, results: unknown[]): unknown {
    for (let i = from; i < items.length; i++) {
      let v: unknown;
      try {
        v = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (err) {
        throw new ChunkFailure(results, err);
      }
      if (v instanceof Promise) {
        return v.then(
          (resolved) => {
            results.push(resolved);
            return this.#runChunk(fn, items, spread, i + 1, results);
          },
          (err) => {
            throw err instanceof ChunkFailure ? err : new ChunkFailure(results, err);
          },
        );
      }
      results.push(v);
    }
    return results;
  }

  #failure(err: unknown, bySource: boolean): [number, unknown] {
    if (err instanceof ChunkFailure) {
      return [
        ST_CHUNK_ERROR,
        [err.results, serializeError(bySource ? explainCapture(err.error) : err.error)],
      ];
    }
    return [ST_ERROR, serializeError(bySource ? explainCapture(err) : err)];
  }

  #fail(seq: number, err: unknown, bySource: boolean): void {
    const [status, value] = this.#failure(err, bySource);
    this.#out.push(seq, status, value);
  }

  #settleAsync(seq: number, status: number, value: unknown): void {
    this.#running--;
    const i = this.#startedAsync.indexOf(seq);
    if (i >= 0) this.#startedAsync.splice(i, 1);
    this.#out.push(seq, status, value);
    this.#pump();
  }
}

function replaceUncloneable(results: unknown[], cause: unknown): unknown[] {
  const out = results.slice();
  for (let i = 0; i < out.length; i += 3) {
    try {
      structuredClone(out[i + 2]);
    } catch {
      const what = cause instanceof Error ? cause.message : String(cause);
      out[i + 1] = ST_ERROR;
      out[i + 2] = serializeError(
        new TypeError(`The task's result cannot be sent back from the worker (${what}). Return plain data.`),
      );
    }
  }
  return out;
}

/** Makes `process.exit()` inside a task hand over finished results and name the task first. */
export function interceptExit(runtime: WorkerRuntime): void {
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    runtime.flush(runtime.current);
    return realExit(code ?? undefined);
  }) as typeof process.exit;
}
