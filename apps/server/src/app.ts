/** createApp: a Hono app serving tRPC at /trpc, plus /healthz and /metrics. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { bearerChecker } from "./auth/token.ts";
import { type CreateAppOptions, DEFAULT_LIMITS, type Limits, LOOPBACK_HOSTS } from "./config.ts";
import { hostChecker } from "./limits/host.ts";
import { Metrics } from "./metrics/metrics.ts";
import { type AppRouter, createRouter } from "./router/router.ts";
import { PoolRegistry } from "./store/pool-registry.ts";
import { TaskStore } from "./store/task-store.ts";

export interface ConcApp extends Hono {
  /** The tRPC router (for tests and tooling). */
  readonly trpcRouter: AppRouter;
  /** Stop taking work, then resolve once every submitted task has finished. */
  drain(): Promise<void>;
  /** Stop timers (after drain). Does not shut the pools down: they belong to the caller. */
  close(): void;
}

/**
 * @example
 * const app = createApp({ pools: { cpu: new ProcessPoolExecutor({ module }) }, token: "s3cret-token" });
 * Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
 */
export function createApp(options: CreateAppOptions): ConcApp {
  if (!options || typeof options !== "object" || !options.pools || Object.keys(options.pools).length === 0) {
    throw new TypeError("createApp needs { pools: { name: executor, ... } } with at least one pool.");
  }
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  for (const [k, v] of Object.entries(limits)) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
      throw new TypeError(`limits.${k} must be a positive integer.`);
  }
  const authorized = bearerChecker(options.token);
  const hostAllowed = hostChecker(options.allowedHosts ?? LOOPBACK_HOSTS);
  const registry = new PoolRegistry(options.pools);
  let draining = false;
  const metrics = new Metrics(() =>
    registry.all().map((p) => ({
      pool: p.name,
      queued: p.executor.queued,
      running: store.running(p.name),
      workers: p.executor.workerCount,
    })),
  );
  const store = new TaskStore(limits.resultTtlMs, {
    onDone(pool, task, view, seconds) {
      const labels = { pool, task };
      if (view.state === "CANCELLED") metrics.cancelled.inc(labels);
      else if (view.ok) metrics.completed.inc(labels);
      else metrics.failed.inc(labels);
      metrics.duration.observe(labels, seconds);
    },
  });
  const router = createRouter({ limits, registry, store, metrics, draining: () => draining });

  const app = new Hono();
  app.use("*", async (c, next) => {
    if (!hostAllowed(c.req.header("host") ?? null)) return c.json({ error: "forbidden host" }, 403);
    await next();
  });
  if (options.corsOrigins?.length) {
    app.use("*", cors({ origin: options.corsOrigins, allowHeaders: ["Authorization", "Content-Type"] }));
  }
  app.get("/healthz", (c) => c.json({ ok: true, draining }));
  app.use("*", async (c, next) => {
    // Generic on purpose: an unauthenticated caller learns nothing about the service.
    if (!authorized(c.req.header("authorization"))) return c.json({ error: "unauthorized" }, 401);
    await next();
  });
  app.get("/metrics", async (c) =>
    c.text(await metrics.text(), 200, { "content-type": metrics.registry.contentType }),
  );
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
      createContext: () => ({}),
      maxBatchSize: limits.maxBatchSize,
      allowMethodOverride: true,
    }),
  );
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((_err, c) => c.json({ error: "internal error" }, 500));

  return Object.assign(app, {
    trpcRouter: router,
    async drain() {
      draining = true;
      await store.drained();
    },
    close() {
      store.close();
    },
  });
}
