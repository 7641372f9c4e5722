/**
 * Assignment (DESIGN.md "Executors"): while fewer than maxWorkers workers are busy, a task goes to an
 * idle worker or a new one, never into a busy worker's window. Blocking tasks that wait for each other
 * prove it by their outcome: queued behind each other inside one worker they could never meet.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { blockingPools } from "./fixtures/blocking-pools.ts";
import * as tasks from "./fixtures/engine-tasks.ts";

const module = new URL("./fixtures/engine-tasks.ts", import.meta.url);
const { kinds, tempDir } = blockingPools(module);

function flags(n: number): string[] {
  const dir = tempDir("conc-meet-");
  return Array.from({ length: n }, (_, i) => join(dir, `flag-${i}`));
}

for (const [name, make] of kinds) {
  describe(`${name} assignment`, () => {
    test("three blocking tasks on maxWorkers 3 run at once (one worker warm)", async () => {
      const ex = make({ maxWorkers: 3 });
      expect(await ex.run(tasks.add, 1, 1)).toBe(2);
      const all = flags(3);
      const futures = all.map((own) => ex.submit(tasks.meet, own, all, 15_000));
      expect(await Promise.all(futures.map((f) => f.result()))).toEqual(["met", "met", "met"]);
      expect(ex.workerCount).toBe(3);
    }, 30_000);

    test("blocking tasks submitted one at a time still meet", async () => {
      const ex = make({ maxWorkers: 3 });
      const all = flags(3);
      const futures = [];
      for (const own of all) {
        futures.push(ex.submit(tasks.meet, own, all, 15_000));
        await Bun.sleep(5);
      }
      expect(await Promise.all(futures.map((f) => f.result()))).toEqual(["met", "met", "met"]);
    }, 30_000);

    test("a full pool still sends work ahead: many tiny tasks complete on few workers", async () => {
      const ex = make({ maxWorkers: 2 });
      const results = await Promise.all(Array.from({ length: 20_000 }, (_, i) => ex.run(tasks.add, i, 1)));
      expect(results[19_999]).toBe(20_000);
      expect(ex.workerCount).toBe(2);
    });
  });
}

test("thread concurrency: async tasks interleave on one thread (ten meet at once)", async () => {
  const [, makeThreads] = kinds[0];
  const ex = makeThreads({ maxWorkers: 1, concurrency: 10 });
  const results = await Promise.all(Array.from({ length: 10 }, () => ex.run(tasks.meetAsync, 10, 10_000)));
  expect(results).toEqual(Array(10).fill("met"));
  expect(ex.workerCount).toBe(1);
}, 20_000);
