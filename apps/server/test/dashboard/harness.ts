/** A conc server (createApp) with an admin and a read token, on a free port; logins; cleanup. */
import { ThreadPoolExecutor } from "@conc/core";
import { type ConcApp, type CreateAppOptions, createApp } from "@conc/server";
import { RemoteExecutor } from "@conc/server/client";
import type * as Tasks from "../../src/dashboard/tools/demo-tasks.ts";

export const module = new URL("../../src/dashboard/tools/demo-tasks.ts", import.meta.url);
export const ADMIN = "admin-token-0123456789";
export const READ = "read-token-0123456789";
export const HEADER = { "x-conc-dashboard": "1" };

export interface DashServer {
  app: ConcApp;
  server: ReturnType<typeof Bun.serve>;
  base: string;
  /** A RemoteExecutor on `pool` (default "threads"), shut down by cleanup() (or by the test, with `owned: true`). */
  client(opts?: { owned?: boolean; pool?: string }): RemoteExecutor<typeof Tasks>;
  /** Stops the HTTP server and the app, keeping the pools (for restart tests). */
  stopServer(): Promise<void>;
}

const cleanups: (() => Promise<unknown> | unknown)[] = [];

export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export function startServer(
  opts: {
    port?: number;
    /** Default: one thread pool "threads" (terminated by cleanup); given pools belong to the caller. */
    pools?: CreateAppOptions["pools"];
    corsOrigins?: string[];
    open?: boolean;
  } = {},
): DashServer {
  const threads = opts.pools ? undefined : new ThreadPoolExecutor({ module, maxWorkers: 2 });
  const pools = opts.pools ?? { threads: threads as ThreadPoolExecutor };
  const app = createApp({
    pools,
    corsOrigins: opts.corsOrigins,
    tokens: opts.open
      ? []
      : [
          { token: ADMIN, role: "admin" },
          { token: READ, role: "read" },
        ],
  });
  const server = Bun.serve({
    port: opts.port ?? 0,
    hostname: "127.0.0.1",
    fetch: app.fetch,
    idleTimeout: 30,
  });
  const base = `http://127.0.0.1:${server.port}`;
  let stopped = false;
  const stopServer = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop(true);
    await app.close();
  };
  if (threads) cleanups.push(() => threads.terminateWorkers());
  cleanups.push(stopServer);
  return {
    app,
    server,
    base,
    stopServer,
    client(o = {}) {
      const c = new RemoteExecutor<typeof Tasks>({
        url: `${base}/trpc`,
        token: ADMIN,
        pool: o.pool ?? "threads",
      });
      if (!o.owned) cleanups.push(() => c.shutdown({ wait: false }));
      return c;
    },
  };
}

/** Logs in over HTTP; returns the Cookie header value. */
export async function login(base: string, token: string): Promise<string> {
  const res = await fetch(`${base}/dashboard/api/login`, {
    method: "POST",
    headers: { ...HEADER, "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  if (res.status !== 200) throw new Error(`login answered ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0] as string;
}
