/**
 * Tasks submitted over RPC: their futures, outcomes kept for a time-to-live, and a completion
 * sequence that subscriptions use as event ids (so a reconnecting client resumes exactly).
 */
import { randomBytes } from "node:crypto";
import { CancelledError, type Future, type SerializedError, serializeError } from "@conc/core";

export type TaskState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

/** What a client learns about a task. */
export interface TaskView {
  id: string;
  state: TaskState;
  done: boolean;
  ok?: boolean;
  value?: unknown;
  error?: SerializedError;
}

interface TaskRecord {
  id: string;
  pool: string;
  task: string;
  future: Future<unknown>;
  abort: AbortController;
  submittedAt: number;
  /** Completion order (0 until done). */
  seq: number;
  view: TaskView | undefined;
  expiresAt: number;
}

export interface StoreHooks {
  onDone(pool: string, task: string, view: TaskView, seconds: number): void;
}

export class TaskStore {
  #tasks = new Map<string, TaskRecord>();
  #outstanding = new Map<string, number>();
  #seq = 0;
  #listeners = new Set<(rec: TaskRecord) => void>();
  #drainWaiters: (() => void)[] = [];
  #sweeper: ReturnType<typeof setInterval>;

  constructor(
    private readonly ttlMs: number,
    private readonly hooks: StoreHooks,
  ) {
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(50, Math.min(ttlMs, 60_000)));
    this.#sweeper.unref();
  }

  /** Unfinished tasks of a pool (or of all pools). */
  outstanding(pool?: string): number {
    if (pool !== undefined) return this.#outstanding.get(pool) ?? 0;
    let n = 0;
    for (const v of this.#outstanding.values()) n += v;
    return n;
  }

  /** Running tasks of a pool. */
  running(pool: string): number {
    let n = 0;
    for (const r of this.#tasks.values()) if (r.pool === pool && r.future.running()) n++;
    return n;
  }

  add(pool: string, task: string, future: Future<unknown>, abort: AbortController): string {
    // 96 random bits, URL-safe and short: many ids fit in one SSE request URL.
    const id = randomBytes(12).toString("base64url");
    const rec: TaskRecord = {
      id,
      pool,
      task,
      future,
      abort,
      submittedAt: performance.now(),
      seq: 0,
      view: undefined,
      expiresAt: Number.POSITIVE_INFINITY,
    };
    this.#tasks.set(id, rec);
    this.#outstanding.set(pool, (this.#outstanding.get(pool) ?? 0) + 1);
    future.addDoneCallback(() => this.#finish(rec));
    return id;
  }

  /** The task, unless unknown or expired. */
  #get(id: string): TaskRecord | undefined {
    const rec = this.#tasks.get(id);
    if (rec && rec.expiresAt <= Date.now()) {
      this.#tasks.delete(id);
      return undefined;
    }
    return rec;
  }

  has(id: string): boolean {
    return this.#get(id) !== undefined;
  }

  view(id: string): TaskView | undefined {
    const rec = this.#get(id);
    if (!rec) return undefined;
    return rec.view ?? { id, state: rec.future.state, done: false };
  }

  /** Waits up to `timeoutMs` for the task to finish; returns its view either way. */
  async wait(id: string, timeoutMs: number): Promise<TaskView | undefined> {
    const rec = this.#get(id);
    if (!rec) return undefined;
    if (!rec.view && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const listener = (r: TaskRecord) => {
          if (r === rec) done();
        };
        const done = () => {
          clearTimeout(timer);
          this.#listeners.delete(listener);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        this.#listeners.add(listener);
      });
    }
    return this.view(id);
  }

  /** Cancels a queued task, or stops a running one. */
  cancel(id: string): boolean | undefined {
    const rec = this.#get(id);
    if (!rec) return undefined;
    if (rec.future.done()) return false;
    if (rec.future.cancel()) return true;
    rec.abort.abort(new CancelledError("Cancelled by the client."));
    return true;
  }

  /**
   * Yields [seq, view] as the given tasks finish, in completion order, skipping those with
   * seq <= afterSeq (already delivered before a reconnect). Ends when all are delivered.
   */
  async *watch(ids: string[], afterSeq: number, signal?: AbortSignal): AsyncGenerator<[number, TaskView]> {
    for await (const batch of this.watchBatches(ids, afterSeq, signal)) yield* batch;
  }

  /** Like watch, but yields everything that is ready at once as one batch (one message, not one per task). */
  async *watchBatches(
    ids: string[],
    afterSeq: number,
    signal?: AbortSignal,
  ): AsyncGenerator<[number, TaskView][]> {
    const wanted = new Set(ids);
    let ready: TaskRecord[] = [];
    let wake: (() => void) | undefined;
    const listener = (rec: TaskRecord) => {
      if (!wanted.has(rec.id)) return;
      ready.push(rec);
      wake?.();
    };
    this.#listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      const already: TaskRecord[] = [];
      for (const id of wanted) {
        const rec = this.#tasks.get(id);
        if (rec?.view) already.push(rec);
      }
      already.sort((a, b) => a.seq - b.seq);
      ready.unshift(...already);
      const sent = new Set<string>();
      while (sent.size < wanted.size && !signal?.aborted) {
        if (ready.length === 0) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const batch: [number, TaskView][] = [];
        for (const rec of ready) {
          if (sent.has(rec.id)) continue;
          sent.add(rec.id);
          if (rec.seq > afterSeq) batch.push([rec.seq, rec.view as TaskView]);
        }
        ready = [];
        if (batch.length > 0) yield batch;
      }
    } finally {
      this.#listeners.delete(listener);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Resolves once no task is unfinished. */
  drained(): Promise<void> {
    if (this.outstanding() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  close(): void {
    clearInterval(this.#sweeper);
  }

  /** Synchronous, so every result of one worker message reaches a stream as one batch. */
  #finish(rec: TaskRecord): void {
    const o = rec.future.peek();
    if (!o) return;
    let view: TaskView;
    if (o.ok) view = { id: rec.id, state: "FINISHED", done: true, ok: true, value: o.value };
    else
      view = {
        id: rec.id,
        state: o.cancelled ? "CANCELLED" : "FINISHED",
        done: true,
        ok: false,
        error: serializeError(o.error),
      };
    rec.view = view;
    rec.seq = ++this.#seq;
    rec.expiresAt = Date.now() + this.ttlMs;
    this.#outstanding.set(rec.pool, (this.#outstanding.get(rec.pool) ?? 1) - 1);
    this.hooks.onDone(rec.pool, rec.task, view, (performance.now() - rec.submittedAt) / 1000);
    for (const l of this.#listeners) l(rec);
    if (this.outstanding() === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, rec] of this.#tasks) if (rec.expiresAt <= now) this.#tasks.delete(id);
  }
}
