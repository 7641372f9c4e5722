/** Applies a worker's results message to the tasks its worker holds. */
import { deserializeError, type ErrorClassResolver, type SerializedError } from "../transport/error-codec.ts";
import {
  R_SEQ,
  R_STATUS,
  R_VALUE,
  RESULT_FIELDS,
  type ResultsMessage,
  ST_CHUNK_ERROR,
  ST_ERROR,
  ST_OK,
} from "../transport/protocol.ts";
import { ChunkFailure } from "./chunk.ts";
import type { WorkerSlot } from "./worker-slot.ts";

/** Marks started tasks RUNNING and settles answered ones; returns how many were answered. */
export function applyResults(w: WorkerSlot, msg: ResultsMessage, resolve: ErrorClassResolver): number {
  if (msg.s) for (const seq of msg.s) w.inflight.get(seq)?.markRunning();
  // Progress first: a task's last value arrives before its result.
  const p = msg.p;
  if (p) {
    for (let i = 0; i < p.length; i += 2) {
      const task = w.inflight.get(p[i] as number);
      if (!task || task.done()) continue;
      task.markRunning();
      task.setProgress(p[i + 1]);
    }
  }
  const r = msg.r;
  // A plain loop over the named layout (the hot path: one iteration per task).
  for (let i = 0; i < r.length; i += RESULT_FIELDS) {
    const task = w.inflight.get(r[i + R_SEQ] as number);
    if (!task) continue;
    w.letGo(task);
    // Settled here meanwhile (a timeout, say): the late answer is dropped. ST_SKIPPED: cancelled, nothing ran.
    if (task.done()) continue;
    const status = r[i + R_STATUS];
    const value = r[i + R_VALUE];
    if (status === ST_OK) task.setResult(value);
    else if (status === ST_ERROR) task.setException(deserializeError(value as SerializedError, resolve));
    else if (status === ST_CHUNK_ERROR) {
      const [results, error] = value as [unknown[], SerializedError];
      task.setException(new ChunkFailure(results, deserializeError(error, resolve)));
    }
  }
  return r.length / RESULT_FIELDS;
}
