/** Errors of @conc/server and its client, and the one table that turns errors into tRPC codes. */
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

/** createApp/serve was given a configuration it cannot run safely. */
export class ServerConfigError extends Error {
  override name = "ServerConfigError";
  readonly code = "SERVER_CONFIG";
}

/** The client lost its server (defined with the client, which must not import server code). */
export { RemoteConnectionError } from "./client/errors.ts";

/** A pool had no room (429): resend after `retryAfterMs`. */
export class PoolBusyError extends TRPCError {
  readonly retryAfterMs: number;
  constructor(message: string, retryAfterMs: number) {
    super({ code: "TOO_MANY_REQUESTS", message });
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Error `code` (or, for core errors without one, class name) → tRPC code. Anything not listed is
 * a server fault: INTERNAL_SERVER_ERROR with a generic message, details logged under an error id.
 */
export const TRPC_CODE_OF: Readonly<Record<string, TRPC_ERROR_CODE_KEY>> = {
  ExecutorShutdownError: "SERVICE_UNAVAILABLE",
  EXECUTOR_SHUTDOWN: "SERVICE_UNAVAILABLE",
  BrokenExecutorError: "SERVICE_UNAVAILABLE",
  BrokenThreadPoolError: "SERVICE_UNAVAILABLE",
  BrokenProcessPoolError: "SERVICE_UNAVAILABLE",
  BROKEN_EXECUTOR: "SERVICE_UNAVAILABLE",
  TimeoutError: "TIMEOUT",
  TIMEOUT: "TIMEOUT",
  CancelledError: "CLIENT_CLOSED_REQUEST",
  CANCELLED: "CLIENT_CLOSED_REQUEST",
  // Core's input validation (ArgumentTypeError / ArgumentRangeError).
  ERR_INVALID_ARG_TYPE: "BAD_REQUEST",
  ERR_OUT_OF_RANGE: "BAD_REQUEST",
};

const MESSAGE_OF: Partial<Record<TRPC_ERROR_CODE_KEY, (err: Error) => string>> = {
  SERVICE_UNAVAILABLE: (err) =>
    err.name === "ExecutorShutdownError"
      ? "The pool is shutting down: retry on another server."
      : `The pool cannot run work: ${err.message}`,
};

function codeOf(err: Error): TRPC_ERROR_CODE_KEY | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && Object.hasOwn(TRPC_CODE_OF, code)) return TRPC_CODE_OF[code];
  return Object.hasOwn(TRPC_CODE_OF, err.name) ? TRPC_CODE_OF[err.name] : undefined;
}

/** Maps any error to the tRPC error a client sees (never a server stack or an internal message). */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  const code = err instanceof Error ? codeOf(err) : undefined;
  if (code === undefined || !(err instanceof Error)) {
    return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error.", cause: err });
  }
  return new TRPCError({ code, message: MESSAGE_OF[code]?.(err) ?? err.message, cause: err });
}

/** A short id that ties a client's "internal error" to the server log line. */
export function newErrorId(): string {
  return crypto.randomUUID().slice(0, 8);
}
