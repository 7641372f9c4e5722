/**
 * Thousands of distributed cancels racing the client's release, Redis and the nodes. A private
 * redis-server and one worker node (threads, concurrency 8) in this process; tasks bump their own
 * counter in a /dev/shm file the node's workers map. Half of each round is cancelled at random
 * moments, and more cancels are aimed at the jobs just ahead of the first one not run yet (where a
 * node is about to claim). The promise checked: cancel() true ⇒ the counter stays 0; every task's
 * outcome matches its side effect (CANCELLED ⇒ 0, a result ⇒ 1).
 */
import { unlinkSync, writeFileSync } from "node:fs";
import { DistributedExecutor, runWorkerNode } from "@conc/distributed";
import { REDIS_SERVER_BIN, startLocalRedis } from "@conc/distributed/testing";
import type * as Tasks from "./soak-tasks.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export interface DistributedCancelTally {
  kind: "distributed";
  tasks: number;
  cancelledTrue: number;
  cancelledFalseDropped: number;
  cancelledFalseRan: number;
  notCancelled: number;
  violations: number;
  seconds: number;
}

/** Undefined when redis-server is not installed (the soak says so and goes on). */
export async function distributedCancelSoak(
  rounds: number,
  perRound: number,
): Promise<DistributedCancelTally | undefined> {
  if (REDIS_SERVER_BIN === null) return undefined;
  const started = performance.now();
  const total = rounds * perRound;
  const path = `/dev/shm/conc-dist-soak-${process.pid}-${Date.now()}`;
  writeFileSync(path, new Uint8Array(Math.max(4096, total * 4)));
  const map = Bun.mmap(path, { shared: true });
  const counters = new Int32Array(map.buffer, map.byteOffset, total);
  const redis = await startLocalRedis();
  const node = await runWorkerNode({
    redis: redis.url,
    queue: "soak",
    module,
    pool: "threads",
    maxWorkers: 2,
    concurrency: 8,
  });
  const ex = new DistributedExecutor<typeof Tasks>({ redis: redis.url, queue: "soak", module });
  const tally: DistributedCancelTally = {
    kind: "distributed",
    tasks: total,
    cancelledTrue: 0,
    cancelledFalseDropped: 0,
    cancelledFalseRan: 0,
    notCancelled: 0,
    violations: 0,
    seconds: 0,
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const base = r * perRound;
      const spin = r % 2 === 0 ? 0 : 0.05;
      const futures = Array.from({ length: perRound }, (_, j) => ex.submit("markRan", path, base + j, spin));
      const verdict = new Map<number, boolean>();
      const cancel = (j: number) => {
        if (j < perRound && !verdict.has(j))
          verdict.set(j, (futures[j] as (typeof futures)[number]).cancel());
      };
      for (let j = 0; j < perRound; j++) if (Math.random() < 0.25) cancel(j);
      const ran = (j: number) => Atomics.load(counters, base + j) > 0 || verdict.has(j) || futures[j]?.done();
      for (let first = 0; first < perRound; ) {
        while (first < perRound && ran(first)) first++;
        cancel(first + 1 + Math.floor(Math.random() * 4));
        await Bun.sleep(0);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      for (let j = 0; j < perRound; j++) {
        const f = futures[j] as (typeof futures)[number];
        const v = verdict.get(j);
        if (v === true) tally.cancelledTrue++;
        else if (v === false) {
          if (f.cancelled()) tally.cancelledFalseDropped++;
          else tally.cancelledFalseRan++;
        } else tally.notCancelled++;
        const expected = v === true || f.cancelled() ? 0 : 1;
        if (Atomics.load(counters, base + j) !== expected) tally.violations++;
      }
    }
  } finally {
    await ex.shutdown({ wait: false, cancelFutures: true });
    await node.close({ timeoutMs: 2_000 });
    await redis.stop();
    unlinkSync(path);
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
