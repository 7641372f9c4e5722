/**
 * One task the server accepted, while it is unfinished: it holds its Future and the executor that
 * can stop it.
 * When it ends the store copies what stays into a slot of its columnar ring (finished-ring.ts)
 * and drops this object (DESIGN.md: bounded memory).
 */
import {
  CancelledError,
  type ExecutorLike,
  type Future,
  type SerializedError,
  serializeError,
} from "@conc/core";
import type { DoneView, TaskState, TaskView } from "../wire.ts";

/** Epoch milliseconds with sub-millisecond precision (one clock for timestamps and durations). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

type Watcher = (rec: TaskRecord, view: DoneView) => void;

export class TaskRecord {
  startedAt: number | undefined = undefined;
  finishedAt: number | undefined = undefined;
  /** Completion order, 0 until done (subscriptions use it as their event id). */
  seq = 0;
  /** Live state only: dropped when the task ends. */
  future: Future<unknown> | undefined;
  /** The pool's executor, which stops the task if it must (ExecutorLike.stop): no AbortSignal per task. */
  owner: ExecutorLike | undefined;
  watchers: Watcher[] | undefined = undefined;
  /** Streams following this task's progress (live tasks only). */
  progressWatchers: ((rec: TaskRecord) => void)[] | undefined = undefined;
  /** Done: "FINISHED" with ok, or "CANCELLED"/"FINISHED" with the serialized error. */
  endState: "FINISHED" | "CANCELLED" | undefined = undefined;
  ok = false;
  /** The value when ok, else the serialized error. */
  outcome: unknown = undefined;
  progress: unknown = undefined;
  /** Why the server cancelled it (client cancel, drain deadline): the error callers see. */
  cancelReason: string | undefined = undefined;
  readonly submittedAt = nowMs();

  constructor(
    readonly id: string,
    readonly pool: string,
    readonly task: string,
    readonly args: unknown[],
    future: Future<unknown>,
    owner: ExecutorLike,
  ) {
    this.future = future;
    this.owner = owner;
  }

  get done(): boolean {
    return this.endState !== undefined;
  }

  get state(): TaskState {
    if (this.endState !== undefined) return this.endState;
    const s = (this.future as Future<unknown>).state;
    // Core has no start hook: stamp the start when the server first sees it running.
    if (s === "RUNNING") this.startedAt ??= nowMs();
    return s;
  }

  /** Records the outcome of the (done) future and drops the live state; returns the done view. */
  finish(seq: number): DoneView | undefined {
    const o = this.future?.peek();
    if (!o) return undefined;
    this.seq = seq;
    this.finishedAt = nowMs();
    if (o.ok) {
      this.endState = "FINISHED";
      this.ok = true;
      this.outcome = o.value;
    } else {
      this.endState = o.cancelled ? "CANCELLED" : "FINISHED";
      const reason = o.cancelled ? this.cancelReason : undefined;
      this.outcome = serializeError(reason ? new CancelledError(reason, { cause: o.error }) : o.error);
    }
    this.future = undefined;
    this.owner = undefined;
    this.progressWatchers = undefined;
    return this.view() as DoneView;
  }

  /**
   * Cancels a queued task, or stops a running one; false once done. With `queuedOnly` a task
   * that has started goes on (false): the answer is true only when it never runs.
   */
  cancel(reason: string, queuedOnly = false): boolean {
    const future = this.future;
    if (this.done || !future) return false;
    const had = this.cancelReason;
    this.cancelReason ??= reason; // read when the cancel settles the future, maybe right inside cancel()
    if (future.cancel()) return true;
    if (queuedOnly) {
      this.cancelReason = had;
      return false;
    }
    this.owner?.stop(future, reason);
    return true;
  }

  view(): TaskView {
    const p = this.progress === undefined ? {} : { progress: this.progress };
    if (this.endState === undefined) {
      return { id: this.id, state: this.state as "PENDING" | "RUNNING", done: false, ...p };
    }
    if (this.ok) return { id: this.id, state: "FINISHED", done: true, ok: true, value: this.outcome, ...p };
    return {
      id: this.id,
      state: this.endState,
      done: true,
      ok: false,
      error: this.outcome as SerializedError,
      ...p,
    };
  }
}
