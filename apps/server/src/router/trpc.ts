/** The tRPC instance: roles, no stacks, readable validation messages, error ids for server faults. */
import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import type { Role } from "../auth/token.ts";
import { newErrorId, PoolBusyError } from "../errors.ts";
import type { WireErrorData } from "../wire.ts";

/** Keep well inside Bun.serve's default 10 s idleTimeout, which would cut a quiet SSE stream. */
export const SSE_PING_MS = 3000;

/** Who is calling: set from the bearer token by the HTTP (or WebSocket) front door. */
export interface RequestContext {
  role: Role | undefined;
}

export interface WireErrorShape {
  message: string;
  code: number;
  data: WireErrorData;
}

/** The error a client sees, over HTTP and WebSocket alike: never a stack or an internal message. */
export function formatError(error: TRPCError, jsonRpcCode: number, httpStatus: number): WireErrorShape {
  const data: WireErrorData = { code: error.code, httpStatus };
  if (error instanceof PoolBusyError) data.retryAfterMs = error.retryAfterMs;
  let message = error.message;
  if (error.code === "INTERNAL_SERVER_ERROR") {
    // A server fault: the client gets an id to quote, the log gets the details.
    data.errorId = newErrorId();
    console.error(`conc server: internal error ${data.errorId}:`, error.cause ?? error);
    message = `Internal error (error id ${data.errorId}): the server log has the details.`;
  } else if (error.cause instanceof ZodError) {
    message = z.prettifyError(error.cause);
  }
  return { message, code: jsonRpcCode, data };
}

export function createTRPC(maxStreamMs: number) {
  const t = initTRPC.context<RequestContext>().create({
    // Streamed responses (submitStream, map) ping too, so a long task never idles a connection out.
    jsonl: { pingMs: SSE_PING_MS },
    sse: {
      ping: { enabled: true, intervalMs: SSE_PING_MS },
      maxDurationMs: maxStreamMs,
      client: { reconnectAfterInactivityMs: SSE_PING_MS * 3 },
    },
    errorFormatter: ({ shape, error }) => formatError(error, shape.code, shape.data.httpStatus),
  });
  /**
   * The one role check: every procedure needs a caller the front door identified, and every
   * mutation (submit, map, cancel) needs the admin role.
   */
  const procedure = t.procedure.use(({ ctx, type, next }) => {
    if (ctx.role === undefined) throw new TRPCError({ code: "UNAUTHORIZED", message: "unauthorized" });
    if (type === "mutation" && ctx.role !== "admin") {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "This token may only read: submit and cancel need an admin token.",
      });
    }
    return next();
  });
  return { t, procedure };
}
