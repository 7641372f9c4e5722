/**
 * What travels between the router and RemoteExecutor: plain types and constants, no runtime
 * dependency (the client imports this file, never the server's internals).
 */
import type { SerializedError } from "@conc/core";

export type TaskState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

/** What a client learns about a task: not done yet, returned, or failed/cancelled. */
export type TaskView =
  | { id: string; state: "PENDING" | "RUNNING"; done: false; progress?: unknown }
  | { id: string; state: "FINISHED"; done: true; ok: true; value: unknown; progress?: unknown }
  | {
      id: string;
      state: "FINISHED" | "CANCELLED";
      done: true;
      ok: false;
      error: SerializedError;
      progress?: unknown;
    };

/** A finished task's view. */
export type DoneView = Extract<TaskView, { done: true }>;

/** One item of a streamed map, in input order. */
export type MapItem =
  | { index: number; ok: true; value: unknown }
  | { index: number; ok: false; error: SerializedError };

/**
 * Admission of one submitted batch: `ids[i]` is the id of call i, or null when it was refused
 * (no room; resend after `retryAfterMs`). The accepted ones always come first.
 */
export interface Admitted {
  ids: (string | null)[];
  retryAfterMs?: number | undefined;
}

/**
 * Progress of unfinished tasks, `[id, value]`, coalesced (latest wins; a task's last value also
 * rides in its DoneView, so it is never lost to coalescing).
 */
export interface ProgressEvent {
  type: "progress";
  updates: [id: string, value: unknown][];
}

/**
 * Events of submitStream: the admission once, then progress of the running tasks and the
 * finished tasks' views as they end.
 */
export type StreamEvent =
  | ({ type: "admitted" } & Admitted)
  | { type: "done"; views: DoneView[] }
  | ProgressEvent;

/** Data of a `watch` event: a finished task's view, or progress of tasks still running. */
export type WatchEvent = DoneView | ProgressEvent;

/** One call of submitMany / submitStream. `id` (optional, 16 URL-safe chars) makes a resend idempotent. */
export interface WireCall {
  task: string;
  args: unknown[];
  timeoutMs?: number | undefined;
  id?: string | undefined;
}

/** Most task ids one watch subscription can follow (subscriptions travel as GET URLs). */
export const WATCH_MAX_IDS = 200;

/** A task id: 16 URL-safe characters (96 random bits). */
export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{16}$/;

/** The error data every refused call carries besides tRPC's code and HTTP status. */
export interface WireErrorData {
  code: string;
  httpStatus: number;
  retryAfterMs?: number | undefined;
  errorId?: string | undefined;
}

/**
 * The WebSocket front door (`/trpc-ws`) carries tRPC calls, one JSON message each way per event.
 * Client → server: a call, or "stop" to abort one. Server → client: a plain result, or a stream's
 * items then its end, or an error shaped like tRPC's.
 */
export type WsRequest =
  | { id: number; type: "query" | "mutation"; path: string; input: unknown }
  | { id: number; type: "stop" };

export type WsResponse =
  | { id: number; result: unknown }
  | { id: number; item: unknown }
  | { id: number; end: true }
  | { id: number; error: { message: string; code: number; data: WireErrorData } };

/** The path of the WebSocket front door, next to `/trpc`. */
export const WS_PATH = "/trpc-ws";
