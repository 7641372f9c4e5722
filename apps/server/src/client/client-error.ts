import type { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../router/router.ts";

/** A tRPC client error with its code kept as `code` (e.g. "NOT_FOUND", "TOO_MANY_REQUESTS") and `status`. */
export function clientError(err: TRPCClientError<AppRouter>): Error {
  const code = (err.data as { code?: string } | undefined)?.code ?? "UNKNOWN";
  const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
  return Object.assign(err, { code, status });
}
