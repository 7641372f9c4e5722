/** How a server's answer becomes a RemoteFuture's outcome: error classes, task ids, done views. */
import {
  BrokenExecutorError,
  BrokenProcessPoolError,
  BrokenThreadPoolError,
  CancelledError,
  deserializeError,
  type ErrorClassResolver,
  ExecutorShutdownError,
  TimeoutError,
  WorkerExitedError,
} from "@conc/core";
import type { DoneView } from "../wire.ts";
import type { RemoteFuture } from "./remote-future.ts";

/** Core's errors come back as themselves (a remote cancel is a CancelledError, a deadline a TimeoutError). */
const CORE_ERRORS = {
  CancelledError,
  TimeoutError,
  WorkerExitedError,
  BrokenExecutorError,
  BrokenThreadPoolError,
  BrokenProcessPoolError,
  ExecutorShutdownError,
};

/** Rebuilds errors by name: core's own, and the classes the caller listed (others arrive as RemoteError). */
export function errorResolver(
  errorClasses: Record<string, new (...args: never[]) => Error> | undefined,
): ErrorClassResolver {
  const classes: Record<string, unknown> = { ...CORE_ERRORS, ...errorClasses };
  return (name) =>
    Object.hasOwn(classes, name) ? (classes[name] as ReturnType<ErrorClassResolver>) : undefined;
}

/** 96 random bits, URL-safe: the id the server files the task under (resends are idempotent). */
export function newTaskId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Buffer.from(bytes).toString("base64url");
}

/** Settles `f` from the server's view of its finished task (nothing if `f` is done already). */
export function settleFromView(f: RemoteFuture<unknown>, view: DoneView, resolve: ErrorClassResolver): void {
  if (f.done()) return;
  if (view.progress !== undefined) f.setProgress(view.progress);
  if (view.ok) {
    f.setResult(view.value);
    return;
  }
  const err = deserializeError(view.error, resolve);
  if (view.state !== "CANCELLED") {
    f.setException(err);
    return;
  }
  f.settleCancelled(
    err instanceof CancelledError
      ? err
      : new CancelledError(String((err as Error)?.message ?? "Cancelled on the server."), { cause: err }),
  );
}
