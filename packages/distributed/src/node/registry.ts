/**
 * Live worker nodes: each node keeps its description in one hash per queue with an expiry it renews;
 * readers drop entries past their expiry (a SIGKILLed node vanishes within the TTL, no key per node).
 */
import type { Redis } from "ioredis";
import type { QueueKeys } from "../keys.ts";

/** What a node reports about itself. */
export interface NodeInfo {
  id: string;
  host: string;
  pid: number;
  pool: "threads" | "processes";
  maxWorkers: number;
  /** Pool workers alive now. */
  workers: number;
  /** BullMQ jobs the node takes at once. */
  concurrency: number;
  /** Jobs running now. */
  running: number;
  startedAt: number;
  /** Epoch ms after which the entry counts as dead. */
  expiresAt: number;
}

export const NODE_TTL_MS = 5_000;

export async function publishNode(redis: Redis, keys: QueueKeys, info: NodeInfo): Promise<void> {
  await redis.hset(keys.nodes, info.id, JSON.stringify(info));
}

export async function removeNode(redis: Redis, keys: QueueKeys, id: string): Promise<void> {
  await redis.hdel(keys.nodes, id);
}

/** Nodes whose entry has not expired; expired entries are deleted on the way. */
export async function readNodes(redis: Redis, keys: QueueKeys, now = Date.now()): Promise<NodeInfo[]> {
  const all = await redis.hgetall(keys.nodes);
  const live: NodeInfo[] = [];
  const stale: string[] = [];
  for (const [id, json] of Object.entries(all)) {
    let info: NodeInfo | undefined;
    try {
      info = JSON.parse(json) as NodeInfo;
    } catch {
      info = undefined;
    }
    if (info && info.expiresAt > now) live.push(info);
    else stale.push(id);
  }
  if (stale.length > 0) await redis.hdel(keys.nodes, ...stale);
  return live.sort((a, b) => a.startedAt - b.startedAt);
}
