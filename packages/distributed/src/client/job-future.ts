/** A core Future whose cancel and stop reach the job in Redis. */
import { Future } from "@conc/core";

export class JobFuture<T = unknown> extends Future<T> {
  /** Called after cancel() turned a PENDING future CANCELLED: make sure the job never runs. */
  onCancel: (() => void) | undefined;
  /** Called once when the future becomes done, however that happened. */
  onDone: (() => void) | undefined;

  override cancel(): boolean {
    const pending = this.state === "PENDING";
    const ok = super.cancel();
    if (ok && pending) this.onCancel?.();
    return ok;
  }

  /** Cancels even a RUNNING future (its task is being stopped); false when already done. */
  stop(error: Error): boolean {
    return this.forceCancel(error);
  }

  protected override onSettled(): void {
    this.onDone?.();
  }
}
