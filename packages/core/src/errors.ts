/**
 * Every error @conc/core raises. Each has a stable `name` so it survives serialization, a
 * `code` to branch on (RemoteError keeps the remote error's own fields instead), and the
 * fields a caller needs to act on it.
 */

/** Codes carried by conc's validation errors, so callers (the server) map them without guessing. */
export const VALIDATION_CODES = ["ERR_INVALID_ARG_TYPE", "ERR_OUT_OF_RANGE"] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

/**
 * A call got an argument of the wrong type (thrown at the call site). `name` stays "TypeError"
 * (like Node's coded errors) so it rebuilds as a TypeError anywhere; `code` tells it apart.
 * @example try { ex.submit(42 as never) } catch (e) { if (isValidationError(e)) badRequest(e.message) }
 */
export class ArgumentTypeError extends TypeError {
  override name = "TypeError";
  readonly code = "ERR_INVALID_ARG_TYPE";
  /** The parameter at fault, e.g. "timeout" or "chunksize". */
  readonly argument: string | undefined;
  constructor(message: string, argument?: string, options?: ErrorOptions) {
    super(message, options);
    this.argument = argument;
  }
}

/** A call got a number outside its allowed range (thrown at the call site). */
export class ArgumentRangeError extends RangeError {
  override name = "RangeError";
  readonly code = "ERR_OUT_OF_RANGE";
  /** The parameter at fault, e.g. "maxWorkers". */
  readonly argument: string | undefined;
  constructor(message: string, argument?: string, options?: ErrorOptions) {
    super(message, options);
    this.argument = argument;
  }
}

/** True for conc's validation errors (bad input at a call site): map them to 400, never 500. */
export function isValidationError(err: unknown): err is ArgumentTypeError | ArgumentRangeError {
  return err instanceof ArgumentTypeError || err instanceof ArgumentRangeError;
}

/** The future was cancelled before it ran. `await fut.result()` rejects with this. */
export class CancelledError extends Error {
  override name = "CancelledError";
  readonly code = "CANCELLED";
  constructor(message = "The future was cancelled before it ran.", options?: ErrorOptions) {
    super(message, options);
  }
}

/** A deadline passed. Waiting with a timeout never cancels the work itself. */
export class TimeoutError extends Error {
  override name = "TimeoutError";
  readonly code = "TIMEOUT";
  readonly timeoutMs: number | undefined;
  constructor(message = "The operation timed out.", options?: ErrorOptions & { timeoutMs?: number }) {
    super(message, options);
    this.timeoutMs = options?.timeoutMs;
  }
}

/** An operation is not allowed in the future's current state (e.g. setting a result twice). */
export class InvalidStateError extends Error {
  override name = "InvalidStateError";
  readonly code = "INVALID_STATE";
}

/** The executor can no longer run work (e.g. its initializer failed). Create a new one. */
export class BrokenExecutorError extends Error {
  override name = "BrokenExecutorError";
  readonly code = "BROKEN_EXECUTOR";
}

/** A ThreadPoolExecutor is broken. */
export class BrokenThreadPoolError extends BrokenExecutorError {
  override name = "BrokenThreadPoolError";
}

/** A ProcessPoolExecutor is broken. */
export class BrokenProcessPoolError extends BrokenExecutorError {
  override name = "BrokenProcessPoolError";
}

/** Work was submitted after `shutdown()` (or to a closed Pool). */
export class ExecutorShutdownError extends Error {
  override name = "ExecutorShutdownError";
  readonly code = "EXECUTOR_SHUTDOWN";
  constructor(
    message = "Cannot submit new work after shutdown(): create a new executor.",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The worker running a task died (exit, signal, out of memory) before the task finished. */
export class WorkerExitedError extends Error {
  override name = "WorkerExitedError";
  readonly code = "WORKER_EXITED";
  readonly exitCode: number | null;
  /** Signal name such as "SIGKILL", or null. */
  readonly signal: string | null;
  readonly pid: number | undefined;
  constructor(
    info: { exitCode: number | null; signal: string | null; pid?: number | undefined },
    message?: string,
  ) {
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`;
    super(
      message ??
        `The worker${info.pid !== undefined ? ` (pid ${info.pid})` : ""} running this task ${how} before the task finished. ` +
          "The pool replaced it; resubmit the task if it is safe to run again.",
    );
    this.exitCode = info.exitCode;
    this.signal = info.signal;
    this.pid = info.pid;
  }
}

/**
 * A task failed with an error whose class could not be rebuilt on this side
 * (not a built-in and not exported by the task module). Keeps the remote name,
 * message, stack, cause and own enumerable fields.
 */
export class RemoteError extends Error {
  override name = "RemoteError";
  /** The `name` the error had where it was thrown. */
  readonly remoteName: string;
  [field: string]: unknown;
  constructor(remoteName: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.remoteName = remoteName;
    // Keep the remote name visible (`err.name === "ValidationError"`); `instanceof RemoteError` tells it apart.
    this.name = remoteName;
  }
}

/** spawn(): a process's function threw. `cause` is the original error. */
export class ProcessRaisedError extends Error {
  override name = "ProcessRaisedError";
  readonly code = "PROCESS_RAISED";
  readonly errorIndex: number;
  readonly errorPid: number | undefined;
  constructor(errorIndex: number, errorPid: number | undefined, cause: unknown) {
    const stack = cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : String(cause);
    super(`\n\n-- Process ${errorIndex} terminated with the following error:\n${stack}`, { cause });
    this.errorIndex = errorIndex;
    this.errorPid = errorPid;
  }
}

/** spawn(): a process exited with a non-zero code or was killed by a signal. */
export class ProcessExitedError extends Error {
  override name = "ProcessExitedError";
  readonly code = "PROCESS_EXITED";
  readonly errorIndex: number;
  readonly errorPid: number | undefined;
  readonly exitCode: number;
  /** Signal name such as "SIGKILL" when killed, else null. */
  readonly signalName: string | null;
  constructor(errorIndex: number, errorPid: number | undefined, exitCode: number, signalName: string | null) {
    super(
      signalName
        ? `process ${errorIndex} terminated with signal ${signalName}`
        : `process ${errorIndex} terminated with exit code ${exitCode}`,
    );
    this.errorIndex = errorIndex;
    this.errorPid = errorPid;
    this.exitCode = exitCode;
    this.signalName = signalName;
  }
}
