/** Starts the server the way `bun run serve` does; returns a handle that drains and stops it. */
import type { ExecutorLike } from "@conc/core";
import { type ConcApp, createApp, type DrainResult } from "../app.ts";
import { type Limits, LOOPBACK_HOSTS } from "../config.ts";
import { ServerConfigError } from "../errors.ts";
import { buildPools, DEFAULT_CONFIG, loadConfig, type ServeConfig } from "./config-file.ts";

export interface StartOptions {
  port?: number;
  hostname?: string;
  configPath?: string | undefined;
  token?: string | undefined;
}

export type ServedPool = ExecutorLike & { terminateWorkers?: () => Promise<void> };

export interface RunningServer {
  url: string;
  port: number;
  app: ConcApp;
  /** Every pool's executor (distributed ones built by the app); local pools can also terminateWorkers(). */
  pools: Record<string, ServedPool>;
  /**
   * Stop admitting (503), let work finish until limits.drainTimeoutMs, cancel what is left (its
   * callers hear why), answer waiting clients, shut the pools down.
   */
  stop(): Promise<DrainResult>;
}

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.includes(hostname) || hostname.startsWith("127.");
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const { config, baseDir }: { config: ServeConfig; baseDir: string } = options.configPath
    ? await loadConfig(options.configPath)
    : { config: DEFAULT_CONFIG, baseDir: process.cwd() };
  const token = options.token ?? config.token;
  if (!isLoopback(hostname) && !token) {
    throw new ServerConfigError(
      `Refusing to bind ${hostname} without a token: set CONC_TOKEN (or token in the config) or bind 127.0.0.1.`,
    );
  }
  const built = buildPools(config, baseDir);
  const allowedHosts = [
    ...LOOPBACK_HOSTS,
    ...(config.allowedHosts ?? []),
    ...(isLoopback(hostname) || hostname === "0.0.0.0" ? [] : [hostname]),
  ];
  const app = createApp({
    pools: built,
    token,
    tokens: config.tokens,
    limits: config.limits as Partial<Limits> | undefined,
    allowedHosts,
  });
  try {
    await app.ready();
  } catch (err) {
    await app.close();
    await Promise.all(
      Object.values(built).map((p) => ("submit" in p ? p.shutdown({ wait: false }) : undefined)),
    );
    throw err;
  }
  const pools = Object.fromEntries(
    app.context.registry.all().map((p) => [p.name, p.executor as ServedPool]),
  ) as Record<string, ServedPool>;
  // SSE pings every 3 s keep streams inside Bun's idle timeout.
  const server = Bun.serve({
    port: options.port ?? 8787,
    hostname,
    fetch: app.fetch,
    websocket: app.websocket,
    idleTimeout: 30,
  });
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`;
  let stopping: Promise<DrainResult> | undefined;
  return {
    url,
    port: server.port as number,
    app,
    pools,
    stop() {
      stopping ??= (async () => {
        const drained = await app.drain();
        // Let the last results (and cancellations) reach clients still streaming them.
        await Bun.sleep(100);
        await server.stop(true);
        // Shuts down the pools the app built (distributed).
        await app.close();
        // Work cancelled at the deadline may still hold a worker: stop the workers, do not wait for them.
        await Promise.all(
          Object.values(built).map((p) => {
            if (!("submit" in p)) return undefined;
            const local = p as ServedPool;
            return drained.cancelled > 0 && local.terminateWorkers ? local.terminateWorkers() : p.shutdown();
          }),
        );
        return drained;
      })();
      return stopping;
    },
  };
}
