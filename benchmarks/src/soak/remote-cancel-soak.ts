/**
 * Thousands of remote cancels racing the send, the server's queue and its workers. A conc server
 * on loopback runs the soak's task module on a process pool with a small queue (so calls are also
 * refused for room and resent); a RemoteExecutor submits tasks that bump their own counter in a
 * /dev/shm file the server's workers map, and cancels half of them at random moments.
 * The promise checked: cancel() true ⇒ the counter stays 0; and for every task, its outcome matches
 * its side effect (CANCELLED ⇒ 0, a result ⇒ 1), so nothing ran twice or ran while reported cancelled.
 */
import { ProcessPoolExecutor } from "@conc/core";
import { judgeCancels, sharedCounters } from "@conc/core/testing";
import { createApp } from "@conc/server";
import { RemoteExecutor } from "@conc/server/client";
import type * as Tasks from "./soak-tasks.ts";
import { type CancelTally, count, newTally } from "./tally.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export async function remoteCancelSoak(rounds: number, perRound: number): Promise<CancelTally> {
  const started = performance.now();
  const total = rounds * perRound;
  using file = sharedCounters(total);
  const pool = new ProcessPoolExecutor({ module, maxWorkers: 2 });
  const app = createApp({ pools: { cpu: pool }, limits: { maxQueued: 300 } });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, websocket: app.websocket });
  const remote = new RemoteExecutor<typeof Tasks>({
    url: `http://127.0.0.1:${server.port}/trpc`,
    pool: "cpu",
  });
  const tally = newTally("remote", total);
  try {
    for (let r = 0; r < rounds; r++) {
      const base = r * perRound;
      const spin = r % 3 === 0 ? 0 : r % 3 === 1 ? 0.02 : 0.2;
      const futures = Array.from({ length: perRound }, (_, j) =>
        remote.submit("markRan", file.path, base + j, spin),
      );
      const answers = new Map<number, boolean>();
      for (let j = 0; j < perRound; j++) {
        if (Math.random() < 0.5) answers.set(j, (futures[j] as (typeof futures)[number]).cancel());
        if (Math.random() < 0.05) await Bun.sleep(Math.random() < 0.5 ? 0 : 1);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      count(tally, judgeCancels(futures, answers, file.counters, base));
    }
  } finally {
    await remote.shutdown({ wait: false });
    server.stop(true);
    await app.close();
    await pool.terminateWorkers();
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
