/** A Future whose task runs on a conc server. */
import { Future } from "@conc/core";

export interface RemoteFutureOwner {
  cancelRemote(fut: RemoteFuture<unknown>): void;
}

export class RemoteFuture<T> extends Future<T> {
  /** Server-side task id, once the submit has been accepted. */
  id: string | undefined;

  constructor(private readonly owner: RemoteFutureOwner) {
    super();
  }

  /**
   * Cancels locally and asks the server to cancel (a queued task never runs; a running one is
   * stopped). Returns false once the result has arrived.
   */
  override cancel(): boolean {
    const wasPending = this.state === "PENDING";
    const ok = super.cancel();
    if (ok && wasPending) this.owner.cancelRemote(this as RemoteFuture<unknown>);
    return ok;
  }

  /** @internal settle as cancelled with the server's error. */
  settleCancelled(error: Error): void {
    this.forceCancel(error);
  }

  /** @internal the caller's AbortSignal fired: cancelled here at once (the server is told separately). */
  abort(error: Error): void {
    this.forceCancel(error);
  }
}
