/** The tRPC instance: no stacks and readable validation messages for clients. */
import { initTRPC } from "@trpc/server";
import { ZodError, z } from "zod";

/** Keep well inside Bun.serve's default 10 s idleTimeout, which would cut a quiet SSE stream. */
export const SSE_PING_MS = 3000;

export function createTRPC(maxStreamMs: number) {
  return initTRPC.create({
    // Streamed responses (submitStream, map) ping too, so a long task never idles a connection out.
    jsonl: { pingMs: SSE_PING_MS },
    sse: {
      ping: { enabled: true, intervalMs: SSE_PING_MS },
      maxDurationMs: maxStreamMs,
      client: { reconnectAfterInactivityMs: SSE_PING_MS * 3 },
    },
    errorFormatter({ shape, error }) {
      const zod = error.cause instanceof ZodError ? z.prettifyError(error.cause) : undefined;
      const message = error.code === "INTERNAL_SERVER_ERROR" ? "Internal error." : (zod ?? shape.message);
      // Never send server stacks.
      return { ...shape, message, data: { code: shape.data.code, httpStatus: shape.data.httpStatus } };
    },
  });
}
