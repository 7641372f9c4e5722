/**
 * A DashboardSource kept beside the executors: `instrument(pools)` wraps each pool so every scheduled
 * task is recorded here. It serves the standalone dashboard, the benchmark and the tests; an app whose
 * task store keeps the same facts provides its own adapter instead.
 */
import {
  CancelledError,
  type Executor,
  type Future,
  type ScheduleOptions,
  type SerializedError,
  serializeError,
} from "@conc/core";
import type { DashboardSource, PoolStats, TaskDetailView, TaskState } from "./source.ts";

interface Rec {
  id: string;
  pool: string;
  task: string;
  args: readonly unknown[] | undefined;
  future: Future<unknown> | undefined;
  abort: AbortController | undefined;
  state: TaskState;
  ok?: boolean;
  submittedAt: number;
  startedAt?: number;
  finishedAt?: number;
  progress?: unknown;
  value?: unknown;
  error?: SerializedError;
}

interface PoolCounters {
  executor: Executor;
  live: Set<Rec>;
  done: number;
  failed: number;
  cancelled: number;
}

type ProgressFuture = Future<unknown> & {
  progress?: unknown;
  onProgress?: (cb: (v: unknown) => void) => void;
};

let counter = 0;

export class MemorySource implements DashboardSource {
  readonly #records = new Map<string, Rec>();
  readonly #pools = new Map<string, PoolCounters>();
  readonly #listeners = new Set<() => void>();

  constructor(readonly maxRetained = 100_000) {}

  /** Wraps each executor so that its `schedule`/`submit` calls are recorded; use the result in createApp. */
  instrument<P extends Record<string, Executor>>(pools: P): P {
    const out: Record<string, Executor> = {};
    for (const [name, executor] of Object.entries(pools)) {
      this.addPool(name, executor);
      out[name] = new Proxy(executor, {
        get: (target, key) => {
          const v = Reflect.get(target, key, target) as unknown;
          // An abort signal of our own lets cancel() stop a running task too.
          if (key === "schedule")
            return (fn: unknown, opts: ScheduleOptions<unknown[]> = {}) => {
              const abort = new AbortController();
              const signal = opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal;
              const fut = target.schedule(fn as never, { ...opts, signal } as never);
              return this.track(name, fn, opts.args ?? [], fut, abort);
            };
          if (key === "submit")
            return (fn: unknown, ...args: unknown[]) => {
              const abort = new AbortController();
              const fut = target.schedule(fn as never, { args, signal: abort.signal } as never);
              return this.track(name, fn, args, fut, abort);
            };
          return typeof v === "function" ? v.bind(target) : v;
        },
      });
    }
    return out as P;
  }

  addPool(name: string, executor: Executor): void {
    this.#pools.set(name, { executor, live: new Set(), done: 0, failed: 0, cancelled: 0 });
  }

  /** Records a task of `pool`; returns the future unchanged. */
  track<F extends Future<unknown>>(
    pool: string,
    fn: unknown,
    args: readonly unknown[],
    future: F,
    abort?: AbortController,
  ): F {
    const counters = this.#pools.get(pool);
    if (!counters) throw new RangeError(`MemorySource: no pool named '${pool}' (call addPool first).`);
    const task = typeof fn === "function" ? fn.name || "anonymous" : String(fn);
    const rec: Rec = {
      id: `t${(++counter).toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      pool,
      task,
      args,
      future,
      abort,
      state: "PENDING",
      submittedAt: Date.now(),
    };
    this.#records.set(rec.id, rec);
    counters.live.add(rec);
    (future as ProgressFuture).onProgress?.((v) => {
      rec.progress = v;
      this.#changed();
    });
    future.addDoneCallback(() => this.#finish(rec, counters));
    this.#evict();
    this.#changed();
    return future;
  }

  /** The id of the most recently recorded task (for tests and tools). */
  lastId(): string | undefined {
    let last: string | undefined;
    for (const id of this.#records.keys()) last = id;
    return last;
  }

  pools(): PoolStats[] {
    const now = Date.now();
    const out: PoolStats[] = [];
    for (const [name, c] of this.#pools) {
      let running = 0;
      for (const r of c.live) {
        this.#refresh(r, now);
        if (r.state === "RUNNING") running++;
      }
      const ex = c.executor as Executor & { kind?: PoolStats["kind"]; nodes?: number };
      out.push({
        name,
        kind: ex.kind ?? (ex.constructor.name === "ProcessPoolExecutor" ? "processes" : "threads"),
        workers: ex.workerCount,
        maxWorkers: ex.maxWorkers,
        nodes: typeof ex.nodes === "number" ? ex.nodes : undefined,
        queued: ex.queued,
        running,
        done: c.done,
        failed: c.failed,
        cancelled: c.cancelled,
      });
    }
    return out;
  }

  *records(): Iterable<Rec> {
    yield* this.#records.values();
  }

  get(id: string): TaskDetailView | undefined {
    const r = this.#records.get(id);
    if (r) this.#refresh(r, Date.now());
    return r;
  }

  size(): number {
    return this.#records.size;
  }

  subscribe(onChange: () => void): () => void {
    this.#listeners.add(onChange);
    return () => this.#listeners.delete(onChange);
  }

  cancel(id: string): boolean | undefined {
    const r = this.#records.get(id);
    if (!r) return undefined;
    if (!r.future || r.future.done()) return false;
    if (r.future.cancel()) return true;
    if (!r.abort) return false;
    r.abort.abort(new CancelledError("Cancelled from the dashboard."));
    return true;
  }

  /** Start times are noticed when looked at: futures announce their end, not their start. */
  #refresh(r: Rec, now: number): void {
    const f = r.future as ProgressFuture | undefined;
    if (!f || r.finishedAt !== undefined) return;
    r.state = f.state;
    if (r.state === "RUNNING") r.startedAt ??= now;
    if (f.progress !== undefined) r.progress = f.progress;
  }

  #finish(r: Rec, c: PoolCounters): void {
    const f = r.future as ProgressFuture;
    const o = f.peek();
    if (!o) return;
    r.finishedAt = Date.now();
    r.state = f.state;
    if (f.progress !== undefined) r.progress = f.progress;
    if (o.ok) {
      r.ok = true;
      r.value = o.value;
      c.done++;
    } else {
      r.ok = false;
      r.error = serializeError(o.error);
      if (o.cancelled) c.cancelled++;
      else c.failed++;
    }
    r.future = undefined;
    r.abort = undefined;
    c.live.delete(r);
    this.#changed();
  }

  #evict(): void {
    if (this.#records.size <= this.maxRetained) return;
    for (const [id, r] of this.#records) {
      if (r.finishedAt === undefined) continue;
      this.#records.delete(id);
      if (this.#records.size <= this.maxRetained) return;
    }
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}
