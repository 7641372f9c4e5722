/**
 * A streaming tRPC link without the batch loader. httpBatchStreamLink waits for a
 * `setTimeout(0)` before each request to gather a batch, and Bun's setTimeout(0) takes ~1.1 ms
 * (p99 ~3 ms, measured): that was most of a remote call's latency. RemoteExecutor already
 * batches submits itself, so its streamed procedures go straight to fetch. The response is
 * tRPC's JSONL stream, read with tRPC's own consumer.
 */
import { TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { jsonlStreamConsumer } from "@trpc/server/unstable-core-do-not-import";
import type { AppRouter } from "../router/router.ts";

interface Envelope {
  result?: unknown;
  error?: unknown;
}

export function directStreamLink(opts: {
  url: string;
  headers: () => Record<string, string>;
  fetch: typeof fetch;
}): TRPCLink<AppRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        const ac = new AbortController();
        const signal = op.signal ? AbortSignal.any([op.signal, ac.signal]) : ac.signal;
        let done = false;
        (async () => {
          const res = await opts.fetch(`${opts.url.replace(/\/$/, "")}/${op.path}?batch=1`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "trpc-accept": "application/jsonl",
              ...opts.headers(),
            },
            body: JSON.stringify({ 0: op.input }),
            signal,
          });
          if (!res.ok) {
            const body = (await res.json().catch(() => null)) as Envelope | Envelope[] | null;
            const env = Array.isArray(body) ? body[0] : body;
            const message = `HTTP ${res.status}`;
            throw env && "error" in env ? TRPCClientError.from(env as never) : new TRPCClientError(message);
          }
          const [head] = await jsonlStreamConsumer<Record<string, Envelope>>({
            from: res.body as never,
            formatError: ({ error }) => TRPCClientError.from({ error } as never),
            abortController: ac,
          });
          const env = await Promise.resolve(head[0] as Envelope);
          if (env && "result" in env) {
            const result = (await Promise.resolve(env.result)) as { data: unknown };
            done = true;
            observer.next({
              context: { response: res },
              result: { type: "data", data: await Promise.resolve(result.data) },
            });
            observer.complete();
            return;
          }
          throw TRPCClientError.from(env as never);
        })().catch((err) => {
          done = true;
          observer.error(TRPCClientError.from(err));
        });
        return () => {
          if (!done) ac.abort();
        };
      });
}
