/**
 * A private redis-server per test file (the shared starter in src/testing), plus an admin command. A missing
 * redis-server fails loudly (apt-get install -y redis-server) unless CONC_REDIS=skip.
 */
import { Redis } from "ioredis";
import { freePort, type LocalRedis, REDIS_SERVER_BIN, startLocalRedis } from "../src/testing/local-redis.ts";

export { freePort };
export const REDIS_SKIP = process.env.CONC_REDIS === "skip";

export interface RedisServer extends LocalRedis {
  /** A short-lived admin connection. */
  command(...args: (string | number)[]): Promise<unknown>;
}

export async function startRedis(atPort?: number): Promise<RedisServer> {
  if (!REDIS_SERVER_BIN) {
    throw new Error(
      "redis-server is not installed: the @conc/distributed tests need it (apt-get install -y redis-server). " +
        "Set CONC_REDIS=skip to skip them explicitly.",
    );
  }
  const local = await startLocalRedis(atPort === undefined ? {} : { port: atPort });
  return Object.assign(local, {
    async command(...args: (string | number)[]) {
      const r = new Redis({ port: local.port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
      try {
        return await r.call(String(args[0]), ...args.slice(1).map(String));
      } finally {
        r.disconnect();
      }
    },
  });
}
