/**
 * A private redis-server for one test file (@conc/distributed's shared starter): a free loopback port, no
 * persistence, killed by pid. A missing redis-server fails loudly unless CONC_REDIS=skip.
 */
import { type LocalRedis, REDIS_SERVER_BIN, startLocalRedis } from "@conc/distributed/testing";

export const REDIS_SKIP = process.env.CONC_REDIS === "skip";
export type RedisServer = LocalRedis;

export async function startRedis(): Promise<RedisServer> {
  if (!REDIS_SERVER_BIN) {
    throw new Error(
      "redis-server is not installed: the server's distributed-pool tests need it (apt-get install -y redis-server). " +
        "Set CONC_REDIS=skip to skip them explicitly.",
    );
  }
  return startLocalRedis();
}
