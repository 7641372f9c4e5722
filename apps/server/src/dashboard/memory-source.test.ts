import { afterEach, describe, expect, test } from "bun:test";
import { ThreadPoolExecutor } from "@conc/core";
import { MemorySource } from "./memory-source.ts";

const module = new URL("../example/tasks.ts", import.meta.url);
const executors: ThreadPoolExecutor[] = [];
afterEach(async () => {
  for (const e of executors.splice(0)) await e.terminateWorkers();
});

function pool() {
  const e = new ThreadPoolExecutor({ module, maxWorkers: 1 });
  executors.push(e);
  return e;
}

describe("MemorySource", () => {
  test("records what instrumented pools run: outcome, args, counters, change notifications", async () => {
    const source = new MemorySource();
    const { p } = source.instrument({ p: pool() });
    let changes = 0;
    const off = source.subscribe(() => changes++);
    expect(await p.submit("add", 2, 3).result()).toBe(5);
    const err = await p.schedule("fail", { args: ["nope", 9] }).exception();
    expect((err as Error).name).toBe("TaskFailure");
    off();
    const [ok, bad] = [...source.records()];
    expect(source.get(ok?.id as string)).toMatchObject({
      task: "add",
      state: "FINISHED",
      ok: true,
      value: 5,
      args: [2, 3],
    });
    const failed = source.get(bad?.id as string);
    expect(failed).toMatchObject({ task: "fail", ok: false, args: ["nope", 9] });
    expect(failed?.error).toMatchObject({ name: "TaskFailure", message: "nope", fields: { code: 9 } });
    expect(source.pools()).toEqual([
      expect.objectContaining({ name: "p", kind: "threads", done: 1, failed: 1, cancelled: 0, running: 0 }),
    ]);
    expect(changes).toBeGreaterThanOrEqual(4); // two submits, two ends
  });

  test("cancel: a running task is stopped (CANCELLED); a finished one answers false; an unknown id undefined", async () => {
    const source = new MemorySource();
    const { p } = source.instrument({ p: pool() });
    const fut = p.submit("sleep", 60_000);
    const id = source.lastId() as string;
    while (source.get(id)?.state !== "RUNNING") await Bun.sleep(5);
    expect(source.cancel(id)).toBe(true);
    expect(((await fut.result().catch((e: unknown) => e)) as Error).name).toBe("CancelledError");
    expect(source.get(id)).toMatchObject({ state: "CANCELLED", ok: false });
    expect(source.pools()[0]?.cancelled).toBe(1);
    expect(source.cancel(id)).toBe(false);
    expect(source.cancel("nope")).toBeUndefined();
  });

  test("keeps at most maxRetained records, evicting the oldest finished first", async () => {
    const source = new MemorySource(3);
    const { p } = source.instrument({ p: pool() });
    for (let i = 0; i < 5; i++) await p.submit("add", i, 0).result();
    expect([...source.records()].map((r) => source.get(r.id)?.value)).toEqual([2, 3, 4]);
  });
});
