/** A submitted task is its own Future: the one allocation a task costs. */
import { Future } from "../future/future.ts";

/** What a task needs from the engine that owns it. */
export interface TaskOwner {
  taskSettled(task: AnyTask): void;
}

// biome-ignore lint/suspicious/noExplicitAny: a task of any result type (Future<T> is invariant in T)
export type AnyTask = Task<any>;

/** A worker slot as the task sees it (opaque). */
export interface TaskHolder {
  readonly id: number;
}

export class Task<T = unknown> extends Future<T> {
  /** Worker holding the task (sent ahead or running), or null while queued here. */
  holder: TaskHolder | null = null;
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
