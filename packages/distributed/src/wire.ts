/** What a job carries (client → node) and what a failed job leaves in its hash (node → client). */
import type { SerializedError } from "@conc/core";

/** Plain task: `a` is the encoded argument tuple. */
export const KIND_PLAIN = 0;
/** Map chunk: `a` is a list of encoded argument tuples. */
export const KIND_TUPLES = 1;
/** Map chunk over one iterable: `a` is a list of encoded single arguments. */
export const KIND_SINGLES = 2;
export type JobKind = typeof KIND_PLAIN | typeof KIND_TUPLES | typeof KIND_SINGLES;

export interface JobData {
  /** Export name of the task. */
  f: string;
  /** Encoded arguments (see JobKind). */
  a: unknown[];
  /** JobKind; absent = plain. */
  k?: JobKind;
}

/** The `concErr` field of a failed job: conc's serialized error and, for a map chunk, the results before it. */
export interface FailurePayload {
  e: SerializedError;
  /** Results of the chunk's items before the failing one. */
  r?: unknown[];
}

/** BullMQ's failedReason for a job whose node stopped renewing its lock (maxStalledCount 0). */
export const STALLED_REASON = "job stalled more than allowable limit";

/**
 * The failedReason a node gives a job whose claim a client had already taken (cancelled before it
 * started): the task never ran, so the client's future ends CANCELLED, whichever it hears first —
 * this event or its own claim's answer.
 */
export const NOT_STARTED_REASON = "cancelled before it started";
