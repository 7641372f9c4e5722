/** Task progress over the server: the store follows each Future's progress; streams and status carry it. */
import { afterEach, describe, expect, test } from "bun:test";
import { type ExecutorLike, Future, ThreadPoolExecutor } from "@conc/core";
import { createApp } from "@conc/server";
import { RemoteExecutor } from "@conc/server/client";
import { dashboardSource } from "../src/store/dashboard-source.ts";
import { type TaskRecord, TaskStore } from "../src/store/task-store.ts";
import type { WatchEvent } from "../src/wire.ts";
import { cleanup, module, start } from "./helpers.ts";

afterEach(cleanup);

/** Resolves with the first progress value of `fut` (at once if it has one). */
function firstProgress(fut: Future<unknown>): Promise<unknown> {
  if (fut.progress !== undefined) return Promise.resolve(fut.progress);
  return new Promise((resolve) => {
    const off = fut.onProgress((v) => {
      off();
      resolve(v);
    });
  });
}

describe("TaskStore progress", () => {
  function store() {
    const s = new TaskStore({ ttlMs: 60_000, maxRetained: 100 }, { onDone() {} });
    const fut = new Future<unknown>();
    // These tests never stop the task: the owner's stop() is not reached.
    const owner = { stop: () => false } as unknown as ExecutorLike;
    const rec = s.add("p".repeat(16), "pool", "task", [], fut, owner);
    return { s, fut, rec };
  }

  test("a stream gets progress coalesced (latest wins), and the last value rides in the done view", async () => {
    const { s, fut, rec } = store();
    const it = s.watchBatches([rec], 0);
    const first = it.next();
    fut.setRunningOrNotifyCancel();
    fut.setProgress(1);
    fut.setProgress(2);
    fut.setProgress(3);
    const b1 = (await first).value;
    expect(b1?.done).toEqual([]);
    expect(b1?.progress.map((r: TaskRecord) => [r.id, r.progress])).toEqual([[rec.id, 3]]);
    const second = it.next();
    fut.setProgress(4);
    fut.setResult("ok");
    // Progress 4 came in the same tick as the result: one entry, the done view, carrying it.
    const b2 = (await second).value;
    expect(b2?.progress).toEqual([]);
    expect(b2?.done).toEqual([
      [1, { id: rec.id, state: "FINISHED", done: true, ok: true, value: "ok", progress: 4 }],
    ]);
    expect((await it.next()).done).toBe(true);
    s.close();
  });

  test("subscribe fires on progress; the record keeps only the latest value", () => {
    const { s, fut, rec } = store();
    let changes = 0;
    const off = s.subscribe(() => changes++);
    fut.setRunningOrNotifyCancel();
    for (let i = 0; i < 1000; i++) fut.setProgress({ i });
    expect(changes).toBe(1000);
    expect(rec.progress).toEqual({ i: 999 });
    expect(rec.view()).toMatchObject({ state: "RUNNING", progress: { i: 999 } });
    off();
    fut.setResult(1);
    // Once done, the live state (and its progress listeners) is gone.
    expect(rec.progressWatchers).toBeUndefined();
    s.close();
  });

  test("a stream opened on a task with progress gets its current value first", async () => {
    const { s, fut, rec } = store();
    fut.setRunningOrNotifyCancel();
    fut.setProgress("half");
    const it = s.watchBatches([rec], 0);
    const b = (await it.next()).value;
    expect(b?.progress.map((r: TaskRecord) => r.progress)).toEqual(["half"]);
    fut.setResult(null);
    expect((await it.next()).value?.done.length).toBe(1);
    s.close();
  });
});

describe("progress through RemoteExecutor", () => {
  for (const transport of ["ws", "http"] as const) {
    test(`${transport}: onProgress sees the task's values in order, the last before the result`, async () => {
      const h = start();
      const c = h.client({ transport });
      const fut = c.submit("steps", 5, 2);
      const seen: string[] = [];
      fut.onProgress((v) => seen.push(`p${(v as { done: number }).done}`));
      fut.addDoneCallback(() => seen.push("done"));
      expect(await fut.result()).toBe(5);
      expect(fut.progress).toEqual({ done: 5, total: 5 });
      // Coalescing may skip values, never reorder them; the last comes before the result.
      expect(seen.at(-2)).toBe("p5");
      expect(seen.at(-1)).toBe("done");
      const nums = seen.slice(0, -1).map((x) => Number(x.slice(1)));
      expect(nums).toEqual([...nums].sort((a, b) => a - b));
    });

    test(`${transport}: progress arrives while the task runs; status and the dashboard show it`, async () => {
      const h = start();
      const c = h.client({ transport });
      const source = dashboardSource(h.app.context);
      let changes = 0;
      const fut = c.submit("reportThenSleep", { step: "half" }, 1e9);
      expect(await firstProgress(fut)).toEqual({ step: "half" });
      expect(fut.state).not.toBe("FINISHED");
      const id = (fut as unknown as { id: string }).id;
      const status = await c.trpc.status.query({ id });
      expect(status).toEqual({ id, state: "RUNNING", done: false, progress: { step: "half" } });
      expect(source.get(id)?.progress).toEqual({ step: "half" });
      expect([...source.records()].find((r) => r.id === id)?.progress).toEqual({ step: "half" });
      const off = source.subscribe(() => changes++);
      // Running: cancel() no longer reaches it (false, as locally); the admin cancel by id stops it.
      expect(fut.cancel()).toBe(false);
      expect(await c.trpc.cancel.mutate({ id })).toEqual({ cancelled: true });
      await fut.exception().catch(() => {});
      for (let i = 0; i < 100 && changes === 0; i++) await Bun.sleep(10);
      expect(changes).toBeGreaterThan(0);
      off();
    });
  }

  test("watch: a subscriber gets the current progress, then the outcome", async () => {
    const h = start();
    const c = h.client();
    const fut = c.submit("reportThenSleep", 42, 1e9);
    await firstProgress(fut);
    const id = (fut as unknown as { id: string }).id;
    const events: WatchEvent[] = [];
    let cancelled: Promise<{ cancelled: boolean }> | undefined;
    const ended = new Promise<void>((resolve) => {
      const sub = c.trpc.watch.subscribe(
        { ids: [id] },
        {
          onData(e: { id: string; data: unknown }) {
            events.push(e.data as WatchEvent);
            if (events.length === 1) cancelled = c.trpc.cancel.mutate({ id });
            if ((e.data as { done?: boolean }).done) {
              sub.unsubscribe();
              resolve();
            }
          },
        },
      );
    });
    await ended;
    // The outcome may arrive before the cancel's own answer: wait for it before the socket closes.
    expect(await cancelled).toEqual({ cancelled: true });
    expect(events[0]).toEqual({ type: "progress", updates: [[id, 42]] });
    expect(events.at(-1)).toMatchObject({ id, state: "CANCELLED", done: true, progress: 42 });
  });
});

test("createApp without a token still carries progress on the HTTP stream", async () => {
  const pool = new ThreadPoolExecutor({ module, maxWorkers: 1 });
  const app = createApp({ pools: { threads: pool } });
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch });
  try {
    const c = new RemoteExecutor({ url: `http://127.0.0.1:${server.port}/trpc`, pool: "threads" });
    const fut = c.submit("steps", 3, 1);
    expect(await fut.result()).toBe(3);
    expect(fut.progress).toEqual({ done: 3, total: 3 });
    await c.shutdown();
  } finally {
    await server.stop(true);
    await app.close();
    await pool.shutdown();
  }
});
