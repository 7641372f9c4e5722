/**
 * Tasks submitted over RPC: live ones as records holding their futures, finished ones in a
 * columnar ring (finished-ring.ts) kept for a time-to-live and at most `maxRetained` (oldest
 * finished evicted first), and a completion sequence that subscriptions use as event ids (so a
 * reconnecting client resumes exactly).
 */
import type { ExecutorLike, Future } from "@conc/core";
import type { DoneView, TaskView } from "../wire.ts";
import { FinishedRing, FinishedTask } from "./finished-ring.ts";
import { nowMs, TaskRecord } from "./task-record.ts";

export { FinishedTask, TaskRecord };
/** A task the store knows: live (a record with its future) or finished (a handle on its ring slot). */
export type TaskEntry = TaskRecord | FinishedTask;

export interface StoreHooks {
  /** A task ended (synchronously, in the tick its future settled). */
  onDone(rec: TaskRecord, view: DoneView): void;
  /** The store closed (stop timers). */
  close?(): void;
}

/** What a stream gets at once: finished tasks `[seq, view]` in completion order, and tasks whose progress moved. */
export interface StoreBatch {
  done: [number, DoneView][];
  /** Unfinished tasks with a new progress value since the last batch (read `rec.progress`: latest wins). */
  progress: TaskRecord[];
}

export interface StoreOptions {
  ttlMs: number;
  maxRetained: number;
}

export class TaskStore {
  /** Unfinished tasks, in submit order. */
  readonly #live = new Map<string, TaskRecord>();
  readonly #finished: FinishedRing;
  #seq = 0;
  #names = new Map<string, string>();
  #changes = new Set<() => void>();
  #sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly options: StoreOptions,
    private readonly hooks: StoreHooks,
  ) {
    this.#finished = new FinishedRing(options.maxRetained);
    this.#sweeper = setInterval(() => this.#evict(), Math.max(50, Math.min(options.ttlMs, 10_000)));
    this.#sweeper.unref();
  }

  /** Retained tasks (unfinished and finished). */
  get size(): number {
    return this.#live.size + this.#finished.size;
  }

  /** Finished tasks retained now. */
  get retainedFinished(): number {
    return this.#finished.size;
  }

  /** Adds an accepted task under `id` (fresh, checked by the caller). */
  add(id: string, pool: string, task: string, args: unknown[], future: Future<unknown>, owner: ExecutorLike) {
    // One string per task name, not one per request that named it (~40 bytes a record).
    let name = this.#names.get(task);
    if (name === undefined) this.#names.set(task, (name = task));
    const rec = new TaskRecord(id, pool, name, args, future, owner);
    this.#live.set(id, rec);
    future.addDoneCallback(() => this.#finish(rec));
    future.onProgress((value) => this.#progress(rec, value));
    this.#changed();
    return rec;
  }

  /** The task, unless unknown, evicted or expired. */
  get(id: string): TaskEntry | undefined {
    const live = this.#live.get(id);
    if (live) return live;
    const done = this.#finished.find(id);
    if (done && done.finishedAt + this.options.ttlMs <= nowMs()) {
      this.#evict();
      return undefined;
    }
    return done;
  }

  /**
   * Every retained task, oldest submitted first (finished and live merged by submit time; each
   * finished handle is read at once, as the dashboard does).
   */
  *records(): IterableIterator<TaskEntry> {
    const live = this.#live.values();
    let l = live.next();
    for (const f of this.#finished.all()) {
      while (!l.done && l.value.submittedAt < f.submittedAt) {
        yield l.value;
        l = live.next();
      }
      yield f;
    }
    while (!l.done) {
      yield l.value;
      l = live.next();
    }
  }

  /** Calls `fn` on every change (submit, finish, progress); returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.#changes.add(fn);
    return () => this.#changes.delete(fn);
  }

  /** Runs `fn` once when the task ends (at once if it already has). */
  onceDone(rec: TaskEntry, fn: (rec: TaskEntry, view: DoneView) => void): () => void {
    if (rec instanceof FinishedTask || rec.done) {
      fn(rec, rec.view() as DoneView);
      return () => {};
    }
    (rec.watchers ??= []).push(fn);
    return () => {
      const i = rec.watchers?.indexOf(fn) ?? -1;
      if (i >= 0) rec.watchers?.splice(i, 1);
    };
  }

  /** Calls `fn` whenever the (unfinished) task reports progress; returns the unsubscribe function. */
  onProgress(rec: TaskEntry, fn: (rec: TaskRecord) => void): () => void {
    if (rec instanceof FinishedTask || rec.done) return () => {};
    (rec.progressWatchers ??= []).push(fn);
    return () => {
      const i = rec.progressWatchers?.indexOf(fn) ?? -1;
      if (i >= 0) rec.progressWatchers?.splice(i, 1);
    };
  }

  /** Waits up to `timeoutMs` for the task to finish; returns its view either way. */
  async wait(rec: TaskEntry, timeoutMs: number): Promise<TaskView> {
    if (!rec.done && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          off();
          resolve();
        }, timeoutMs);
        const off = this.onceDone(rec, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return rec.view();
  }

  /** Cancels every unfinished task (drain deadline); returns how many. */
  cancelAll(reason: string): number {
    let n = 0;
    for (const rec of [...this.#live.values()]) if (rec.cancel(reason)) n++;
    return n;
  }

  /**
   * Yields what is ready of the given tasks: finished ones as [seq, view] in completion order
   * (skipping seq <= afterSeq, delivered before a reconnect), and unfinished ones whose progress
   * moved (coalesced: one entry per task however often it reported; the current value of each
   * task that has one comes first). Ends when all are delivered.
   */
  async *watchBatches(recs: TaskEntry[], afterSeq: number, signal?: AbortSignal): AsyncGenerator<StoreBatch> {
    let ready: [number, DoneView][] = [];
    const moved = new Set<TaskRecord>();
    let left = recs.length;
    let wake: (() => void) | undefined;
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    const offs: (() => void)[] = [];
    const already: [number, DoneView][] = [];
    const onMoved = (r: TaskRecord) => {
      moved.add(r);
      wake?.();
    };
    for (const rec of recs) {
      const wasDone = rec.done;
      if (rec instanceof TaskRecord && !wasDone) {
        if (rec.progress !== undefined) moved.add(rec);
        offs.push(this.onProgress(rec, onMoved));
      }
      offs.push(
        this.onceDone(rec, (r, view) => {
          left--;
          // Its last progress value rides in the view.
          if (r instanceof TaskRecord) moved.delete(r);
          if (r.seq > afterSeq) (wasDone ? already : ready).push([r.seq, view]);
          if (!wasDone) wake?.();
        }),
      );
    }
    already.sort((a, b) => a[0] - b[0]);
    ready.unshift(...already);
    try {
      while (!signal?.aborted) {
        if (ready.length > 0 || moved.size > 0) {
          const batch: StoreBatch = { done: ready, progress: [...moved] };
          ready = [];
          moved.clear();
          yield batch;
          continue;
        }
        if (left === 0) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      for (const off of offs) off();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.hooks.close?.();
  }

  /** Synchronous, so every result of one worker message reaches a stream as one batch. */
  #finish(rec: TaskRecord): void {
    const view = rec.finish(++this.#seq);
    if (!view) return;
    this.#live.delete(rec.id);
    this.#finished.push(rec, view);
    this.hooks.onDone(rec, view);
    const watchers = rec.watchers;
    rec.watchers = undefined;
    if (watchers) for (const w of watchers) w(rec, view);
    this.#changed();
  }

  #progress(rec: TaskRecord, value: unknown): void {
    if (rec.done) return;
    rec.progress = value;
    const ws = rec.progressWatchers;
    if (ws) for (const w of ws) w(rec);
    this.#changed();
  }

  #changed(): void {
    for (const fn of this.#changes) fn();
  }

  /** Drops finished tasks past the TTL, oldest first (the ring itself keeps at most maxRetained). */
  #evict(): void {
    const expired = nowMs() - this.options.ttlMs;
    while (this.#finished.oldestFinishedAt() <= expired) this.#finished.dropOldest();
  }
}
