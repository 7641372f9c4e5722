/**
 * The one message protocol spoken between an executor and its workers, over either transport.
 * Messages are small objects with flat arrays inside so a batch of N tasks costs one message
 * and no per-task object on the wire. The layouts of those arrays are named here (TASK_FIELDS,
 * RESULT_FIELDS and their offsets); code elsewhere goes through pushTask/forEachTask and
 * pushResult/forEachResult instead of bare strides.
 */
import type { ClaimInit } from "./claims.ts";
import type { SerializedError } from "./error-codec.ts";

/** How a worker finds a task function. */
export const REF_EXPORT = 0; // payload: export name of the task module
export const REF_SOURCE = 1; // payload: function source text
export type RefKind = typeof REF_EXPORT | typeof REF_SOURCE;

/** [fnId, kind, payload]: sent once per worker before the first task that uses fnId. */
export type FnDef = [id: number, kind: RefKind, payload: string];

// Parent -> worker
export const IN_INIT = 0;
export const IN_RUN = 1;

export interface InitMessage {
  k: typeof IN_INIT;
  /** URL of the task module, if any. */
  module: string | null;
  initializer: FnDef | null;
  initargs: unknown[];
  /** Tasks a worker may run at once (async tasks interleave). */
  concurrency: number;
  /** The shared words through which tasks are claimed (see claims.ts). */
  claims: ClaimInit;
}

/** Task flags. */
export const TASK_PLAIN = 0;
/** `args` is an array of argument tuples; the result is the array of results. */
export const TASK_CHUNK = 1;
/** `args` is an array of single arguments (one per call); the result is the array of results. */
export const TASK_CHUNK_SINGLE = 2;
/** Flag bit: the args hold sync primitive handles (sync/handle.ts) for the worker to revive. */
export const TASK_HANDLES = 4;

/** Layout of one task in `RunMessage.t`. */
export const TASK_FIELDS = 5;
export const T_SEQ = 0;
/** Index of the task's claim word (claims.ts). */
export const T_SLOT = 1;
export const T_FN = 2;
export const T_FLAGS = 3;
export const T_ARGS = 4;

export function pushTask(
  t: unknown[],
  seq: number,
  slot: number,
  fnId: number,
  flags: number,
  args: unknown[],
): void {
  t.push(seq, slot, fnId, flags, args);
}

export type TaskVisitor = (seq: number, slot: number, fnId: number, flags: number, args: unknown[]) => void;

export function forEachTask(t: readonly unknown[], fn: TaskVisitor, from = 0): void {
  for (let i = from; i < t.length; i += TASK_FIELDS) {
    fn(
      t[i + T_SEQ] as number,
      t[i + T_SLOT] as number,
      t[i + T_FN] as number,
      t[i + T_FLAGS] as number,
      t[i + T_ARGS] as unknown[],
    );
  }
}

export interface RunMessage {
  k: typeof IN_RUN;
  /** Function definitions the worker has not seen yet. */
  d: FnDef[] | null;
  /** Flattened tasks, TASK_FIELDS each: seq, slot, fnId, flags, args, ... */
  t: unknown[];
  /** Positions in `t` holding JSON text instead of an args array (process IPC only). */
  j?: number[];
  /** Positions in `t` holding base64 float64 bytes of an all-number args array (process IPC only). */
  f?: number[];
}

export type ParentMessage = InitMessage | RunMessage;

// Worker -> parent
export const OUT_READY = 0;
export const OUT_RESULTS = 1;

/** Which part of a worker's start-up failed. */
export type StartStage = "module" | "initializer";

export interface ReadyMessage {
  k: typeof OUT_READY;
  /** Set when importing the module or running the initializer failed. */
  error: SerializedError | null;
  stage?: StartStage;
}

/** Result statuses. */
export const ST_OK = 0;
export const ST_ERROR = 1;
/** The task was cancelled before it started: nothing ran. */
export const ST_SKIPPED = 2;
/** A chunk failed part-way: value is [resultsBefore, error]. */
export const ST_CHUNK_ERROR = 3;

/** Layout of one result in `ResultsMessage.r`. */
export const RESULT_FIELDS = 3;
export const R_SEQ = 0;
export const R_STATUS = 1;
export const R_VALUE = 2;

export function pushResult(r: unknown[], seq: number, status: number, value: unknown): void {
  r.push(seq, status, value);
}

export type ResultVisitor = (seq: number, status: number, value: unknown) => void;

export function forEachResult(r: readonly unknown[], fn: ResultVisitor): void {
  for (let i = 0; i < r.length; i += RESULT_FIELDS)
    fn(r[i + R_SEQ] as number, r[i + R_STATUS] as number, r[i + R_VALUE]);
}

export interface ResultsMessage {
  k: typeof OUT_RESULTS;
  /** Flattened results, RESULT_FIELDS each: seq, status, value, ... */
  r: unknown[];
  /** Tasks that started and are still running. */
  s: number[] | null;
  /** Latest progress per running task, flattened: seq, value, ... (applied before `r`). */
  p?: unknown[];
  /** Positions in `r` holding JSON text instead of a result array (process IPC only). */
  j?: number[];
  /** Positions in `r` holding base64 float64 bytes of an all-number result array (process IPC only). */
  f?: number[];
}

export type WorkerMessage = ReadyMessage | ResultsMessage;
