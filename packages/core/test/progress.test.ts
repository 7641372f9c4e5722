/**
 * Progress, worker side (DESIGN.md "Progress"): `reportProgress` inside a task reaches
 * `fut.progress` / `fut.onProgress`, coalesced, in order, the last value before the result.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { type Executor, Process, ProcessPoolExecutor, Thread, ThreadPoolExecutor } from "@conc/core";
import { reportProgress } from "../src/entry/progress.ts";
import * as tasks from "./fixtures/progress-tasks.ts";

const module = new URL("./fixtures/progress-tasks.ts", import.meta.url);
const live: Executor[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((ex) => ex.terminateWorkers()));
});

const kinds = [
  ["ThreadPoolExecutor", () => new ThreadPoolExecutor({ module, maxWorkers: 1 })],
  ["ProcessPoolExecutor", () => new ProcessPoolExecutor({ module, maxWorkers: 1 })],
] as const;

for (const [name, make] of kinds) {
  describe(`${name} progress`, () => {
    test("a chatty task's values arrive coalesced and in order; the last one before the result", async () => {
      const ex = make();
      live.push(ex);
      const n = 200_000;
      const fut = ex.submit(tasks.countTo, n);
      const seen: number[] = [];
      let doneAtLast = true;
      fut.onProgress((v) => {
        seen.push(v as number);
        doneAtLast = fut.done();
      });
      expect(await fut.result()).toBe(n);
      expect(fut.progress).toBe(n);
      expect(seen.at(-1)).toBe(n);
      expect(doneAtLast).toBe(false);
      expect(seen.length).toBeLessThan(n / 10);
      for (let i = 1; i < seen.length; i++) expect(seen[i] as number).toBeGreaterThan(seen[i - 1] as number);
    });

    test("a task that reports nothing leaves progress undefined", async () => {
      const ex = make();
      live.push(ex);
      const fut = ex.submit(tasks.countQuietly, 10);
      expect(await fut.result()).toBe(10);
      expect(fut.progress).toBeUndefined();
    });
  });
}

test("with concurrency, interleaved async tasks each get their own progress", async () => {
  const ex = new ThreadPoolExecutor({ module, maxWorkers: 1, concurrency: 2 });
  live.push(ex);
  const a = ex.submit(tasks.stepsAsync, "a", 5, 5);
  const b = ex.submit(tasks.stepsAsync, "b", 3, 5);
  const seenA: unknown[] = [];
  const seenB: unknown[] = [];
  a.onProgress((v) => seenA.push(v));
  b.onProgress((v) => seenB.push(v));
  expect(await Promise.all([a.result(), b.result()])).toEqual(["a", "b"]);
  expect(a.progress).toEqual({ name: "a", i: 5 });
  expect(b.progress).toEqual({ name: "b", i: 3 });
  expect(seenA.every((v) => (v as { name: string }).name === "a")).toBe(true);
  expect(seenB.every((v) => (v as { name: string }).name === "b")).toBe(true);
});

test("outside any task, and in Process/Thread targets, reportProgress is a harmless no-op", async () => {
  expect(() => reportProgress(1)).not.toThrow();
  for (const Kind of [Process, Thread]) {
    const p = new Kind({ target: tasks.targetThatReports, module }).start();
    await p.join();
    expect(p.exitCode).toBe(0);
  }
});
