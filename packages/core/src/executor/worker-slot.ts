/** The engine's bookkeeping for one worker: its window of tasks, their claim words, its pace. */
import { CLAIM_PENDING, claimCancel } from "../transport/claims.ts";
import { type FnDef, IN_RUN, pushTask } from "../transport/protocol.ts";
import type { WorkerHandle } from "../transport/transport.ts";
import type { AnyTask, Task, TaskHolder } from "./task.ts";
import type { TaskQueue } from "./task-queue.ts";

/** Most tasks sent ahead to one worker (per unit of concurrency). */
export const MAX_DEPTH = 256;
/** How much work (ms) to keep queued inside a worker: enough to hide a round trip, small enough to balance. */
const TARGET_WINDOW_MS = 2;

/** Claim words a worker needs: the deepest window plus the tasks it runs at once. */
export function windowSlots(concurrency: number): number {
  return (MAX_DEPTH + 1) * concurrency;
}

let nextId = 0;

export class WorkerSlot implements TaskHolder {
  readonly id = nextId++;
  handle!: WorkerHandle;
  ready = false;
  /** Tasks sent to this worker and not answered yet, in the order sent. */
  readonly inflight = new Map<number, Task>();
  /** Function ids this worker has definitions for. */
  readonly known = new Set<number>();
  /** Tasks sent in total (for maxTasksPerChild). */
  assigned = 0;
  /** Takes no new work; ends when empty. */
  retiring = false;
  /** Ended on purpose (shutdown, timeout, maxTasksPerChild): its exit is not a crash. */
  deliberate = false;
  /** Tasks sent ahead per unit of concurrency, adapted to task duration. */
  depth = 1;
  #mark = 0;
  /** Free claim words (indices), used as a stack. */
  readonly #free: number[];

  constructor(readonly slots: number) {
    this.#free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  }

  /** Claim words free for more work. */
  get freeSlots(): number {
    return this.#free.length;
  }

  claimCancel(task: AnyTask): boolean {
    return task.slot < 0 || claimCancel(this.handle.claims.words, task.slot);
  }

  /** The claim word of a task this worker holds. */
  claimOf(task: AnyTask): number {
    return Atomics.load(this.handle.claims.words, task.slot);
  }

  /** Puts `task` in this worker's window (a claim word set PENDING); send it with `send`. */
  hold(task: Task): void {
    const slot = this.#free.pop();
    if (slot === undefined) throw new Error("conc internal error: a worker's window is full.");
    Atomics.store(this.handle.claims.words, slot, CLAIM_PENDING);
    task.slot = slot;
    task.holder = this;
    this.inflight.set(task.seq, task);
  }

  /** The worker answered for `task` (result or skip): its claim word is free again. */
  letGo(task: Task): void {
    this.inflight.delete(task.seq);
    task.holder = null;
    this.#free.push(task.slot);
    task.slot = -1;
  }

  /** The worker is gone: hands back every task it held (their claim words tell what ran). */
  release(): Task[] {
    const held = [...this.inflight.values()];
    this.inflight.clear();
    return held;
  }

  /** Note that work was sent while idle (starts the clock for depth adaptation). */
  markBusy(now: number): void {
    this.#mark = now;
  }

  /** Adapt the window: n results arrived now. */
  adapt(n: number, now: number): void {
    if (n === 0) return;
    const perTask = (now - this.#mark) / n;
    this.#mark = now;
    const target =
      perTask <= 0 ? MAX_DEPTH : Math.max(1, Math.min(MAX_DEPTH, Math.floor(TARGET_WINDOW_MS / perTask)));
    this.depth = target > this.depth ? Math.min(target, this.depth * 2) : target;
  }

  /** Takes up to `n` tasks from `queue` into this window and sends them in one message. */
  load(queue: TaskQueue, n: number, defsById: readonly FnDef[]): void {
    let defs: FnDef[] | null = null;
    const batch: Task[] = [];
    while (batch.length < n) {
      const task = queue.take();
      if (!task) break;
      if (!this.known.has(task.fnId)) {
        this.known.add(task.fnId);
        (defs ??= []).push(defsById[task.fnId] as FnDef);
      }
      this.hold(task);
      batch.push(task);
    }
    if (batch.length === 0) return;
    if (this.inflight.size === batch.length) {
      // Busy from idle: keep the program alive, and start the clock for depth adaptation.
      this.handle.ref();
      this.markBusy(performance.now());
    }
    this.assigned += batch.length;
    this.send(batch, defs);
  }

  /** Sends held tasks in one message. */
  send(tasks: Task[], defs: FnDef[] | null): void {
    const t: unknown[] = [];
    for (const task of tasks) pushTask(t, task.seq, task.slot, task.fnId, task.flags, task.args);
    try {
      this.handle.send({ k: IN_RUN, d: defs, t });
    } catch (err) {
      this.#sendSingly(defs, tasks, err);
    }
  }

  /** A batch failed to clone: send its tasks singly so only those with bad arguments fail. */
  #sendSingly(defs: FnDef[] | null, tasks: Task[], batchError: unknown): void {
    let pendingDefs = defs;
    for (const task of tasks) {
      const t: unknown[] = [];
      pushTask(t, task.seq, task.slot, task.fnId, task.flags, task.args);
      try {
        this.handle.send({ k: IN_RUN, d: pendingDefs, t });
        pendingDefs = null;
      } catch (err) {
        this.letGo(task);
        const why = err instanceof Error ? err.message : String(batchError);
        task.setException(
          new TypeError(
            `An argument of this task cannot be sent to a worker (${why}). Pass structured-cloneable data.`,
            { cause: err },
          ),
        );
      }
    }
    if (pendingDefs) {
      try {
        this.handle.send({ k: IN_RUN, d: pendingDefs, t: [] });
      } catch {
        for (const d of pendingDefs) this.known.delete(d[0]);
      }
    }
    if (this.inflight.size === 0) this.handle.unref();
  }
}
