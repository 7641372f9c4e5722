/**
 * What the worker runtime calls on flagged task arguments. The primitives (and bun:ffi) load on first use
 * only, so workers whose tasks never get a primitive start as fast as before.
 */
import { scanForHandles } from "./handle.ts";

type SyncModule = typeof import("./index.ts");
let sync: SyncModule | undefined;

/** Replaces the handles inside `args` by live primitives (in place). */
export function reviveArgs<T>(args: T): T {
  // require() keeps this synchronous: a task starts right after its arguments are ready.
  sync ??= require("./index.ts") as SyncModule;
  return sync.reviveHandles(args);
}

/** For one-off argument lists (initargs, Process/Thread args): revive only when a handle is inside. */
export function reviveIfAny<T>(args: T): T {
  return scanForHandles(args) ? reviveArgs(args) : args;
}
