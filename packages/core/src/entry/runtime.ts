/**
 * The task loop that runs inside every worker (thread or process). Knows nothing of executors:
 * it receives batches, runs them in order (up to `concurrency` at once), and answers with one
 * message per burst of work.
 */
import { AsyncLocalStorage } from "node:async_hooks";
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
  REF_SOURCE,
  type ResultsMessage,
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
import { failure, isCloneable, replaceUncloneable, runChunk } from "./outcome.ts";
import { ProgressBuffer, setProgressSink } from "./progress.ts";
import { resolveDef, type TaskFn } from "./resolve-function.ts";

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
  /** With concurrency 1: the task started last and not settled (sync or async), else -1. */
  #active = -1;
  /** With concurrency > 1: which task the running code belongs to. */
  #context: AsyncLocalStorage<number> | undefined;
  readonly #progress = new ProgressBuffer(() => this.flush());
  readonly #sink = (value: unknown): void => this.#report(value);

  constructor(post: (msg: WorkerMessage) => void) {
    this.#post = post;
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
    const progress = this.#progress.size > 0;
    if (this.#out.length === 0 && started === null && !progress) return;
    const msg: ResultsMessage = { k: OUT_RESULTS, r: this.#out, s: started };
    if (progress) msg.p = this.#progress.take();
    this.#out = [];
    this.#startedAsync = [];
    this.#lastFlush = performance.now();
    try {
      this.#post(msg);
    } catch (err) {
      // One result that cannot be cloned (a function, a socket...) must not lose the whole batch.
      msg.r = replaceUncloneable(msg.r, err);
      if (msg.p) msg.p = msg.p.map((v, i) => (i % 2 === 0 || isCloneable(v) ? v : String(v)));
      this.#post(msg);
    }
  }

  /** reportProgress inside a task: routed to the task whose code is running. */
  #report(value: unknown): void {
    const seq = this.#concurrency === 1 ? this.#active : (this.#context?.getStore() ?? -1);
    if (seq >= 0) this.#progress.put(seq, value);
  }

  async #init(msg: InitMessage): Promise<void> {
    this.#concurrency = msg.concurrency;
    if (msg.concurrency > 1) this.#context = new AsyncLocalStorage<number>();
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
    this.#active = seq;
    setProgressSink(this.#sink);
    let value: unknown;
    try {
      if (flags >= TASK_HANDLES) {
        flags -= TASK_HANDLES;
        reviveArgs(args);
      }
      // No closure on the common path (concurrency 1): tiny tasks pay for every allocation.
      if (this.#context) value = this.#context.run(seq, callTask, fn, flags, args);
      else value = flags === TASK_PLAIN ? fn(...args) : runChunk(fn, args, flags === TASK_CHUNK, 0, []);
    } catch (err) {
      this.#active = -1;
      this.#fail(seq, err, bySource);
      return;
    }
    if (value instanceof Promise) {
      this.#running++;
      this.#startedAsync.push(seq);
      value.then(
        (v) => this.#settleAsync(seq, ST_OK, v),
        (err) => this.#settleAsync(seq, ...failure(err, bySource)),
      );
      return;
    }
    this.#active = -1;
    pushResult(this.#out, seq, ST_OK, value);
  }

  #fail(seq: number, err: unknown, bySource: boolean): void {
    const [status, value] = failure(err, bySource);
    pushResult(this.#out, seq, status, value);
  }

  #settleAsync(seq: number, status: number, value: unknown): void {
    this.#running--;
    if (this.#active === seq) this.#active = -1;
    const i = this.#startedAsync.indexOf(seq);
    if (i >= 0) this.#startedAsync.splice(i, 1);
    pushResult(this.#out, seq, status, value);
    this.#pump();
  }
}

function callTask(fn: TaskFn, flags: number, args: unknown[]): unknown {
  return flags === TASK_PLAIN ? fn(...args) : runChunk(fn, args, flags === TASK_CHUNK, 0, []);
}

/** Makes `process.exit()` inside a task hand over finished results and name the task first. */
export function interceptExit(runtime: WorkerRuntime): void {
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    runtime.flush();
    return realExit(code ?? undefined);
  }) as typeof process.exit;
}
