/** One interface over both kinds of worker: Bun Worker threads and Bun.spawn processes. */
import type { ParentMessage, WorkerMessage } from "./protocol.ts";

export interface WorkerEvents {
  onMessage(msg: WorkerMessage): void;
  /** The worker ended. `signal` is a name like "SIGKILL" or null. */
  onExit(exitCode: number | null, signal: string | null): void;
}

export interface WorkerHandle {
  /** OS process id (processes) or undefined (threads). */
  readonly pid: number | undefined;
  /** Throws when the message cannot be cloned. */
  send(msg: ParentMessage): void;
  /** Keep the program alive while this worker holds work. */
  ref(): void;
  /** Let the program exit while this worker idles. */
  unref(): void;
  /** End the worker now. */
  kill(): void;
}

export type Transport = (events: WorkerEvents) => WorkerHandle;
