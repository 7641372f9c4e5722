/**
 * Thread transport: all-number arrays of chunk items and of results move as Float64Arrays whose
 * buffer is transferred (zero-copy) instead of structured-cloned element by element. Exact for
 * every number (-0, NaN, ±Infinity too); results are plain arrays again on receipt, listed by
 * position in `f` so a task that returns its own typed array is left alone.
 */
import {
  IN_RUN,
  OUT_RESULTS,
  type ParentMessage,
  R_STATUS,
  R_VALUE,
  RESULT_FIELDS,
  ST_OK,
  T_ARGS,
  T_FLAGS,
  TASK_CHUNK_SINGLE,
  TASK_FIELDS,
  type WorkerMessage,
} from "./protocol.ts";

/** Shorter arrays are cheaper to clone than to check. */
const MIN_LENGTH = 64;

function allNumbers(v: unknown): v is number[] {
  if (!Array.isArray(v) || v.length < MIN_LENGTH) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "number") return false;
  return true;
}

/** Parent side: single-argument chunks of numbers as transferred Float64Arrays (the worker indexes them as they are). */
export function packTasks(msg: ParentMessage): [ParentMessage, ArrayBuffer[]] {
  const transfer: ArrayBuffer[] = [];
  if (msg.k !== IN_RUN) return [msg, transfer];
  let t: unknown[] | undefined;
  for (let i = 0; i < msg.t.length; i += TASK_FIELDS) {
    const items = msg.t[i + T_ARGS];
    if (msg.t[i + T_FLAGS] !== TASK_CHUNK_SINGLE || !allNumbers(items)) continue;
    const f = new Float64Array(items);
    t ??= msg.t.slice();
    t[i + T_ARGS] = f;
    transfer.push(f.buffer);
  }
  return [t ? { ...msg, t } : msg, transfer];
}

/** Worker side: all-number results as transferred Float64Arrays, their positions in `f`. */
export function packResults(msg: WorkerMessage): [WorkerMessage, ArrayBuffer[]] {
  const transfer: ArrayBuffer[] = [];
  if (msg.k !== OUT_RESULTS) return [msg, transfer];
  const f: number[] = [];
  let r: unknown[] | undefined;
  for (let i = 0; i < msg.r.length; i += RESULT_FIELDS) {
    const v = msg.r[i + R_VALUE];
    if (msg.r[i + R_STATUS] !== ST_OK || !allNumbers(v)) continue;
    const typed = new Float64Array(v);
    r ??= msg.r.slice();
    r[i + R_VALUE] = typed;
    f.push(i + R_VALUE);
    transfer.push(typed.buffer);
  }
  return [r ? { ...msg, r, f } : msg, transfer];
}

/** Parent side, on receipt: the packed results back to plain arrays. */
export function unpackResults(msg: WorkerMessage): WorkerMessage {
  if (msg.k !== OUT_RESULTS || !msg.f) return msg;
  for (const i of msg.f) {
    const typed = msg.r[i] as Float64Array;
    const out = new Array<number>(typed.length);
    for (let k = 0; k < typed.length; k++) out[k] = typed[k] as number;
    msg.r[i] = out;
  }
  return msg;
}
