/**
 * createDashboard: the /dashboard sub-app (page, JSON API, event stream, cancel). Mount it with
 * `app.route("/", createDashboard({ source, tokens }))`: its routes already start with `basePath`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, setCookie } from "hono/cookie";
import { streamSSE } from "hono/streaming";
import { buildAssets } from "./assets.ts";
import { adminOnly, type DashEnv, mutationGuard, sessionGuard } from "./guard.ts";
import { Live, latestWins, type Tick } from "./live.ts";
import { LoginThrottle, type ThrottleOptions } from "./login-throttle.ts";
import { appPage, loginPage, type Page } from "./pages.ts";
import { preview } from "./preview.ts";
import { SESSION_COOKIE, SESSION_MS, Sessions } from "./session.ts";
import type { DashboardSource, DashboardToken } from "./source.ts";
import { parseTaskQuery, queryTasks, statusOf, toRow } from "./task-query.ts";

export interface DashboardOptions {
  source: DashboardSource;
  /** Who may log in; empty = no token configured (loopback only): no login, everyone is admin. */
  tokens: readonly DashboardToken[];
  /** Where the sub-app is mounted (links and cookie path). Default "/dashboard". */
  basePath?: string;
  /** How often pools are sampled and pushed to open pages. Default 500 ms. */
  tickMs?: number;
  /** Wrong tokens tolerated per client address (default 10 a minute, then 429). */
  loginThrottle?: ThrottleOptions;
}

export interface Dashboard extends Hono<DashEnv> {
  /** Stops the sampler and ends open event streams. */
  close(): void;
}

function send(page: Page, status: 200 | 401): Response {
  return new Response(page.html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": page.csp },
  });
}

/** The peer address when the app runs under Bun.serve (Hono passes the server as env), else one shared key. */
function clientAddress(env: unknown, req: Request): string {
  const server = env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
  return server?.requestIP?.(req)?.address ?? "unknown";
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const base = options.basePath ?? "/dashboard";
  const { source } = options;
  const sessions = new Sessions(options.tokens);
  const live = new Live(source, options.tickMs ?? 500);
  const closers = new Set<() => void>();
  const login = loginPage(base);
  const throttle = new LoginThrottle(options.loginThrottle);
  // Bundle now, so the first page view does not wait for it (a failure shows on that view, as a 500).
  buildAssets().catch(() => {});
  // Routes carry the full path, so the sub-app serves the same whether mounted (at "/") or used alone.
  const app = new Hono<DashEnv>().basePath(base);

  app.use("*", async (c, next) => {
    await next();
    c.header("cache-control", c.res.headers.get("cache-control") ?? "no-store");
    c.header("x-content-type-options", "nosniff");
    c.header("x-frame-options", "DENY");
    c.header("referrer-policy", "no-referrer");
  });
  app.use("*", mutationGuard());
  app.use(
    "*",
    sessionGuard(
      sessions,
      (c) => c.req.method === "POST" && c.req.path === `${base}/api/login`,
      (c) => {
        // The page itself answers with the login form; everything else with a bare 401.
        const p = c.req.path;
        if (c.req.method === "GET" && (p === base || p === `${base}/`)) return send(login, 401);
        return c.json({ error: "unauthorized" }, 401);
      },
    ),
  );

  app.post(
    "/api/login",
    bodyLimit({ maxSize: 8192, onError: (c) => c.json({ error: "too large" }, 413) }),
    async (c) => {
      const body = (await c.req.json().catch(() => undefined)) as { token?: unknown } | undefined;
      if (sessions.open) return c.json({ role: "admin" });
      const address = clientAddress(c.env, c.req.raw);
      const wait = throttle.retryAfterMs(address, Date.now());
      if (wait > 0) {
        c.header("retry-after", String(Math.ceil(wait / 1000)));
        return c.json({ error: "Too many wrong tokens: wait a minute, then try again." }, 429);
      }
      const cookie = typeof body?.token === "string" ? sessions.issue(body.token) : undefined;
      if (!cookie) {
        throttle.fail(address, Date.now());
        return c.json({ error: "Wrong token." }, 401);
      }
      setCookie(c, SESSION_COOKIE, cookie, {
        httpOnly: true,
        sameSite: "Strict",
        path: base,
        maxAge: SESSION_MS / 1000,
        secure: new URL(c.req.url).protocol === "https:",
      });
      return c.json({ role: sessions.verify(cookie) });
    },
  );
  app.post("/api/logout", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: base });
    return c.json({ ok: true });
  });

  const page = async () => send(appPage(base, await buildAssets()), 200);
  app.get("/", page);
  app.get("/assets/:name", async (c) => {
    const asset = (await buildAssets()).files.get(c.req.param("name"));
    if (!asset) return c.json({ error: "not found" }, 404);
    return new Response(asset.body, {
      headers: { "content-type": asset.type, "cache-control": "private, max-age=31536000, immutable" },
    });
  });

  app.get("/api/me", (c) => c.json({ role: c.get("role"), open: sessions.open }));
  app.get("/api/pools", (c) => c.json({ pools: source.pools() }));
  app.get("/api/throughput", (c) => c.json({ series: live.throughput.series() }));
  app.get("/api/tasks", (c) => c.json(queryTasks(() => source.records(), parseTaskQuery(c.req.query()))));
  app.get("/api/tasks/:id", (c) => {
    const id = c.req.param("id");
    const t = source.get(id);
    if (!t) return c.json({ error: `No task '${id}': unknown, or its record expired.` }, 404);
    return c.json({
      ...toRow(t, Date.now()),
      state: t.state,
      status: statusOf(t),
      progress: preview(t.progress ?? null),
      args: t.args === undefined ? null : preview(t.args),
      value: t.ok ? preview(t.value) : null,
      error: t.error ? preview(t.error) : null,
    });
  });
  app.post("/api/tasks/:id/cancel", adminOnly(), (c) => {
    const id = c.req.param("id");
    const before = source.get(id);
    const r = source.cancel(id);
    if (r === undefined || !before)
      return c.json({ error: `No task '${id}': unknown, or its record expired.` }, 404);
    if (!r) {
      return c.json({ error: `Task ${id} has already ended (${statusOf(before)}): nothing to cancel.` }, 409);
    }
    const running = before.state === "RUNNING";
    return c.json({
      cancelled: true,
      message: running ? `Stopping task ${id} (it was running).` : `Task ${id} cancelled before it started.`,
    });
  });

  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      let chain = stream.writeSSE({
        event: "hello",
        data: JSON.stringify({
          role: c.get("role"),
          pools: source.pools(),
          series: live.throughput.series(),
        }),
        retry: 1000,
      });
      const ended = new Promise<void>((resolve) => {
        const stop = live.listen(
          latestWins(
            (tick: Tick) =>
              (chain = chain.then(() => stream.writeSSE({ event: "tick", data: JSON.stringify(tick) }))),
            () => finish(),
          ),
        );
        const finish = () => {
          stop();
          closers.delete(finish);
          resolve();
        };
        closers.add(finish);
        stream.onAbort(finish);
      });
      await ended;
      await chain.catch(() => {});
    }),
  );

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((err, c) => {
    console.error("dashboard error:", err);
    return c.json({ error: "internal error" }, 500);
  });

  return Object.assign(app, {
    close() {
      live.close();
      for (const finish of [...closers]) finish();
    },
  });
}
