/** A submitted task is its own Future: the one allocation a task costs. */
import { Future } from "../future/future.ts";

/** What a task needs from the engine that owns it. */
export interface TaskOwner {
  taskSettled(task: AnyTask): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a task of any result type (Future<T> is invariant in T)
export type AnyTask = Task<any>;

/** The worker holding a task, as the task sees it. */
export interface TaskHolder {
  readonly id: number;
  /** Swaps the task's claim word PENDING→CANCELLED; false when the worker already started it. */
  claimCancel(task: AnyTask): boolean;
}

export class Task<T = unknown> extends Future<T> {
  /** Worker holding the task (sent ahead or running), or null while queued here. */
  holder: TaskHolder | null = null;
  /** The task's claim word in its holder's window (-1 while queued here). */
  slot = -1;
  /** Times a dead worker's window gave it back unstarted. */
  requeues = 0;
  /** Deadline timer or abort listener cleanup, for `schedule`. */
  cleanup: (() => void) | null = null;

  constructor(
    readonly owner: TaskOwner,
    readonly seq: number,
    readonly fnId: number,
    readonly flags: number,
    readonly args: unknown[],
  ) {
    super();
  }

  /**
   * True means the task never starts: work already sent to a worker is claimed through shared
   * memory, so a worker running its window in one burst still sees it.
   */
  override cancel(): boolean {
    if (this.state === "PENDING" && this.holder !== null && !this.holder.claimCancel(this)) {
      // The worker won the claim: the task is running, whether or not we heard so yet.
      this.markRunning();
      return false;
    }
    return super.cancel();
  }

  /** Mark RUNNING (worker reported start); false when already cancelled here. */
  markRunning(): boolean {
    return this.state === "PENDING" ? this.setRunningOrNotifyCancel() : false;
  }

  /** Stop the task with `error` as a cancellation (abort signal, pool terminate). */
  stop(error: Error): boolean {
    return this.forceCancel(error);
  }

  protected override onSettled(): void {
    this.owner.taskSettled(this);
  }
}
