/** Starts real servers on free ports and tears everything down after each test. */
import { Executor, ProcessPoolExecutor, ThreadPoolExecutor } from "@conc/core";
import { type ConcApp, type CreateAppOptions, createApp } from "@conc/server";
import { RemoteExecutor, type RemoteExecutorOptions } from "@conc/server/client";
import type * as Tasks from "../src/example/tasks.ts";

export const module = new URL("../src/example/tasks.ts", import.meta.url);
export const TOKEN = "test-token-0123456789";

export interface Harness {
  app: ConcApp;
  server: ReturnType<typeof Bun.serve>;
  base: string;
  url: string;
  /** The pools given to createApp (executors, or specs the app builds). */
  pools: CreateAppOptions["pools"];
  client(options?: Partial<RemoteExecutorOptions>): RemoteExecutor<typeof Tasks>;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];

export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export function start(options: Partial<CreateAppOptions> = {}): Harness {
  const pools = options.pools ?? {
    threads: new ThreadPoolExecutor({ module, maxWorkers: 2 }),
    cpu: new ProcessPoolExecutor({ module, maxWorkers: 2 }),
  };
  const app = createApp({ token: TOKEN, ...options, pools });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, websocket: app.websocket });
  const base = `http://127.0.0.1:${server.port}`;
  cleanups.push(async () => {
    await server.stop(true);
    await app.close();
    await Promise.all(
      Object.values(pools).map((p) => (p instanceof Executor ? p.terminateWorkers() : undefined)),
    );
  });
  return {
    app,
    server,
    base,
    url: `${base}/trpc`,
    pools,
    client(opts = {}) {
      const c = new RemoteExecutor<typeof Tasks>({
        url: `${base}/trpc`,
        token: TOKEN,
        pool: "threads",
        ...opts,
      });
      cleanups.push(() => c.shutdown({ wait: false }));
      return c;
    },
  };
}

/** A raw tRPC call over HTTP (so tests see status codes). */
export async function rawCall(
  base: string,
  path: string,
  input: unknown,
  kind: "query" | "mutation",
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; body: unknown }> {
  const url = `${base}/trpc/${path}`;
  const res =
    kind === "query"
      ? await fetch(`${url}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
      : await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(input),
        });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // streamed or plain text
  }
  return { status: res.status, body };
}

/** Polls `probe` until it returns something truthy, and returns that (outcome, not timing): fails after 10 s. */
export async function until<T>(probe: () => Promise<T> | T, what = "condition"): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(25);
  }
}
