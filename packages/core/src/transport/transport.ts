/** One interface over every kind of worker: Bun Worker threads, Bun.spawn processes, in-memory (tests). */
import type { ClaimBoard } from "./claims.ts";
import type { ParentMessage, WorkerMessage } from "./protocol.ts";

export interface WorkerEvents {
  onMessage(msg: WorkerMessage): void;
  /** The worker ended. `signal` is a name like "SIGKILL" or null. */
  onExit(exitCode: number | null, signal: string | null): void;
}

export interface WorkerHandle {
  /** OS process id (processes) or undefined (threads). */
  readonly pid: number | undefined;
  /** The claim words shared with this worker (one per window slot). */
  readonly claims: ClaimBoard;
  /** Throws when the message cannot be cloned. */
  send(msg: ParentMessage): void;
  /** Keep the program alive while this worker holds work. */
  ref(): void;
  /** Let the program exit while this worker idles. */
  unref(): void;
  /** End the worker now. */
  kill(): void;
}

/** Starts a worker with `slots` claim words. */
export type Transport = (events: WorkerEvents, slots: number) => WorkerHandle;
