/** The engine's bookkeeping for one worker. */
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
}
