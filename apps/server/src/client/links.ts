/**
 * tRPC links for RemoteExecutor, public tRPC APIs only: calls over one WebSocket when the server
 * offers it, else HTTP (bounded batches; streamed procedures on httpBatchStreamLink); subscriptions
 * over SSE with the token in a header.
 */
import {
  httpBatchLink,
  httpBatchStreamLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
  type TRPCLink,
} from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { EventSource } from "eventsource";
import type { AppRouter } from "../router/router.ts";
import type { WsResponse } from "../wire.ts";
import type { WsChannel } from "./ws-channel.ts";

/** Unbounded batches fail with HTTP 431 at a few thousand parallel calls. */
export const CLIENT_BATCH_ITEMS = 50;

/** Procedures whose result is a stream. */
const STREAMED = new Set(["submitStream", "map"]);

/** An async iterable fed by pushes: a streamed result arriving over the WebSocket. */
function pushIterable(onStop: () => void) {
  const items: unknown[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const iterable: AsyncIterableIterator<unknown> = {
    async next() {
      while (items.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      if (items.length > 0) return { done: false, value: items.shift() };
      if (failure !== undefined) throw failure;
      return { done: true, value: undefined };
    },
    async return() {
      if (!ended) onStop();
      ended = true;
      items.length = 0;
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterable;
    },
  };
  return {
    iterable,
    push(item: unknown) {
      items.push(item);
      wake?.();
    },
    end(error?: unknown) {
      ended = true;
      failure = error;
      wake?.();
    },
  };
}

/**
 * One query or mutation over an open socket: resolves with the result, or with an async iterable
 * of a streamed result's items; rejects with TRPCClientError (as the tRPC client would).
 */
export function wsRequest(
  channel: WsChannel,
  ws: WebSocket,
  type: "query" | "mutation",
  path: string,
  input: unknown,
  signal?: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let stream: ReturnType<typeof pushIterable> | undefined;
    const stop = channel.call(ws, { type, path, input }, (msg: WsResponse) => {
      if ("error" in msg) {
        const err = TRPCClientError.from({ error: msg.error } as never);
        if (stream) stream.end(err);
        else reject(err);
        return;
      }
      if ("result" in msg) {
        resolve(msg.result);
        return;
      }
      if (!stream) {
        stream = pushIterable(() => stop());
        resolve(stream.iterable);
      }
      if ("item" in msg) stream.push(msg.item);
      else stream.end();
    });
    signal?.addEventListener("abort", () => stop(), { once: true });
  });
}

/** Carries queries and mutations over the channel's WebSocket; forwards to the next link when it has none. */
function wsLink(channel: WsChannel): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let cancelled = false;
        let forwarded: { unsubscribe(): void } | undefined;
        const abort = new AbortController();
        const run = (ws: WebSocket | null) => {
          if (cancelled) return;
          if (!ws || op.type === "subscription") {
            forwarded = next(op).subscribe(observer);
            return;
          }
          op.signal?.addEventListener("abort", () => abort.abort(), { once: true });
          wsRequest(channel, ws, op.type as "query" | "mutation", op.path, op.input, abort.signal).then(
            (data) => {
              observer.next({ result: { type: "data", data } });
              observer.complete();
            },
            (err) => observer.error(err),
          );
        };
        const ws = channel.connect();
        if (ws instanceof Promise) void ws.then(run);
        else run(ws);
        return () => {
          cancelled = true;
          forwarded?.unsubscribe();
          if (!STREAMED.has(op.path)) abort.abort();
        };
      });
}

export function createLinks(
  url: string,
  token: string | undefined,
  channel: WsChannel | undefined,
  fetchImpl: typeof fetch = fetch,
): TRPCLink<AppRouter>[] {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const http = splitLink<AppRouter>({
    condition: (op) => STREAMED.has(op.path),
    true: httpBatchStreamLink({ url, headers: () => auth, maxItems: 1, fetch: fetchImpl as never }),
    false: httpBatchLink({
      url,
      headers: () => auth,
      maxItems: CLIENT_BATCH_ITEMS,
      fetch: fetchImpl as never,
    }),
  });
  return [
    splitLink({
      condition: (op) => op.type === "subscription",
      // EventSource in browsers cannot send headers, and connectionParams land in the URL:
      // the `eventsource` package's fetch hook keeps the token in a header.
      true: httpSubscriptionLink({
        url,
        EventSource,
        eventSourceOptions: () => ({
          fetch: (input: string | URL, init?: RequestInit) => {
            const headers = new Headers(init?.headers);
            for (const [k, v] of Object.entries(auth)) headers.set(k, v);
            return fetchImpl(input, { ...init, headers });
          },
        }),
      }),
      false: channel ? [wsLink(channel), http] : http,
    }),
  ];
}
