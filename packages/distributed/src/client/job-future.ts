/**
 * A core Future whose cancel and stop reach the job in Redis. States follow Python's
 * ProcessPoolExecutor: PENDING while the job is only in this client (waiting for room on the nodes),
 * RUNNING once it was sent to Redis (a node may take it any moment, as a worker may take a call from
 * Python's call queue), then FINISHED or CANCELLED. So `cancel()` keeps core's promise: true only
 * when the task can never start, because its job never left this process.
 */
import { Future } from "@conc/core";

export class JobFuture<T = unknown> extends Future<T> {
  /** Called after cancel() turned a PENDING future CANCELLED (its job was never sent). */
  onCancel: (() => void) | undefined;
  /** Called when cancel() came after the send: drop the job if no node has taken it (best effort). */
  onLateCancel: (() => void) | undefined;
  /** Called once when the future becomes done, however that happened. */
  onDone: (() => void) | undefined;

  /**
   * True: the task never runs (its job never left this client). False: it is done, or its job was
   * sent — a node may already run it. A sent job that no node has taken is still dropped (best
   * effort: the future then ends CANCELLED); a running one goes on. A `signal` or `timeout` given to
   * `schedule`, or `shutdown({ cancelFutures })`, stops a running task on its node.
   */
  override cancel(): boolean {
    if (this.state === "PENDING") {
      const ok = super.cancel();
      if (ok) this.onCancel?.();
      return ok;
    }
    if (this.state === "RUNNING") this.onLateCancel?.();
    return false;
  }

  /** @internal the job is about to be sent; false when the future is done and the job must not go. */
  markSent(): boolean {
    if (this.state === "PENDING") return this.setRunningOrNotifyCancel();
    return !this.done();
  }

  /** Cancels even a RUNNING future (its task is being stopped); false when already done. */
  stop(error: Error): boolean {
    return this.forceCancel(error);
  }

  protected override onSettled(): void {
    this.onDone?.();
  }
}
