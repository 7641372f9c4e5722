/** createApp: a Hono app serving tRPC at /trpc (HTTP and WebSocket), plus /healthz and /metrics. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { bearerToken, normalizeTokens, type Role, roleResolver } from "./auth/token.ts";
import type { CreateAppOptions } from "./config.ts";
import { type AppContext, createContext } from "./context.ts";
import { createDashboard } from "./dashboard/create-dashboard.ts";
import { drainApp } from "./limits/drain.ts";
import { hostChecker } from "./limits/host.ts";
import type { AppRouter } from "./router/router.ts";
import { dashboardSource } from "./store/dashboard-source.ts";
import { createWsHandlers, type WsHandlers } from "./ws/ws-server.ts";

export interface DrainResult {
  /** Tasks and maps cancelled at the deadline (0 when everything finished in time). */
  cancelled: number;
}

export interface ConcApp extends Hono<{ Variables: { role: Role } }> {
  /** The tRPC router (for tests and tooling). */
  readonly trpcRouter: AppRouter;
  /** What the app runs on (store, registry, limits...), for the dashboard and tests. */
  readonly context: AppContext;
  /**
   * WebSocket handlers for `Bun.serve({ fetch: app.fetch, websocket: app.websocket })`: RemoteExecutor
   * then carries tRPC over one persistent connection (lower latency); without them it uses HTTP.
   */
  readonly websocket: WsHandlers;
  /**
   * Stop admitting (503), let work finish until `limits.drainTimeoutMs`, then cancel what is left
   * (its callers get CancelledError saying why). Resolves once nothing is held.
   */
  drain(options?: { timeoutMs?: number }): Promise<DrainResult>;
  /**
   * Resolves once every pool is up (pools built from specs: @conc/distributed imported, executor
   * created); rejects with ServerConfigError when one cannot be built. Work sent before waits anyway.
   */
  ready(): Promise<void>;
  /**
   * Stop timers (after drain) and shut down the pools the app built from specs (distributed);
   * resolves when they are. Executors you passed are yours: they are left running.
   */
  close(): Promise<void>;
}

/**
 * @example
 * const app = createApp({ pools: { cpu: new ProcessPoolExecutor({ module }) }, token: "s3cret-token" });
 * Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, websocket: app.websocket });
 */
export function createApp(options: CreateAppOptions): ConcApp {
  const tokens = normalizeTokens(options?.token, options?.tokens);
  const ctx = createContext(options, tokens);
  const { limits } = ctx;
  const roleOf = roleResolver(tokens);
  const hostAllowed = hostChecker(ctx.allowedHosts);
  const router = ctx.router;

  const app = new Hono<{ Variables: { role: Role } }>();
  app.use("*", async (c, next) => {
    if (!hostAllowed(c.req.header("host") ?? null)) return c.json({ error: "forbidden host" }, 403);
    await next();
  });
  if (options.corsOrigins?.length) {
    app.use(
      "*",
      cors({
        origin: options.corsOrigins,
        allowHeaders: ["Authorization", "Content-Type", "X-Conc-Dashboard"],
      }),
    );
  }
  app.get("/healthz", (c) => c.json({ ok: true, draining: ctx.draining() }));
  // Before the bearer check: the dashboard authenticates with its own cookie and answers 401 itself.
  const dashboard = createDashboard({ source: dashboardSource(ctx), tokens });
  app.route("/", dashboard);
  app.use("*", async (c, next) => {
    // The dashboard does its own (cookie) authentication and answers 401 itself.
    if (c.req.path === "/dashboard" || c.req.path.startsWith("/dashboard/")) return next();
    const role = roleOf(bearerToken(c.req.header("authorization")));
    // Generic on purpose: an unauthenticated caller learns nothing about the service.
    if (role === undefined) return c.json({ error: "unauthorized" }, 401);
    c.set("role", role);
    await next();
  });
  app.get("/metrics", async (c) =>
    c.text(await ctx.metrics.text(), 200, { "content-type": ctx.metrics.registry.contentType }),
  );
  const ws = createWsHandlers(ctx);
  app.get("/trpc-ws", (c) => ws.upgrade(c.req.raw, c.env, c.get("role")));
  app.use(
    "/trpc/*",
    bodyLimit({
      maxSize: limits.maxBodyBytes,
      onError: (c) => c.json({ error: "request body too large" }, 413),
    }),
  );
  app.all("/trpc/*", (c) =>
    fetchRequestHandler({
      endpoint: "/trpc",
      req: c.req.raw,
      router,
      createContext: () => ({ role: c.get("role") }),
      maxBatchSize: limits.maxBatchSize,
      allowMethodOverride: true,
    }),
  );
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal error" }, 500));

  return Object.assign(app, {
    trpcRouter: router,
    context: ctx,
    websocket: ws.handlers,
    drain: (o?: { timeoutMs?: number }) => drainApp(ctx, o?.timeoutMs ?? limits.drainTimeoutMs),
    ready: () => ctx.ready(),
    async close() {
      ctx.store.close();
      ws.closeAll();
      dashboard.close();
      await Promise.all(
        ctx.registry
          .all()
          .filter((p) => p.owned)
          .map((p) =>
            p.ready.then((ex) => ex.shutdown({ wait: false, cancelFutures: true })).catch(() => {}),
          ),
      );
    },
  });
}
