/**
 * The WebSocket front door: the same tRPC procedures (same role check, zod validation, limits,
 * error table) over one persistent connection, so a single remote call costs one message each
 * way instead of an HTTP request with a streamed response (issue 14: 11× a bare round trip).
 * The token is checked once, on the upgrade request (header, never URL).
 */
import { callTRPCProcedure, getTRPCErrorFromUnknown } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { Server, ServerWebSocket, WebSocketHandler } from "bun";
import type { Role } from "../auth/token.ts";
import type { AppContext } from "../context.ts";
import { formatError } from "../router/trpc.ts";
import type { WsRequest, WsResponse } from "../wire.ts";

interface Conn {
  role: Role;
  calls: Map<number, AbortController>;
  /** Messages not yet written: a stream's items wait for its end (or the end of the tick). */
  out: string[];
  flushing: boolean;
}

export type WsHandlers = WebSocketHandler<Conn>;

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return v !== null && typeof v === "object" && Symbol.asyncIterator in v;
}

export function createWsHandlers(ctx: AppContext) {
  const open = new Set<ServerWebSocket<Conn>>();

  /** Writes what is queued: one syscall for all of it (corked). */
  function flush(ws: ServerWebSocket<Conn>): void {
    const out = ws.data.out;
    if (out.length === 0 || ws.readyState !== 1) {
      out.length = 0;
      return;
    }
    ws.data.out = [];
    if (out.length === 1) ws.send(out[0] as string);
    else
      ws.cork(() => {
        for (const m of out) ws.send(m);
      });
  }

  /**
   * A call's last message (result, end, error) leaves at once with whatever is queued before it; a
   * stream's items wait until then or the end of the tick, so a tiny task's admission, outcome and
   * end reach the client in one write.
   */
  function send(ws: ServerWebSocket<Conn>, msg: WsResponse): void {
    if (ws.readyState !== 1) return;
    ws.data.out.push(JSON.stringify(msg));
    if (!("item" in msg)) {
      flush(ws);
      return;
    }
    if (ws.data.flushing) return;
    ws.data.flushing = true;
    setImmediate(() => {
      ws.data.flushing = false;
      flush(ws);
    });
  }

  function sendError(ws: ServerWebSocket<Conn>, id: number, cause: unknown): void {
    const error = getTRPCErrorFromUnknown(cause);
    const shape = formatError(error, TRPC_ERROR_CODES_BY_KEY[error.code], getHTTPStatusCodeFromError(error));
    send(ws, { id, error: shape });
  }

  async function call(ws: ServerWebSocket<Conn>, req: Extract<WsRequest, { path: string }>): Promise<void> {
    const abort = new AbortController();
    ws.data.calls.set(req.id, abort);
    try {
      const result: unknown = await callTRPCProcedure({
        router: ctx.router,
        path: req.path,
        getRawInput: async () => req.input,
        ctx: { role: ws.data.role },
        type: req.type,
        signal: abort.signal,
        batchIndex: 0,
      });
      if (!isAsyncIterable(result)) {
        send(ws, { id: req.id, result });
        return;
      }
      for await (const item of result) {
        if (abort.signal.aborted) break;
        send(ws, { id: req.id, item });
      }
      send(ws, { id: req.id, end: true });
    } catch (err) {
      if (!abort.signal.aborted) sendError(ws, req.id, err);
    } finally {
      ws.data.calls.delete(req.id);
    }
  }

  const handlers: WsHandlers = {
    maxPayloadLength: ctx.limits.maxBodyBytes,
    open(ws) {
      open.add(ws);
    },
    message(ws, raw) {
      let req: WsRequest;
      try {
        req = JSON.parse(typeof raw === "string" ? raw : raw.toString()) as WsRequest;
      } catch {
        ws.close(1003, "malformed message: expected JSON");
        return;
      }
      if (typeof req?.id !== "number") {
        ws.close(1003, "malformed message: expected { id, type, path, input }");
        return;
      }
      if (req.type === "stop") ws.data.calls.get(req.id)?.abort();
      else if ((req.type === "query" || req.type === "mutation") && typeof req.path === "string")
        void call(ws, req);
      else sendError(ws, req.id, new Error("unknown message type"));
    },
    close(ws) {
      open.delete(ws);
      for (const c of ws.data.calls.values()) c.abort();
      ws.data.calls.clear();
    },
  };

  return {
    handlers,
    /** Upgrades an authenticated request; 426 when Bun.serve was started without `websocket: app.websocket`. */
    upgrade(req: Request, server: unknown, role: Role): Response {
      const bun = server as Server<Conn> | undefined;
      try {
        // Bun ignores the response once upgraded (as hono/bun does).
        if (bun?.upgrade?.(req, { data: { role, calls: new Map(), out: [], flushing: false } }))
          return new Response(null);
      } catch {
        // Bun.serve has no websocket handlers: fall through.
      }
      return Response.json(
        {
          error:
            "WebSocket not enabled: start Bun.serve with websocket: app.websocket (clients fall back to HTTP).",
        },
        { status: 426 },
      );
    },
    closeAll(): void {
      for (const ws of open) ws.close(1001, "server closing");
      open.clear();
    },
  };
}
