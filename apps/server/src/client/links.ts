/** tRPC links for RemoteExecutor: bounded batches, a streaming link for map, SSE with the token in a header. */
import { httpBatchLink, httpSubscriptionLink, splitLink, type TRPCLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../router/router.ts";
import { directStreamLink } from "./stream-link.ts";

/** Unbounded batches fail with HTTP 431 at a few thousand parallel calls. */
export const CLIENT_BATCH_ITEMS = 50;

export function createLinks(
  url: string,
  token: string | undefined,
  fetchImpl: typeof fetch = fetch,
): TRPCLink<AppRouter>[] {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
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
      false: splitLink({
        condition: (op) => op.path === "map" || op.path === "submitStream",
        // One request each, POST even for the map query (its items never fit in a URL).
        true: directStreamLink({ url, headers: () => auth, fetch: fetchImpl }),
        false: httpBatchLink({
          url,
          headers: () => auth,
          maxItems: CLIENT_BATCH_ITEMS,
          fetch: fetchImpl as never,
        }),
      }),
    }),
  ];
}
