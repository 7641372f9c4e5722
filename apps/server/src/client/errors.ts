/** The client's errors (no server dependency: @conc/server/client stays light). */
import { TRPCClientError } from "@trpc/client";
import type { WireErrorData } from "../wire.ts";

/** The client lost its server: each pending remote future fails with this. */
export class RemoteConnectionError extends Error {
  override name = "RemoteConnectionError";
  readonly code = "REMOTE_CONNECTION";
  readonly url: string;
  constructor(url: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.url = url;
  }
}

/** A refused or failed call, with the server's code ("NOT_FOUND", "TOO_MANY_REQUESTS"...) and HTTP status. */
export type RemoteCallError = Error & { code: string; status: number | undefined; retryAfterMs?: number };

/** Keeps a tRPC client error's code as `code` and `status`; other errors pass unchanged. */
export function clientError(err: unknown): unknown {
  if (!(err instanceof TRPCClientError)) return err;
  const data = err.data as Partial<WireErrorData> | undefined;
  const fields: { code: string; status: number | undefined; retryAfterMs?: number } = {
    code: data?.code ?? "UNKNOWN",
    status: data?.httpStatus,
  };
  if (data?.retryAfterMs !== undefined) fields.retryAfterMs = data.retryAfterMs;
  return Object.assign(err, fields) as RemoteCallError;
}

/** True when the server answered (a refusal or a failure it reported), false for a lost connection. */
export function serverAnswered(err: unknown): boolean {
  return (
    err instanceof TRPCClientError && (err.data as Partial<WireErrorData> | undefined)?.code !== undefined
  );
}

/** What a task's future ends with when its client shut down without waiting and stopped following it. */
export function shutDownBeforeResults(url: string): RemoteConnectionError {
  return new RemoteConnectionError(
    url,
    "This RemoteExecutor was shut down before these tasks' results arrived (shutdown({ wait: false })); they may still run on the server.",
  );
}
