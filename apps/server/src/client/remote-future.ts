/** A Future whose task runs on a conc server. */
import { CancelledError, Future } from "@conc/core";

export interface RemoteFutureOwner {
  /** Asks the server to drop the task if it has not started there (best effort, never stops it). */
  dropIfQueued(fut: RemoteFuture<unknown>): void;
}

/**
 * States as Python's ProcessPoolExecutor gives them: PENDING while the call is only in this client;
 * RUNNING once it was sent (the server may be running it, as a call in Python's call queue may be);
 * then FINISHED or CANCELLED. So `cancel()` keeps core's promise: true only when the task can never
 * start, because it never left this process.
 */
export class RemoteFuture<T> extends Future<T> {
  /** Server-side task id, once the submit has been accepted. */
  id: string | undefined;
  /** The call is certainly not on the server: never sent, or refused for room and waiting here. */
  #local = true;
  /** cancel() came after the send: drop the task on the server once its id is known, if not started. */
  dropWanted = false;

  constructor(private readonly owner: RemoteFutureOwner) {
    super();
  }

  /**
   * True: the task never runs (it never reached the server, or the server refused it and it waited
   * here). False: it is finished, or it was sent — the server may already run it. A sent task that
   * has not started there is still dropped (best effort: the future then ends CANCELLED); a running
   * one goes on. To stop a running task, schedule it with a `signal` or a `timeout`.
   */
  override cancel(): boolean {
    if (this.state === "PENDING") return super.cancel();
    if (this.done()) return false;
    if (this.#local) return this.forceCancel(new CancelledError("Cancelled before the server took it."));
    this.owner.dropIfQueued(this as RemoteFuture<unknown>);
    return false;
  }

  /** @internal the call is about to be sent; false when it is done (cancelled) and must not go. */
  markSent(): boolean {
    if (this.state === "PENDING" && !this.setRunningOrNotifyCancel()) return false;
    if (this.done()) return false;
    this.#local = false;
    return true;
  }

  /** @internal the server refused the call for room: it waits here again, certainly not on the server. */
  markRefused(): void {
    this.#local = true;
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
