/** Errors of @conc/server and its client, and the one place core errors become tRPC codes. */
import { BrokenExecutorError, CancelledError, ExecutorShutdownError, TimeoutError } from "@conc/core";
import { TRPCError } from "@trpc/server";

/** createApp/serve was given a configuration it cannot run safely. */
export class ServerConfigError extends Error {
  override name = "ServerConfigError";
}

/** The client lost its server: each pending remote future fails with this. */
export class RemoteConnectionError extends Error {
  override name = "RemoteConnectionError";
  readonly url: string;
  constructor(url: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.url = url;
  }
}

/** Maps an error from @conc/core to the tRPC error a client sees (never with a server stack). */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (err instanceof ExecutorShutdownError) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: "The pool is shutting down: retry on another server.",
    });
  }
  if (err instanceof BrokenExecutorError) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: `The pool is broken: ${err.message}` });
  }
  if (err instanceof TimeoutError) return new TRPCError({ code: "TIMEOUT", message: err.message });
  if (err instanceof CancelledError)
    return new TRPCError({ code: "CLIENT_CLOSED_REQUEST", message: err.message });
  if (err instanceof TypeError || err instanceof RangeError) {
    return new TRPCError({ code: "BAD_REQUEST", message: err.message });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error." });
}
