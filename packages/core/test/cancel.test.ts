/**
 * cancel() true is a promise that the task never starts — also for work already sent ahead to a
 * busy worker, which runs its window in one burst (issue 15, measurement 1). Checked by a side
 * effect (a line in a file), never by a clock.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CancelledError, ProcessPoolExecutor } from "@conc/core";
import { blockingPools } from "./fixtures/blocking-pools.ts";
import * as tasks from "./fixtures/engine-tasks.ts";

const module = new URL("./fixtures/engine-tasks.ts", import.meta.url);
const { kinds, tempDir } = blockingPools(module);

function tempFile(): string {
  const dir = tempDir("conc-cancel-");
  return join(dir, "lines.txt");
}

async function untilExists(path: string): Promise<void> {
  while (!existsSync(path)) await Bun.sleep(1);
}

function lines(path: string): string[] {
  try {
    return readFileSync(path, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

for (const [name, make] of kinds) {
  describe(`${name} cancel`, () => {
    test("cancelled work sent ahead behind a busy task never runs", async () => {
      const ex = make({ maxWorkers: 1 });
      const path = tempFile();
      const mark = `${path}.started`;
      // Tiny tasks keep the worker's window wide while the busy task and the appends arrive.
      const burst = Array.from({ length: 3000 }, (_, i) => ex.submit(tasks.add, i, 1));
      const busy = ex.submit(tasks.markThenSpin, mark, 300);
      const appends = Array.from({ length: 200 }, (_, i) => ex.submit(tasks.appendLine, path, `line ${i}`));
      await untilExists(mark);
      expect(busy.done()).toBe(false);
      const cancelled = appends.map((f) => f.cancel());
      expect(cancelled.every(Boolean)).toBe(true);
      for (const f of appends) await expect(f.result()).rejects.toBeInstanceOf(CancelledError);
      expect(await busy.result()).toBeGreaterThan(0);
      expect(await Promise.all(burst.map((f) => f.result()))).toHaveLength(3000);
      await ex.shutdown();
      expect(lines(path)).toEqual([]);
    });

    test("a pending task cancelled behind a running one never runs; RUNNING cannot be cancelled", async () => {
      const ex = make({ maxWorkers: 1 });
      const path = tempFile();
      const mark = `${path}.started`;
      const running = ex.submit(tasks.markThenSpin, mark, 200);
      const queued = ex.submit(tasks.appendLine, path, "queued");
      await untilExists(mark);
      while (!running.running()) await Bun.sleep(1);
      expect(running.cancel()).toBe(false);
      expect(queued.state).toBe("PENDING");
      expect(queued.cancel()).toBe(true);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
      expect(await running.result()).toBeGreaterThan(0);
      expect(await ex.run(tasks.appendLine, path, "after")).toBe("after");
      expect(lines(path)).toEqual(["after"]);
    });

    test("stop(): a running task is stopped (its worker replaced), a queued one never starts", async () => {
      const ex = make({ maxWorkers: 1 });
      const path = tempFile();
      const mark = `${path}.started`;
      const running = ex.submit(tasks.markThenSpin, mark, 30_000);
      const queued = ex.submit(tasks.appendLine, path, "queued");
      await untilExists(mark);
      expect(running.cancel()).toBe(false); // cancel() only takes back what has not started
      expect(ex.stop(running, "no longer needed")).toBe(true);
      const err = (await running.result().catch((e: unknown) => e)) as CancelledError;
      expect(err).toBeInstanceOf(CancelledError);
      expect(err.cause).toBe("no longer needed");
      expect(ex.stop(queued)).toBe(true);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
      expect(ex.stop(queued)).toBe(false); // done already
      // The pool goes on with a fresh worker; the queued task never ran.
      expect(await ex.run(tasks.appendLine, path, "after")).toBe("after");
      expect(lines(path)).toEqual(["after"]);
      const other = make({ maxWorkers: 1 });
      const foreign = other.submit(tasks.add, 1, 2);
      expect(ex.stop(foreign)).toBe(false); // not this executor's
      expect(await foreign.result()).toBe(3);
    });

    test("cancel racing the worker: true ⇒ never ran, false ⇒ it ran", async () => {
      const ex = make({ maxWorkers: 2 });
      const path = tempFile();
      await ex.run(tasks.add, 0, 0);
      const futures = Array.from({ length: 2000 }, (_, i) => ex.submit(tasks.appendLine, path, `${i}`));
      // Cancel every other task as the workers race through them.
      const verdicts = new Map<number, boolean>();
      for (let i = 0; i < futures.length; i += 2) {
        verdicts.set(i, (futures[i] as (typeof futures)[number]).cancel());
        if (i % 64 === 0) await Bun.sleep(0);
      }
      await ex.shutdown();
      const ran = new Set(lines(path).map(Number));
      for (const [i, wasCancelled] of verdicts) {
        expect(ran.has(i)).toBe(!wasCancelled);
        expect((futures[i] as (typeof futures)[number]).cancelled()).toBe(wasCancelled);
      }
      for (let i = 1; i < futures.length; i += 2) expect(ran.has(i)).toBe(true);
    });

    test("stopping map early keeps the rest from running", async () => {
      const ex = make({ maxWorkers: 1 });
      const path = tempFile();
      const mark = `${path}.started`;
      const burst = Array.from({ length: 3000 }, (_, i) => ex.submit(tasks.add, i, 1));
      const busy = ex.submit(tasks.markThenSpin, mark, 200);
      const items = Array.from({ length: 300 }, (_, i) => `m${i}`);
      const it = ex.map(
        tasks.appendLine,
        items.map(() => path),
        items,
      );
      await untilExists(mark);
      expect(busy.done()).toBe(false);
      await it.return?.();
      expect(burst.every((f) => !f.cancelled())).toBe(true);
      await ex.shutdown();
      expect(lines(path)).toEqual([]);
    });

    test("shutdown({ cancelFutures }) keeps sent-ahead work from running", async () => {
      const ex = make({ maxWorkers: 1 });
      const path = tempFile();
      const mark = `${path}.started`;
      const burst = Array.from({ length: 3000 }, (_, i) => ex.submit(tasks.add, i, 1));
      const busy = ex.submit(tasks.markThenSpin, mark, 200);
      const appends = Array.from({ length: 200 }, (_, i) => ex.submit(tasks.appendLine, path, `s${i}`));
      await untilExists(mark);
      expect(busy.done()).toBe(false);
      await ex.shutdown({ cancelFutures: true });
      expect(appends.every((f) => f.cancelled())).toBe(true);
      expect(busy.cancelled()).toBe(false);
      expect(burst.every((f) => !f.cancelled())).toBe(true);
      expect(lines(path)).toEqual([]);
    });
  });
}

test("process workers leave no claim file in /dev/shm", async () => {
  const before = new Set(readdirSync("/dev/shm").filter((f) => f.startsWith("conc-claims-")));
  const ex = new ProcessPoolExecutor({ module, maxWorkers: 2 });
  await Promise.all(Array.from({ length: 10 }, () => ex.run(tasks.add, 1, 2)));
  await ex.shutdown();
  const after = readdirSync("/dev/shm").filter((f) => f.startsWith("conc-claims-") && !before.has(f));
  expect(after).toEqual([]);
});
