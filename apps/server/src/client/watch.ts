/**
 * Following accepted tasks over the SSE `watch` subscription, when their submitStream ended before
 * their outcomes (server stream deadline, dropped connection): resumes by event id, fails them with
 * RemoteConnectionError when the server stays unreachable.
 */
import type { TRPCClient } from "@trpc/client";
import type { AppRouter } from "../router/router.ts";
import { type DoneView, WATCH_MAX_IDS, type WatchEvent } from "../wire.ts";
import { clientError, RemoteConnectionError, shutDownBeforeResults } from "./errors.ts";
import type { Pending } from "./submitter.ts";

export interface WatchOptions {
  url: string;
  connectionTimeoutMs: number;
  settle(p: Pending, view: DoneView): void;
  subscriptions: Set<{ unsubscribe(): void }>;
}

export function watchRemote(client: TRPCClient<AppRouter>, rest: Pending[], o: WatchOptions): void {
  for (let i = 0; i < rest.length; i += WATCH_MAX_IDS) {
    watchSome(client, new Map(rest.slice(i, i + WATCH_MAX_IDS).map((p) => [p.call.id, p])), o);
  }
}

function watchSome(
  client: TRPCClient<AppRouter>,
  byId: Map<string, Pending>,
  o: WatchOptions,
  lastEventId?: string,
): void {
  let lost: ReturnType<typeof setTimeout> | undefined;
  let last = lastEventId;
  // Set once this watch is over (done, or the client shut down): tRPC may call onComplete when we
  // unsubscribe, and resubscribing then would add to the set shutdown() is walking, forever.
  let stopped = false;
  const failAll = (error: unknown) => {
    for (const p of byId.values()) if (!p.fut.done()) p.fut.setException(error);
    byId.clear();
  };
  const sub = client.watch.subscribe(
    { ids: [...byId.keys()], ...(lastEventId ? { lastEventId } : {}) },
    {
      onData: (event: { id: string; data: unknown }) => {
        last = event.id;
        const data = event.data as WatchEvent;
        if ("updates" in data) {
          for (const [id, value] of data.updates) byId.get(id)?.fut.setProgress(value);
          return;
        }
        const view = data;
        const p = byId.get(view.id);
        byId.delete(view.id);
        if (p) o.settle(p, view);
        if (byId.size === 0) done();
      },
      onError: (err) => {
        failAll(clientError(err));
        done();
      },
      onComplete: () => {
        clearTimeout(lost);
        o.subscriptions.delete(handle);
        if (stopped) return;
        // The server ends long streams (maxDurationMs): carry on where it stopped.
        for (const [id, p] of byId) if (p.fut.done()) byId.delete(id);
        if (byId.size > 0) watchSome(client, byId, o, last);
      },
      onConnectionStateChange: (state) => {
        if (state.state === "connecting" && state.error && lost === undefined) {
          lost = setTimeout(() => {
            failAll(
              new RemoteConnectionError(
                o.url,
                `Lost the connection to ${o.url} for ${o.connectionTimeoutMs} ms: the results of these tasks are unknown.`,
                { cause: state.error },
              ),
            );
            done();
          }, o.connectionTimeoutMs);
        } else if (state.state === "pending") {
          clearTimeout(lost);
          lost = undefined;
        }
      },
    },
  );
  const done = () => {
    stopped = true;
    clearTimeout(lost);
    sub.unsubscribe();
    o.subscriptions.delete(handle);
  };
  const handle = {
    /** The client shut down without waiting: these results will never arrive here. */
    unsubscribe() {
      if (stopped) return;
      failAll(shutDownBeforeResults(o.url));
      done();
    },
  };
  o.subscriptions.add(handle);
}
