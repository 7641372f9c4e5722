/**
 * The one executor core behind threads and processes: the queue, workers' life cycle, batching
 * of messages per event-loop turn. The policies it applies are pure functions elsewhere:
 * assignment (plan.ts), crash attribution and replacement (crash.ts), results (apply-results.ts).
 */
import type { BrokenExecutorError } from "../errors.ts";
import { containsHandles } from "../sync/handle.ts";
import { CLAIM_PENDING } from "../transport/claims.ts";
import { deserializeError, type ErrorClassResolver } from "../transport/error-codec.ts";
import {
  type FnDef,
  IN_INIT,
  OUT_READY,
  type ReadyMessage,
  TASK_HANDLES,
  type WorkerMessage,
} from "../transport/protocol.ts";
import type { Transport } from "../transport/transport.ts";
import { applyResults } from "./apply-results.ts";
import { cannotStartMessage, judgeExit, startFailedMessage } from "./crash.ts";
import type { FnRegistry } from "./fn-registry.ts";
import { type PlanOptions, plan, workersToStart } from "./plan.ts";
import { RespawnGate, settleExit } from "./settle-exit.ts";
import { type AnyTask, Task, type TaskOwner } from "./task.ts";
import { TaskQueue } from "./task-queue.ts";
import { WorkerSlot, windowSlots } from "./worker-slot.ts";

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
  readonly #slots: number;
  #seq = 0;
  #starting = 0;
  #scheduled = false;
  #closed = false;
  #outstanding = 0;
  #drainWaiters: (() => void)[] = [];
  #exitWaiters: (() => void)[] = [];
  #everReady = false;
  readonly #respawn: RespawnGate;
  #respawnTimer: ReturnType<typeof setTimeout> | undefined;
  broken: BrokenExecutorError | null = null;

  constructor(cfg: EngineConfig) {
    this.#cfg = cfg;
    this.#slots = windowSlots(cfg.concurrency);
    this.#respawn = new RespawnGate(cfg.maxWorkers);
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

  /** Queued here plus sent ahead and not started (by the claim words: exact even mid-burst). */
  get queued(): number {
    let n = this.#queue.live(Number.POSITIVE_INFINITY);
    for (const w of this.#workers)
      for (const t of w.inflight.values()) if (t.state === "PENDING" && w.claimOf(t) === CLAIM_PENDING) n++;
    return n;
  }

  submit<T>(fnId: number, flags: number, args: unknown[]): Task<T> {
    if (containsHandles(args)) flags |= TASK_HANDLES;
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
    // Settled here while a worker holds it (deadline, broken executor): it must not start there.
    task.holder?.claimCancel(task);
    if (--this.#outstanding === 0) {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Fail `task` with `error`; a task its worker already started is stopped by replacing the worker. */
  expire(task: AnyTask, error: Error, asCancel: boolean): void {
    if (task.done()) return;
    const holder = task.holder as WorkerSlot | null;
    const started = holder !== null && !holder.claimCancel(task);
    if (asCancel) task.stop(error);
    else task.setException(error);
    if (started) this.#retire(holder, true);
  }

  /** Resolves when every submitted task is done. */
  drained(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** Cancel every task that has not started (sent-ahead ones too: their claim decides). */
  cancelPending(): void {
    this.#queue.forEach((t) => {
      t.cancel();
    });
    for (const w of this.#workers)
      for (const t of [...w.inflight.values()]) if (t.state === "PENDING") t.cancel();
  }

  /** Stop every task (queued or running) with `error`. */
  stopAll(error: Error): void {
    for (const t of this.#queue.drain()) t.stop(error);
    for (const w of this.#workers) for (const t of [...w.inflight.values()]) t.stop(error);
  }

  /** End all workers and start no more; resolves when they have exited. */
  terminate(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#respawnTimer);
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
    if (this.broken) return;
    const { maxWorkers, concurrency, maxTasksPerChild } = this.#cfg;
    const workers = [...this.#workers];
    const views = workers.map((w) => ({
      open: w.ready && !w.retiring,
      inflight: w.inflight.size,
      depth: w.depth,
      room: Math.min(w.freeSlots, maxTasksPerChild === null ? w.freeSlots : maxTasksPerChild - w.assigned),
    }));
    const options: PlanOptions = {
      maxWorkers,
      concurrency,
      workers: workers.length,
      starting: this.#starting,
    };
    for (const [i, n] of plan(views, this.#queue.size, options))
      (workers[i] as WorkerSlot).load(this.#queue, n, this.#cfg.registry.defs);
    this.#queue.compact();
    if (this.#closed) return;
    let toStart = workersToStart(this.#queue.live(maxWorkers * concurrency + 1), options);
    if (toStart === 0) return;
    const wait = this.#respawn.waitMs(performance.now());
    if (wait > 0) {
      this.#respawnTimer ??= setTimeout(() => {
        this.#respawnTimer = undefined;
        this.#schedule();
      }, wait);
      return;
    }
    while (toStart-- > 0) this.#spawn();
  };

  #spawn(): void {
    const w = new WorkerSlot(this.#slots);
    this.#starting++;
    this.#workers.add(w);
    w.handle = this.#cfg.transport(
      {
        onMessage: (msg) => this.#onMessage(w, msg),
        onExit: (code, signal) => this.#onExit(w, code, signal),
      },
      this.#slots,
    );
    const { moduleUrl, initializer, initargs, concurrency } = this.#cfg;
    w.handle.send({
      k: IN_INIT,
      module: moduleUrl,
      initializer,
      initargs,
      concurrency,
      claims: w.handle.claims.init,
    });
  }

  #onMessage(w: WorkerSlot, msg: WorkerMessage): void {
    if (msg.k === OUT_READY) {
      this.#onReady(w, msg);
      return;
    }
    w.adapt(applyResults(w, msg, this.#cfg.resolveErrorClass), performance.now());
    if (w.inflight.size === 0) {
      w.handle.unref();
      const max = this.#cfg.maxTasksPerChild;
      if (w.retiring || (max !== null && w.assigned >= max)) this.#retire(w, true);
    }
    if (this.#queue.size > 0) this.#schedule();
  }

  #onReady(w: WorkerSlot, msg: ReadyMessage): void {
    this.#starting--;
    w.ready = true;
    if (msg.error) {
      const cause = deserializeError(msg.error, this.#cfg.resolveErrorClass);
      this.#break(this.#cfg.makeBroken(startFailedMessage(msg.stage ?? "module", cause), cause));
      return;
    }
    this.#everReady = true;
    w.handle.unref();
    this.#schedule();
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
    const verdict = judgeExit({
      deliberate: w.deliberate,
      ready: w.ready,
      everReady: this.#everReady,
      exitCode,
      signal,
    });
    if (verdict === "broken") this.#break(this.#cfg.makeBroken(cannotStartMessage(exitCode)));
    else if (verdict === "replace") this.#respawn.noteDeath(performance.now());
    const requeue = settleExit(w, exitCode, signal);
    if (this.broken) for (const t of requeue) t.setException(this.broken);
    else if (requeue.length > 0) this.#queue.pushFront(requeue);
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
    for (const t of this.#queue.drain()) if (!t.done()) t.setException(error);
    for (const w of this.#workers) {
      for (const t of [...w.inflight.values()]) if (!t.done()) t.setException(error);
      this.#retire(w, true);
    }
  }
}
