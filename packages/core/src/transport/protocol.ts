/**
 * The one message protocol spoken between an executor and its workers, over either transport.
 * Messages are small objects with flat arrays inside so a batch of N tasks costs one message
 * and no per-task object on the wire.
 */
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
export const IN_CANCEL = 2;

export interface InitMessage {
  k: typeof IN_INIT;
  /** URL of the task module, if any. */
  module: string | null;
  initializer: FnDef | null;
  initargs: unknown[];
  /** Tasks a worker may run at once (async tasks interleave). */
  concurrency: number;
}

/** Task flags. */
export const TASK_PLAIN = 0;
/** `args` is an array of argument tuples; the result is the array of results. */
export const TASK_CHUNK = 1;
/** `args` is an array of single arguments (one per call); the result is the array of results. */
export const TASK_CHUNK_SINGLE = 2;

export interface RunMessage {
  k: typeof IN_RUN;
  /** Function definitions the worker has not seen yet. */
  d: FnDef[] | null;
  /** Flattened tasks: seq, fnId, flags, args, seq, fnId, flags, args, ... */
  t: unknown[];
  /** Positions in `t` holding JSON text instead of an args array (process IPC only). */
  j?: number[];
  /** Positions in `t` holding base64 float64 bytes of an all-number args array (process IPC only). */
  f?: number[];
}

export interface CancelMessage {
  k: typeof IN_CANCEL;
  ids: number[];
}

export type ParentMessage = InitMessage | RunMessage | CancelMessage;

// Worker -> parent
export const OUT_READY = 0;
export const OUT_RESULTS = 1;

export interface ReadyMessage {
  k: typeof OUT_READY;
  /** Set when importing the module or running the initializer failed. */
  error: SerializedError | null;
}

/** Result statuses. */
export const ST_OK = 0;
export const ST_ERROR = 1;
/** The task was cancelled before it started: nothing ran. */
export const ST_SKIPPED = 2;
/** A chunk failed part-way: value is [resultsBefore, error]. */
export const ST_CHUNK_ERROR = 3;

export interface ResultsMessage {
  k: typeof OUT_RESULTS;
  /** Flattened results: seq, status, value, ... */
  r: unknown[];
  /** Tasks that started and are still running. */
  s: number[] | null;
  /** Seq of the task that called process.exit(), sent just before the worker ends. */
  x?: number;
  /** Positions in `r` holding JSON text instead of a result array (process IPC only). */
  j?: number[];
  /** Positions in `r` holding base64 float64 bytes of an all-number result array (process IPC only). */
  f?: number[];
}

export type WorkerMessage = ReadyMessage | ResultsMessage;
