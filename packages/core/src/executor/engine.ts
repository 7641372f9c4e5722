/**
 * The one executor core behind threads and processes: a queue here, a window of work sent
 * ahead to each worker, batching of messages per event-loop turn, and crash recovery.
 */
import { type BrokenExecutorError, WorkerExitedError } from "../errors.ts";
import { ChunkFailure } from "../transport/chunk-failure.ts";
import { deserializeError, type ErrorClassResolver, type SerializedError } from "../transport/error-codec.ts";
import {
  type FnDef,
  IN_CANCEL,
  IN_INIT,
  IN_RUN,
  OUT_READY,
  ST_CHUNK_ERROR,
  ST_ERROR,
  ST_OK,
  ST_SKIPPED,
  type WorkerMessage,
} from "../transport/protocol.ts";
import type { Transport } from "../transport/transport.ts";
import type { FnRegistry } from "./fn-registry.ts";
import { type AnyTask, Task, type TaskOwner } from "./task.ts";
import { TaskQueue } from "./task-queue.ts";
import { WorkerSlot } from "./worker-slot.ts";

export interface EngineConfig {
  transport: Transport;
  maxWorkers: number;
  moduleUrl: string | null;
  initializer: FnDef | null;
  initargs: unknown[];
  maxTasksPerChild: number | null;
  concurrency: number;
  makeBroken: (message: string, cause?: unknown) => BrokenExecutorError;
  resolveErrorClass: ErrorClassResolver;
  registry: FnRegistry;
}

export class Engine implements TaskOwner {
  readonly #cfg: EngineConfig;
  readonly #workers = new Set<WorkerSlot>();
  readonly #queue = new TaskQueue();
  #seq = 0;
  #starting = 0;
  #scheduled = false;
  #cancels = new Map<WorkerSlot, number[]>();
  #outstanding = 0;
  #drainWaiters: (() => void)[] = [];
  #exitWaiters: (() => void)[] = [];
  broken: BrokenExecutorError | null = null;

  constructor(cfg: EngineConfig) {
    this.#cfg = cfg;
  }

  get workerCount(): number {
    return this.#workers.size;
  }

  /** OS pids of process workers (empty for threads). */
  pids(): number[] {
    const out: number[] = [];
    for (const w of this.#workers) if (w.handle.pid !== undefined) out.push(w.handle.pid);
    return out;
  }

  /** Queued here plus sent ahead and not started. */
  get queued(): number {
    let n = this.#queue.live(Number.POSITIVE_INFINITY);
    for (const w of this.#workers) for (const t of w.inflight.values()) if (t.state === "PENDING") n++;
    return n;
  }

  submit<T>(fnId: number, flags: number, args: unknown[]): Task<T> {
    const task = new Task<T>(this, this.#seq++, fnId, flags, args);
    if (this.broken) {
      task.setException(this.broken);
      return task;
    }
    this.#outstanding++;
    this.#queue.push(task as Task);
    this.#schedule();
    return task;
  }

  taskSettled(task: AnyTask): void {
    if (task.cleanup) {
      task.cleanup();
      task.cleanup = null;
    }
    const holder = task.holder as WorkerSlot | null;
    // Settled here (cancel, deadline) while a worker holds it: make sure it does not start there.
    if (holder?.inflight.has(task.seq)) {
      let ids = this.#cancels.get(holder);
      if (!ids) this.#cancels.set(holder, (ids = []));
      ids.push(task.seq);
      this.#schedule();
    }
    if (--this.#outstanding === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Fail `task` with `error`; a running task is stopped by replacing its worker. */
  expire(task: AnyTask, error: Error, asCancel: boolean): void {
    if (task.done()) return;
    const holder = task.holder as WorkerSlot | null;
    const running = task.state === "RUNNING";
    if (asCancel) task.stop(error);
    else task.setException(error);
    if (running && holder) this.#retire(holder, true);
  }

  /** Resolves when every submitted task is done. */
  drained(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Cancel every task that has not started. */
  cancelPending(): void {
    this.#queue.forEach((t) => {
      t.cancel();
    });
    for (const w of this.#workers)
      for (const t of [...w.inflight.values()]) if (t.state === "PENDING") t.cancel();
  }

  /** Stop every task (queued or running) with `error` and end all workers. */
  stopAll(error: Error): void {
    for (const t of this.#queue.drain()) t.stop(error);
    for (const w of this.#workers) for (const t of [...w.inflight.values()]) t.stop(error);
  }

  /** End all workers; resolves when they have exited. */
  terminate(): Promise<void> {
    for (const w of this.#workers) this.#retire(w, true);
    if (this.#workers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#exitWaiters.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#dispatch);
  }

  #dispatch = (): void => {
    this.#scheduled = false;
    for (const [w, ids] of this.#cancels) {
      try {
        w.handle.send({ k: IN_CANCEL, ids });
      } catch {
        // The worker is gone; its exit handler settles what it held.
      }
    }
    this.#cancels.clear();
    if (this.broken) return;
    this.#assign();
    this.#queue.compact();
    const backlog = this.#queue.live(this.#cfg.maxWorkers + 1);
    let toStart = Math.min(this.#cfg.maxWorkers - this.#workers.size, backlog - this.#starting);
    while (toStart-- > 0) this.#spawn();
  };

  /**
   * First every idle worker gets work; then, once no worker is still starting, work is sent
   * ahead in equal shares. Long tasks must not queue behind each other in one worker while
   * another idles, and a window sized for tiny tasks must not swallow the whole queue.
   */
  #assign(): void {
    const c = this.#cfg.concurrency;
    const eligible: WorkerSlot[] = [];
    for (const w of this.#workers) {
      if (!w.ready || w.retiring) continue;
      eligible.push(w);
      this.#fill(w, c - w.inflight.size);
    }
    if (this.#starting > 0 || eligible.length === 0) return;
    const backlog = this.#queue.size;
    // With at least two tasks per worker waiting, every worker stays busy anyway: keep one more
    // queued inside each so none idles for a round trip between long tasks (bulk map chunks).
    const depthFloor = backlog >= 2 * eligible.length ? 2 : 1;
    for (let round = 0; round < 2 && this.#queue.size > 0; round++) {
      const share = round === 0 ? Math.ceil(backlog / eligible.length) : Number.MAX_SAFE_INTEGER;
      for (const w of eligible)
        this.#fill(w, Math.min(share, Math.max(w.depth, depthFloor) * c - w.inflight.size));
    }
  }

  #fill(w: WorkerSlot, limit: number): void {
    let room = limit;
    if (this.#cfg.maxTasksPerChild !== null) room = Math.min(room, this.#cfg.maxTasksPerChild - w.assigned);
    if (room <= 0 || this.#queue.size === 0) return;
    const wasIdle = w.inflight.size === 0;
    let defs: FnDef[] | null = null;
    const t: unknown[] = [];
    while (room > 0) {
      const task = this.#queue.take();
      if (!task) break;
      if (!w.known.has(task.fnId)) {
        w.known.add(task.fnId);
        (defs ??= []).push(this.#cfg.registry.defs[task.fnId] as FnDef);
      }
      t.push(task.seq, task.fnId, task.flags, task.args);
      task.holder = w;
      w.inflight.set(task.seq, task);
      room--;
    }
    if (t.length === 0) return;
    w.assigned += t.length / 4;
    if (wasIdle) {
      w.handle.ref();
      w.markBusy(performance.now());
    }
    try {
      w.handle.send({ k: IN_RUN, d: defs, t });
    } catch (err) {
      w.sendSingly(defs, t, err);
    }
  }

  #spawn(): void {
    const w = new WorkerSlot();
    this.#starting++;
    this.#workers.add(w);
    w.handle = this.#cfg.transport({
      onMessage: (msg) => this.#onMessage(w, msg),
      onExit: (code, signal) => this.#onExit(w, code, signal),
    });
    w.handle.send({
      k: IN_INIT,
      module: this.#cfg.moduleUrl,
      initializer: this.#cfg.initializer,
      initargs: this.#cfg.initargs,
      concurrency: this.#cfg.concurrency,
    });
  }

  #onMessage(w: WorkerSlot, msg: WorkerMessage): void {
    if (msg.k === OUT_READY) {
      this.#starting--;
      if (msg.error) {
        const cause = deserializeError(msg.error, this.#cfg.resolveErrorClass);
        this.#break(
          this.#cfg.makeBroken(
            `A worker failed to start (${describe(cause)}): the executor is broken. Fix the initializer or task module and create a new executor.`,
            cause,
          ),
        );
        return;
      }
      w.ready = true;
      w.handle.unref();
      this.#schedule();
      return;
    }
    if (msg.s) {
      for (const seq of msg.s) {
        w.inflight.get(seq)?.markRunning();
        w.lastStarted = seq;
      }
    }
    if (msg.x !== undefined) w.exitSeq = msg.x;
    const r = msg.r;
    for (let i = 0; i < r.length; i += 3) {
      const seq = r[i] as number;
      const task = w.inflight.get(seq);
      if (!task) continue;
      w.inflight.delete(seq);
      task.holder = null;
      if (task.done()) continue;
      const status = r[i + 1];
      const value = r[i + 2];
      if (status === ST_OK) task.setResult(value);
      else if (status === ST_ERROR)
        task.setException(deserializeError(value as SerializedError, this.#cfg.resolveErrorClass));
      else if (status === ST_CHUNK_ERROR) {
        const [results, error] = value as [unknown[], SerializedError];
        task.setResult(new ChunkFailure(results, deserializeError(error, this.#cfg.resolveErrorClass)));
      } else if (status === ST_SKIPPED) {
        // Cancelled before it started: already settled here.
      }
    }
    w.adapt(r.length / 3, performance.now());
    if (w.inflight.size === 0) {
      w.handle.unref();
      const max = this.#cfg.maxTasksPerChild;
      if (w.retiring || (max !== null && w.assigned >= max)) this.#retire(w, true);
    }
    if (this.#queue.size > 0) this.#schedule();
  }

  /** Take a worker out of service; `now` kills it at once (it holds nothing worth waiting for). */
  #retire(w: WorkerSlot, now: boolean): void {
    w.retiring = true;
    if (now || w.inflight.size === 0) {
      w.deliberate = true;
      w.handle.kill();
    }
  }

  #onExit(w: WorkerSlot, exitCode: number | null, signal: string | null): void {
    if (!this.#workers.delete(w)) return;
    if (!w.ready) this.#starting--;
    const { held, requeue } = w.release();
    if (!w.deliberate && !w.ready && !this.broken) {
      this.#break(
        this.#cfg.makeBroken(
          `A worker exited during start-up (exit code ${exitCode}${signal ? `, ${signal}` : ""}): the executor is broken.`,
        ),
      );
    }
    const info = { exitCode, signal, pid: w.handle.pid };
    for (const task of held) {
      if (task.done()) continue;
      task.setException(
        new WorkerExitedError(
          info,
          w.deliberate
            ? `The worker running this task was stopped because another task on it timed out or was aborted.`
            : undefined,
        ),
      );
    }
    if (requeue.length > 0) this.#queue.pushFront(requeue);
    if (this.broken) for (const t of requeue) t.setException(this.broken);
    this.#schedule();
    if (this.#workers.size === 0 && this.#exitWaiters.length > 0) {
      const waiters = this.#exitWaiters;
      this.#exitWaiters = [];
      for (const fn of waiters) fn();
    }
  }

  #break(error: BrokenExecutorError): void {
    if (this.broken) return;
    this.broken = error;
    for (const t of this.#queue.drain()) t.setException(error);
    for (const w of this.#workers) {
      for (const t of [...w.inflight.values()]) if (!t.done()) t.setException(error);
      this.#retire(w, true);
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
