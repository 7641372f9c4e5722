/**
 * Errors of the sync primitives, named like Python's where Python has one (queue.Empty, queue.Full,
 * threading.BrokenBarrierError). Re-exported from @conc/core. Registered with the error codec, so one thrown in a
 * worker reaches the caller as the same class.
 */
import { registerErrorClasses } from "../transport/error-codec.ts";

/** `Queue.get` found nothing (non-blocking, or nothing arrived before the timeout). */
export class Empty extends Error {
  override name = "Empty";
  readonly code = "EMPTY";
  constructor(message = "The queue is empty.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** `Queue.put` found the queue full (non-blocking, or no room before the timeout). */
export class Full extends Error {
  override name = "Full";
  readonly code = "FULL";
  constructor(message = "The queue is full.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** The barrier was aborted, reset while waited on, or a wait timed out. */
export class BrokenBarrierError extends Error {
  override name = "BrokenBarrierError";
  readonly code = "BROKEN_BARRIER";
  constructor(
    message = "The barrier is broken: it was aborted, reset, or a wait timed out.",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** `release()` of a lock this caller does not hold (Python: RuntimeError), or a Condition used without its lock. */
export class LockNotHeldError extends Error {
  override name = "LockNotHeldError";
  readonly code = "LOCK_NOT_HELD";
}

/** A BoundedSemaphore released more times than it was acquired (Python: ValueError). */
export class SemaphoreOverReleaseError extends Error {
  override name = "SemaphoreOverReleaseError";
  readonly code = "SEMAPHORE_OVER_RELEASE";
  readonly limit: number;
  constructor(limit: number) {
    super(`BoundedSemaphore released too many times: its value would exceed ${limit}.`);
    this.limit = limit;
  }
}

/**
 * The thread or process holding the lock ended without releasing it. The lock has been freed (so nobody
 * waits forever); what it guarded may be half-updated. Call `acquire()` again to take it.
 */
export class LockOwnerDiedError extends Error {
  override name = "LockOwnerDiedError";
  readonly code = "LOCK_OWNER_DIED";
  /** Thread id (the pid for a process's main thread) of the dead holder. */
  readonly ownerTid: number;
  constructor(ownerTid: number) {
    super(
      `The holder of this lock (thread/process id ${ownerTid}) ended without releasing it. The lock is free again; check the state it guards, then acquire() again.`,
    );
    this.ownerTid = ownerTid;
  }
}

/** A primitive used after `close()` (Python: ValueError "... is closed"). */
export class SyncClosedError extends Error {
  override name = "SyncClosedError";
  readonly code = "SYNC_CLOSED";
  constructor(what: string) {
    super(`This ${what} was closed: make a new one, or close it only when no one uses it any more.`);
  }
}

registerErrorClasses(
  Empty,
  Full,
  BrokenBarrierError,
  LockNotHeldError,
  SemaphoreOverReleaseError,
  LockOwnerDiedError,
  SyncClosedError,
);
