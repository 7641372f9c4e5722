/**
 * Thousands of distributed cancels racing the client's release, Redis and the nodes. A private
 * redis-server and one worker node (threads, concurrency 8) in this process; tasks bump their own
 * counter in a /dev/shm file the node's workers map. A quarter of each round is cancelled at once, and
 * more cancels are aimed at the jobs just ahead of the first one not run yet (where a node is about to
 * claim). The promise checked: cancel() true ⇒ the counter stays 0; every task's outcome matches its
 * side effect (CANCELLED ⇒ 0, a result ⇒ 1).
 */
import { judgeCancels, sharedCounters } from "@conc/core/testing";
import { DistributedExecutor, runWorkerNode } from "@conc/distributed";
import { REDIS_SERVER_BIN, startLocalRedis } from "@conc/distributed/testing";
import type * as Tasks from "./soak-tasks.ts";
import { type CancelTally, count, newTally } from "./tally.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

/** Undefined when redis-server is not installed (the soak says so and goes on). */
export async function distributedCancelSoak(
  rounds: number,
  perRound: number,
): Promise<CancelTally | undefined> {
  if (REDIS_SERVER_BIN === null) return undefined;
  const started = performance.now();
  const total = rounds * perRound;
  using file = sharedCounters(total);
  await using redis = await startLocalRedis();
  const node = await runWorkerNode({
    redis: redis.url,
    queue: "soak",
    module,
    pool: "threads",
    maxWorkers: 2,
    concurrency: 8,
  });
  const ex = new DistributedExecutor<typeof Tasks>({ redis: redis.url, queue: "soak", module });
  const tally = newTally("distributed", total);
  try {
    for (let r = 0; r < rounds; r++) {
      const base = r * perRound;
      const spin = r % 2 === 0 ? 0 : 0.05;
      const futures = Array.from({ length: perRound }, (_, j) =>
        ex.submit("markRan", file.path, base + j, spin),
      );
      const answers = new Map<number, boolean>();
      const cancel = (j: number) => {
        if (j < perRound && !answers.has(j))
          answers.set(j, (futures[j] as (typeof futures)[number]).cancel());
      };
      for (let j = 0; j < perRound; j++) if (Math.random() < 0.25) cancel(j);
      const gone = (j: number) =>
        Atomics.load(file.counters, base + j) > 0 || answers.has(j) || futures[j]?.done();
      for (let first = 0; first < perRound; ) {
        while (first < perRound && gone(first)) first++;
        cancel(first + 1 + Math.floor(Math.random() * 4));
        await Bun.sleep(0);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      count(tally, judgeCancels(futures, answers, file.counters, base));
    }
  } finally {
    await ex.shutdown({ wait: false, cancelFutures: true });
    await node.close({ timeoutMs: 2_000 });
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
