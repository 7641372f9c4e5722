/** The engine's bookkeeping for one worker. */
import { type FnDef, IN_RUN } from "../transport/protocol.ts";
import type { WorkerHandle } from "../transport/transport.ts";
import type { Task, TaskHolder } from "./task.ts";

/** Most tasks sent ahead to one worker (per unit of concurrency). */
export const MAX_DEPTH = 256;
/** How much work (ms) to keep queued inside a worker: enough to hide a round trip, small enough to balance. */
const TARGET_WINDOW_MS = 2;

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
  /** Seq of a task that called process.exit(), if the worker said so. */
  exitSeq = -1;
  /** Seq of the last task the worker reported as started. */
  lastStarted = -1;
  /** Tasks sent ahead per unit of concurrency, adapted to task duration. */
  depth = 1;
  #mark = 0;

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

  /**
   * The worker is gone: split what it held into tasks that were running there (they fail) and
   * tasks only sent ahead (they go back to the queue). Without a start notice, the first one was
   * running: a worker runs its window in order.
   */
  release(): { held: Task[]; requeue: Task[] } {
    // The crash is already explained when the task that ran is known, even if that task was
    // settled here meanwhile (cancelled too late, timed out): then nothing else is to blame.
    const explained = this.inflight.has(this.exitSeq) || this.inflight.has(this.lastStarted);
    const held: Task[] = [];
    const requeue: Task[] = [];
    for (const task of this.inflight.values()) {
      task.holder = null;
      if (task.done()) continue;
      if (task.state === "RUNNING" || task.seq === this.exitSeq) held.push(task);
      else requeue.push(task);
    }
    this.inflight.clear();
    if (!this.deliberate && !explained && held.length === 0 && requeue.length > 0)
      held.push(requeue.shift() as Task);
    return { held, requeue };
  }

  /** A batch failed to clone: send its tasks singly so only those with bad arguments fail. */
  sendSingly(defs: FnDef[] | null, t: unknown[], batchError: unknown): void {
    let pendingDefs = defs;
    for (let i = 0; i < t.length; i += 4) {
      const seq = t[i] as number;
      const task = this.inflight.get(seq) as Task;
      try {
        this.handle.send({ k: IN_RUN, d: pendingDefs, t: t.slice(i, i + 4) });
        pendingDefs = null;
      } catch (err) {
        this.inflight.delete(seq);
        task.holder = null;
        const why = err instanceof Error ? err.message : String(batchError);
        task.setException(
          new TypeError(
            `An argument of this task cannot be sent to a worker (${why}). Pass structured-cloneable data.`,
            {
              cause: err,
            },
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
