/** A job's state read straight from its hash, for when the event stream cannot be trusted. */
import type { Redis } from "ioredis";
import { FIELD_ERROR, type QueueKeys } from "../keys.ts";

export type JobState =
  | { kind: "lost" }
  | { kind: "waiting" }
  | { kind: "active" }
  | { kind: "stalled" }
  | { kind: "completed"; returnvalue: unknown }
  | { kind: "failed"; reason: string; errorJson: string | null };

const FIELDS = ["timestamp", "finishedOn", "returnvalue", "failedReason", "processedOn", "defa", FIELD_ERROR];

/** Classifies one HMGET row of FIELDS. */
export function classify(row: (string | null)[]): JobState {
  const [timestamp, finishedOn, returnvalue, failedReason, processedOn, deferred, errorJson] = row;
  if (timestamp === null || timestamp === undefined) return { kind: "lost" };
  if (finishedOn) {
    if (
      failedReason !== null &&
      failedReason !== undefined &&
      (returnvalue === null || returnvalue === undefined)
    ) {
      return { kind: "failed", reason: failedReason, errorJson: errorJson ?? null };
    }
    return { kind: "completed", returnvalue: returnvalue ? JSON.parse(returnvalue) : null };
  }
  if (deferred) return { kind: "stalled" };
  return processedOn ? { kind: "active" } : { kind: "waiting" };
}

/** One pipeline for all `ids`. */
export async function readStates(redis: Redis, keys: QueueKeys, ids: string[]): Promise<JobState[]> {
  const pipe = redis.pipeline();
  for (const id of ids) pipe.hmget(keys.job(id), ...FIELDS);
  const replies = (await pipe.exec()) ?? [];
  return replies.map(([err, row]) => (err ? { kind: "waiting" } : classify(row as (string | null)[])));
}
