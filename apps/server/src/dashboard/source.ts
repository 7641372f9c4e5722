/**
 * What the dashboard reads: the pools' counters and the retained task records. The app's task store
 * provides it (an adapter), so the dashboard never touches executors or futures itself.
 */
import type { SerializedError } from "@conc/core";

export type TaskState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

/** One pool, as the pools table shows it. `done`, `failed`, `cancelled` count since the app started. */
export interface PoolStats {
  name: string;
  kind: "threads" | "processes" | "remote" | "distributed";
  workers: number;
  maxWorkers: number;
  /** Worker nodes, for distributed pools only. */
  nodes?: number | undefined;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

/** One retained task, read-only. Times are epoch milliseconds. */
export interface TaskRecordView {
  readonly id: string;
  readonly pool: string;
  readonly task: string;
  readonly state: TaskState;
  /** Once done: true when the task returned, false when it threw, timed out or was cancelled. */
  readonly ok?: boolean | undefined;
  readonly submittedAt: number;
  readonly startedAt?: number | undefined;
  readonly finishedAt?: number | undefined;
  /** The last value the task passed to reportProgress. */
  readonly progress?: unknown;
}

/** A task with what the detail view shows: its arguments and its outcome. */
export interface TaskDetailView extends TaskRecordView {
  readonly args?: readonly unknown[] | undefined;
  readonly value?: unknown;
  readonly error?: SerializedError | undefined;
}

export interface DashboardSource {
  /** The pools, in a stable order; cheap (read about once a second). */
  pools(): PoolStats[];
  /** Every retained task, oldest submitted first. */
  records(): Iterable<TaskRecordView>;
  /** The task, or undefined when unknown or expired. */
  get(id: string): TaskDetailView | undefined;
  /** Calls `onChange` (no payload) when a task is submitted, starts, reports progress or ends; returns unsubscribe. */
  subscribe(onChange: () => void): () => void;
  /** true: cancelled (queued) or stop requested (running); false: already done; undefined: unknown. */
  cancel(id: string): boolean | undefined;
  /** Optional: how many records are retained (cheap). Lets open pages notice records that expired. */
  size?(): number;
}

/** Who is looking: `admin` may cancel, `read` only watches. */
export type Role = "admin" | "read";

export interface DashboardToken {
  token: string;
  role: Role;
}
