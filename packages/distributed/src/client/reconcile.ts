/** Job states read straight from their hashes, and the passes that settle jobs by them, for when the event stream cannot be trusted. */
import type { Redis } from "ioredis";
import { FIELD_ERROR, type QueueKeys } from "../keys.ts";
import type { JobSink } from "./events-hub.ts";

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

/**
 * Reads registered jobs' states from Redis and settles what the event stream did not deliver (after a
 * reconnect, a Redis restart, a gap in the trimmed stream, or as the periodic backstop).
 */
export class Reconciler {
  #running: Promise<void> | undefined;
  #again: Promise<void> | undefined;
  /** Jobs that were pending at the last sweep. */
  #older = new Set<string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: QueueKeys,
    private readonly sinks: Map<string, JobSink>,
  ) {}

  /** Every registered job, once. A call while one runs waits for a fresh pass (one that starts after the call). */
  reconcile(): Promise<void> {
    if (this.#running) {
      this.#again ??= this.#running.then(() => {
        this.#again = undefined;
        return this.reconcile();
      });
      return this.#again;
    }
    const run = (
      this.sinks.size > 0 ? this.#readAndApply([...this.sinks.keys()]) : Promise.resolve()
    ).finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  /** The backstop, once per period: jobs still pending since the last sweep are read directly. */
  sweep(): Promise<void> {
    const older = [...this.#older].filter((id) => this.sinks.has(id));
    this.#older = new Set(this.sinks.keys());
    return older.length > 0 ? this.#readAndApply(older) : Promise.resolve();
  }

  async #readAndApply(ids: string[]): Promise<void> {
    const states = await readStates(this.redis, this.keys, ids);
    for (const [i, id] of ids.entries()) this.#apply(id, states[i] as JobState);
  }

  #apply(id: string, s: JobState): void {
    const sink = this.sinks.get(id);
    if (!sink) return;
    if (s.kind === "lost") sink.lost(id);
    else if (s.kind === "completed") sink.completed(id, s.returnvalue);
    else if (s.kind === "failed") sink.failed(id, s.reason, s.errorJson);
    else if (s.kind === "stalled") sink.stalled(id);
    else if (s.kind === "active") sink.active(id);
  }
}
