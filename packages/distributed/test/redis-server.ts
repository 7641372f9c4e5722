/**
 * A private redis-server per test file on a free loopback port, killed by pid. A missing redis-server
 * fails loudly (install it: `apt-get install -y redis-server`) unless CONC_REDIS=skip.
 */
import { existsSync } from "node:fs";
import { Redis } from "ioredis";

export const REDIS_SKIP = process.env.CONC_REDIS === "skip";
const BIN =
  ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].find((p) => existsSync(p)) ??
  Bun.which("redis-server");

export interface RedisServer {
  url: string;
  port: number;
  pid: number;
  /** Kills it (SIGKILL by default) and waits until it is gone. */
  stop(signal?: "SIGKILL" | "SIGTERM"): Promise<void>;
  /** Kills it and starts a fresh one on the same port (no persistence: every key is gone). */
  restart(): Promise<void>;
  /** A short-lived admin connection. */
  command(...args: (string | number)[]): Promise<unknown>;
}

export async function freePort(): Promise<number> {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = server.port;
  server.stop(true);
  return port;
}

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const r = Bun.spawnSync(["redis-cli", "-p", String(port), "PING"], { stdout: "pipe", stderr: "pipe" });
    if (r.stdout.toString().trim() === "PONG") return;
    await Bun.sleep(25);
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

export async function startRedis(atPort?: number): Promise<RedisServer> {
  if (!BIN) {
    throw new Error(
      "redis-server is not installed: the @conc/distributed tests need it (apt-get install -y redis-server). " +
        "Set CONC_REDIS=skip to skip them explicitly.",
    );
  }
  const port = atPort ?? (await freePort());
  const spawn = () =>
    Bun.spawn(
      [
        BIN,
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "noeviction",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
      ],
      { stdout: "ignore", stderr: "inherit" },
    );
  let proc = spawn();
  await waitForPing(port);
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return proc.pid;
    },
    async stop(signal = "SIGKILL") {
      proc.kill(signal);
      await proc.exited;
    },
    async restart() {
      await server.stop();
      proc = spawn();
      await waitForPing(port);
    },
    async command(...args) {
      const r = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
      try {
        return await r.call(String(args[0]), ...args.slice(1).map(String));
      } finally {
        r.disconnect();
      }
    },
  };
  return server;
}
