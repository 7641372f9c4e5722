/**
 * The task loop that runs inside every worker (thread or process). Knows nothing of executors:
 * it receives batches, runs them in order (up to `concurrency` at once), and answers with one
 * message per burst of work.
 */
import { reviveArgs, reviveIfAny } from "../sync/revive-args.ts";
import { claimStart, openClaims } from "../transport/claims.ts";
import { serializeError } from "../transport/error-codec.ts";
import {
  type FnDef,
  IN_INIT,
  IN_RUN,
  type InitMessage,
  OUT_READY,
  OUT_RESULTS,
  type ParentMessage,
  pushResult,
  R_STATUS,
  R_VALUE,
  REF_SOURCE,
  RESULT_FIELDS,
  type ResultsMessage,
  ST_CHUNK_ERROR,
  ST_ERROR,
  ST_OK,
  ST_SKIPPED,
  type StartStage,
  T_ARGS,
  T_FLAGS,
  T_FN,
  T_SEQ,
  T_SLOT,
  TASK_CHUNK,
  TASK_FIELDS,
  TASK_HANDLES,
  TASK_PLAIN,
  type WorkerMessage,
} from "../transport/protocol.ts";
import { explainCapture, resolveDef, type TaskFn } from "./resolve-function.ts";

/** Stops a chunk part-way inside the worker: the results so far, then the item's error. */
class ChunkStop {
  constructor(
    readonly results: unknown[],
    readonly error: unknown,
  ) {}
}

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
  #claims: Int32Array = new Int32Array(0);
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
      case IN_INIT:
        return this.#init(msg);
    }
  }

  /** Sends what is pending now (also called right before the worker exits). */
  flush(): void {
    const started = this.#startedAsync.length > 0 ? this.#startedAsync : null;
    if (this.#out.length === 0 && started === null) return;
    const msg: ResultsMessage = { k: OUT_RESULTS, r: this.#out, s: started };
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
    this.#claims = openClaims(msg.claims);
    let stage: StartStage = "module";
    try {
      if (msg.module !== null) this.#ns = (await import(msg.module)) as Record<string, unknown>;
      stage = "initializer";
      if (msg.initializer) {
        const init = resolveDef(msg.initializer, this.#ns, this.#moduleUrl);
        await init(...reviveIfAny(msg.initargs));
      }
      this.#post({ k: OUT_READY, error: null });
    } catch (err) {
      this.#post({ k: OUT_READY, error: serializeError(err), stage });
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
      const h = this.#head;
      const seq = q[h + T_SEQ] as number;
      const fnId = q[h + T_FN] as number;
      const flags = q[h + T_FLAGS] as number;
      const args = q[h + T_ARGS] as unknown[];
      const slot = q[h + T_SLOT] as number;
      this.#head += TASK_FIELDS;
      // The claim, not a message, decides: a task cancelled in the parent is never started.
      if (!claimStart(this.#claims, slot)) {
        pushResult(this.#out, seq, ST_SKIPPED, 0);
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
      pushResult(this.#out, seq, ST_ERROR, serializeError(fn));
      return;
    }
    const bySource = this.#defs.get(fnId)?.[1] === REF_SOURCE;
    this.#current = seq;
    let value: unknown;
    try {
      if (flags >= TASK_HANDLES) {
        flags -= TASK_HANDLES;
        reviveArgs(args);
      }
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
    pushResult(this.#out, seq, ST_OK, value);
  }

  /** Runs a chunk (tuples are spread); switches to async only when an item returns a promise. */
  #runChunk(fn: TaskFn, items: unknown[], spread: boolean, from: number, results: unknown[]): unknown {
    for (let i = from; i < items.length; i++) {
      let v: unknown;
      try {
        v = spread ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (err) {
        throw new ChunkStop(results, err);
      }
      if (v instanceof Promise) {
        return v.then(
          (resolved) => {
            results.push(resolved);
            return this.#runChunk(fn, items, spread, i + 1, results);
          },
          (err) => {
            throw err instanceof ChunkStop ? err : new ChunkStop(results, err);
          },
        );
      }
      results.push(v);
    }
    return results;
  }

  #failure(err: unknown, bySource: boolean): [number, unknown] {
    if (err instanceof ChunkStop) {
      return [
        ST_CHUNK_ERROR,
        [err.results, serializeError(bySource ? explainCapture(err.error) : err.error)],
      ];
    }
    return [ST_ERROR, serializeError(bySource ? explainCapture(err) : err)];
  }

  #fail(seq: number, err: unknown, bySource: boolean): void {
    const [status, value] = this.#failure(err, bySource);
    pushResult(this.#out, seq, status, value);
  }

  #settleAsync(seq: number, status: number, value: unknown): void {
    this.#running--;
    const i = this.#startedAsync.indexOf(seq);
    if (i >= 0) this.#startedAsync.splice(i, 1);
    pushResult(this.#out, seq, status, value);
    this.#pump();
  }
}

function replaceUncloneable(results: unknown[], cause: unknown): unknown[] {
  const out = results.slice();
  for (let i = 0; i < out.length; i += RESULT_FIELDS) {
    try {
      structuredClone(out[i + R_VALUE]);
    } catch {
      const what = cause instanceof Error ? cause.message : String(cause);
      out[i + R_STATUS] = ST_ERROR;
      out[i + R_VALUE] = serializeError(
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
    runtime.flush();
    return realExit(code ?? undefined);
  }) as typeof process.exit;
}
