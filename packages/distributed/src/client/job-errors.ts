/** What a finished-badly job becomes on the client: pure translation from Redis's words to errors. */
import {
  CancelledError,
  ChunkFailure,
  deserializeError,
  type ErrorClassResolver,
  type SerializedError,
  WorkerExitedError,
} from "@conc/core";
import { decode } from "../codec.ts";
import type { FailurePayload } from "../wire.ts";

/**
 * A failed job's error: conc's serialized error from the node (class, fields, cause, worker stack;
 * a map chunk's results before the failing item ride in a ChunkFailure), or BullMQ's reason alone
 * when the node wrote none. A task may throw a non-Error: that value comes back as it was.
 */
export function failureOf(
  reason: string,
  errorJson: string | null,
  chunk: boolean,
  resolve: ErrorClassResolver,
): unknown {
  if (errorJson === null) return new Error(`The job failed on its worker node: ${reason}`);
  const payload = decode(JSON.parse(errorJson)) as FailurePayload;
  const error = deserializeError(payload.e as SerializedError, resolve);
  return chunk && payload.r ? new ChunkFailure(payload.r, error) : error;
}

/** The job's node stopped renewing its lock, and no re-run was asked for. */
export function stalledError(id: string): WorkerExitedError {
  return new WorkerExitedError(
    { exitCode: null, signal: null },
    `The worker node running job ${id} stopped renewing its lock (it died, or lost Redis) before the task ` +
      "finished. The task was not re-run; pass `retries` to re-run it on another node.",
  );
}

/** Somebody else removed the job from the queue. */
export function removedError(id: string): CancelledError {
  return new CancelledError(`The job ${id} was removed from the queue (by another client or an admin).`);
}

/** cancel() came after the send, and no node had taken the job yet: it was removed before it started. */
export function notStartedError(id: string): CancelledError {
  return new CancelledError(`Cancelled: no node had taken job ${id} yet, so it was removed from the queue.`);
}
