/** Reads a queue's live nodes without an executor (for servers, dashboards, scripts). */
import { queueKeys, validateQueueName } from "../keys.ts";
import { checkRedisUrl } from "../options.ts";
import { connect, redisOptions, whenReady } from "../redis.ts";
import { type NodeInfo, readNodes } from "./registry.ts";

/** @example const nodes = await listNodes({ redis: "redis://127.0.0.1:6379", queue: "cpu" }); */
export async function listNodes(options: {
  redis: string;
  queue: string;
  prefix?: string;
  connectTimeoutMs?: number;
}): Promise<NodeInfo[]> {
  const { redis: url, queue, prefix = "bull", connectTimeoutMs = 5_000 } = options;
  checkRedisUrl(url);
  validateQueueName(queue);
  const redis = connect(redisOptions(url, connectTimeoutMs), "conc-list-nodes", () => {});
  try {
    await whenReady(redis, url, connectTimeoutMs);
    return await readNodes(redis, queueKeys(prefix, queue));
  } finally {
    redis.disconnect();
  }
}
