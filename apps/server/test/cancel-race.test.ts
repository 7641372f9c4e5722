/**
 * core's cancel promise over the network: a RemoteExecutor cancel() that answers true means the task
 * never ran, and every task's outcome matches its side effect — with cancels racing the send, refusals
 * for room (a small queue) and the workers.
 */
import { afterEach, expect, test } from "bun:test";
import { ThreadPoolExecutor } from "@conc/core";
import { judgeCancels, sharedCounters } from "@conc/core/testing";
import type { RemoteExecutor } from "@conc/server/client";
import type * as Marks from "./fixtures/mark-tasks.ts";
import { cleanup, start } from "./helpers.ts";

const module = new URL("./fixtures/mark-tasks.ts", import.meta.url);

afterEach(cleanup);

test("a thousand cancels racing send, queue and workers: true never ran; each outcome matches its side effect", async () => {
  const n = 1000;
  using file = sharedCounters(n);
  const h = start({
    limits: { maxQueued: 50 },
    pools: { threads: new ThreadPoolExecutor({ module, maxWorkers: 2 }) },
  });
  const remote = h.client() as unknown as RemoteExecutor<typeof Marks>;
  const futures = Array.from({ length: n }, (_, i) =>
    remote.submit("markRan", file.path, i, i % 3 === 0 ? 0.05 : 0),
  );
  const answers = new Map<number, boolean>();
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) answers.set(i, (futures[i] as (typeof futures)[number]).cancel());
    if (i % 25 === 0) await Bun.sleep(i % 50 === 0 ? 0 : 1);
  }
  await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
  const verdicts = judgeCancels(futures, answers, file.counters);
  expect(verdicts.wrong).toEqual([]);
  expect(verdicts.cancelledTrue).toBeGreaterThan(0); // the race was really run: some cancels came before the send
});
