import { afterEach, describe, expect, test } from "bun:test";
import { CancelledError, ThreadPoolExecutor } from "@conc/core";
import { cleanup, module, rawCall, start, TOKEN, until } from "./helpers.ts";

afterEach(cleanup);

function one(module_: URL, maxWorkers = 1) {
  return { threads: new ThreadPoolExecutor({ module: module_, maxWorkers }) };
}

async function metric(base: string, line: string): Promise<number> {
  const text = await (
    await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
  const m = text.split("\n").find((l) => l.startsWith(line));
  return m ? Number(m.slice(line.length).trim()) : 0;
}

describe("one admission ledger per pool", () => {
  test("a batch takes what fits; the rest is refused per task with retryAfterMs", async () => {
    const h = start({ limits: { maxQueued: 3 }, pools: one(module) });
    const calls = Array.from({ length: 5 }, () => ({ task: "sleep", args: [200] }));
    const r = await rawCall(h.base, "submitMany", { pool: "threads", calls }, "mutation");
    const data = (r.body as { result: { data: { ids: (string | null)[]; retryAfterMs: number } } }).result
      .data;
    expect(data.ids.filter((id) => id !== null)).toHaveLength(3);
    expect(data.ids.slice(3)).toEqual([null, null]);
    expect(data.retryAfterMs).toBeGreaterThan(0);
    const full = await rawCall(h.base, "submit", { pool: "threads", task: "add", args: [1, 2] }, "mutation");
    expect(full.status).toBe(429);
    expect(JSON.stringify(full.body)).toContain("retryAfterMs");
  });

  test("maxQueued 2, one client submitting 8 in one tick: all 8 run (refused work stays pending and is resent)", async () => {
    const h = start({ limits: { maxQueued: 2 }, pools: one(module) });
    const remote = h.client();
    const fs = Array.from({ length: 8 }, (_, i) => remote.submit("sleep", 20, i));
    await Bun.sleep(5);
    expect(fs.some((f) => f.done())).toBe(false);
    expect(await Promise.all(fs.map((f) => f.result()))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await metric(h.base, 'conc_tasks_submitted_total{pool="threads",task="sleep"}')).toBe(8);
  });

  test("work refused for room waits here and cancel() of it is true: it never reaches the server", async () => {
    const h = start({ limits: { maxQueued: 2 }, pools: one(module) });
    const remote = h.client();
    const fs = Array.from({ length: 8 }, (_, i) => remote.submit("sleep", 300, i));
    const refused = fs.slice(2);
    // Two admitted, six refused and waiting here (between resends the whole backlog is here):
    // cancelled in the same tick as that is seen.
    const answers = await until(
      () => remote.queued === 6 && refused.map((f) => f.cancel()),
      "six refused calls here",
    );
    expect(answers).toEqual([true, true, true, true, true, true]);
    expect(await Promise.all(fs.slice(0, 2).map((f) => f.result()))).toEqual([0, 1]);
    for (const f of refused) await expect(f.result()).rejects.toBeInstanceOf(CancelledError);
    expect(await metric(h.base, 'conc_tasks_submitted_total{pool="threads",task="sleep"}')).toBe(2);
  });

  test("30k remote submits through a 1,000-slot pool complete like local ones", async () => {
    const h = start({ limits: { maxQueued: 1000 }, pools: one(module, 2) });
    const remote = h.client();
    const n = 30_000;
    const fs = Array.from({ length: n }, (_, i) => remote.submit("add", i, 1));
    const out = await Promise.all(fs.map((f) => f.result()));
    expect(out.every((v, i) => v === i + 1)).toBe(true);
    expect(await metric(h.base, 'conc_tasks_submitted_total{pool="threads",task="add"}')).toBe(n);
  }, 30_000);

  test("resending a batch by id never duplicates an accepted task", async () => {
    const h = start({ limits: { maxQueued: 2 }, pools: one(module) });
    const ids: [string, string, string] = ["AAAAAAAAAAAAAAA1", "AAAAAAAAAAAAAAA2", "AAAAAAAAAAAAAAA3"];
    const calls = ids.map((id) => ({ task: "sleep", args: [150, id], id }));
    const first = await rawCall(h.base, "submitMany", { pool: "threads", calls }, "mutation");
    const a = (first.body as { result: { data: { ids: (string | null)[] } } }).result.data.ids;
    expect(a).toEqual([ids[0], ids[1], null]);
    const again = await rawCall(h.base, "submitMany", { pool: "threads", calls }, "mutation");
    const b = (again.body as { result: { data: { ids: (string | null)[] } } }).result.data.ids;
    // The first two are the same tasks (no room taken twice); the third still waits for room.
    expect(b).toEqual([ids[0], ids[1], null]);
    expect(await metric(h.base, 'conc_tasks_submitted_total{pool="threads",task="sleep"}')).toBe(2);
    const taken = await rawCall(
      h.base,
      "submit",
      { pool: "threads", task: "add", args: [], id: ids[0] },
      "mutation",
    );
    expect(taken.status).toBe(409);
  });

  test("a map larger than the room streams through a window, counts in metrics, and drain waits for it", async () => {
    const h = start({ limits: { maxQueued: 4 }, pools: one(module, 2) });
    const args = Array.from({ length: 40 }, (_, i) => [5, i]);
    const mapping = fetch(`${h.base}/trpc/map?batch=1`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        "trpc-accept": "application/jsonl",
      },
      body: JSON.stringify({ 0: { pool: "threads", task: "sleep", args } }),
    }).then((res) => res.text());
    await Bun.sleep(30);
    let drained = false;
    const draining = h.app.drain().then(() => (drained = true));
    const body = await mapping;
    // Every item, in order (JSONL: one line per item).
    const indexes = [...body.matchAll(/"index":(\d+)/g)].map((m) => Number(m[1]));
    expect(indexes).toEqual(args.map((_, i) => i));
    expect(body).not.toContain('"ok":false');
    await draining;
    expect(drained).toBe(true);
    expect(await metric(h.base, 'conc_tasks_completed_total{pool="threads",task="sleep"}')).toBe(40);
    expect(await metric(h.base, 'conc_task_duration_seconds_count{pool="threads",task="sleep"}')).toBe(40);
    const late = await rawCall(h.base, "submit", { pool: "threads", task: "add", args: [1, 2] }, "mutation");
    expect(late.status).toBe(503);
  });
});
