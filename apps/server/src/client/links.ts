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

/** Carries queries and mutations over the channel's WebSocket; forwards to the next link when it has none. */
function wsLink(channel: WsChannel): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let stop: (() => void) | undefined;
        let cancelled = false;
        let forwarded: { unsubscribe(): void } | undefined;
        const run = (ws: WebSocket | null) => {
          if (cancelled) return;
          if (!ws || op.type === "subscription") {
            forwarded = next(op).subscribe(observer);
            return;
          }
          let stream: ReturnType<typeof pushIterable> | undefined;
          const onMessage = (msg: WsResponse) => {
            if ("error" in msg) {
              const err = TRPCClientError.from({ error: msg.error } as never);
              if (stream) stream.end(err);
              else observer.error(err);
              return;
            }
            if ("result" in msg) {
              observer.next({ result: { type: "data", data: msg.result } });
              observer.complete();
              return;
            }
            if (!stream) {
              stream = pushIterable(() => stop?.());
              observer.next({ result: { type: "data", data: stream.iterable } });
              observer.complete();
            }
            if ("item" in msg) stream.push(msg.item);
            else stream.end();
          };
          stop = channel.call(
            ws,
            { type: op.type as "query" | "mutation", path: op.path, input: op.input },
            onMessage,
          );
          op.signal?.addEventListener("abort", () => stop?.(), { once: true });
        };
        const ws = channel.connect();
        if (ws instanceof Promise) void ws.then(run);
        else run(ws);
        return () => {
          cancelled = true;
          forwarded?.unsubscribe();
          // A streamed result outlives its observable: only its iterable's return() stops it.
          if (!STREAMED.has(op.path)) stop?.();
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
