/**
 * Thousands of remote cancels racing the send, the server's queue and its workers. A conc server
 * on loopback runs the soak's task module on a process pool with a small queue (so calls are also
 * refused for room and resent); a RemoteExecutor submits tasks that bump their own counter in a
 * /dev/shm file the server's workers map, and cancels half of them at random moments.
 * The promise checked: cancel() true ⇒ the counter stays 0; and for every task, its outcome matches
 * its side effect (CANCELLED ⇒ 0, a result ⇒ 1), so nothing ran twice or ran while reported cancelled.
 */
import { unlinkSync, writeFileSync } from "node:fs";
import { ProcessPoolExecutor } from "@conc/core";
import { createApp } from "@conc/server";
import { RemoteExecutor } from "@conc/server/client";
import type * as Tasks from "./soak-tasks.ts";

const module = new URL("./soak-tasks.ts", import.meta.url);

export interface RemoteCancelTally {
  kind: "remote";
  tasks: number;
  cancelledTrue: number;
  /** cancel() false, and the server still dropped the task before it started. */
  cancelledFalseDropped: number;
  cancelledFalseRan: number;
  notCancelled: number;
  violations: number;
  seconds: number;
}

export async function remoteCancelSoak(rounds: number, perRound: number): Promise<RemoteCancelTally> {
  const started = performance.now();
  const total = rounds * perRound;
  const path = `/dev/shm/conc-remote-soak-${process.pid}-${Date.now()}`;
  writeFileSync(path, new Uint8Array(Math.max(4096, total * 4)));
  const map = Bun.mmap(path, { shared: true });
  const counters = new Int32Array(map.buffer, map.byteOffset, total);
  const pool = new ProcessPoolExecutor({ module, maxWorkers: 2 });
  const app = createApp({
    pools: { cpu: pool },
    limits: { maxQueued: 300 },
  });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, websocket: app.websocket });
  const remote = new RemoteExecutor<typeof Tasks>({
    url: `http://127.0.0.1:${server.port}/trpc`,
    pool: "cpu",
  });
  const tally: RemoteCancelTally = {
    kind: "remote",
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
      const spin = r % 3 === 0 ? 0 : r % 3 === 1 ? 0.02 : 0.2;
      const futures = Array.from({ length: perRound }, (_, j) =>
        remote.submit("markRan", path, base + j, spin),
      );
      const verdict = new Map<number, boolean>();
      for (let j = 0; j < perRound; j++) {
        if (Math.random() < 0.5) verdict.set(j, (futures[j] as (typeof futures)[number]).cancel());
        if (Math.random() < 0.05) await Bun.sleep(Math.random() < 0.5 ? 0 : 1);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      for (let j = 0; j < perRound; j++) {
        const f = futures[j] as (typeof futures)[number];
        const ran = Atomics.load(counters, base + j);
        const v = verdict.get(j);
        if (v === true) tally.cancelledTrue++;
        else if (v === false) {
          if (f.cancelled()) tally.cancelledFalseDropped++;
          else tally.cancelledFalseRan++;
        } else tally.notCancelled++;
        const expected = v === true || f.cancelled() ? 0 : 1;
        if (ran !== expected) tally.violations++;
      }
    }
  } finally {
    await remote.shutdown({ wait: false });
    server.stop(true);
    await app.close();
    await pool.terminateWorkers();
    unlinkSync(path);
  }
  tally.seconds = (performance.now() - started) / 1000;
  return tally;
}
