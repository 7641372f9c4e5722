import { afterEach, expect, test } from "bun:test";
import { Live, latestWins, type Tick } from "./live.ts";
import type { DashboardSource, PoolStats } from "./source.ts";

/** A source whose counters the test moves by hand. */
class Counters implements DashboardSource {
  stats: PoolStats = {
    name: "p",
    kind: "threads",
    workers: 1,
    maxWorkers: 1,
    queued: 0,
    running: 0,
    done: 0,
    failed: 0,
    cancelled: 0,
  };
  listeners = new Set<() => void>();
  pools() {
    return [{ ...this.stats }];
  }
  records() {
    return [];
  }
  get() {
    return undefined;
  }
  subscribe(fn: () => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  cancel() {
    return undefined;
  }
  finish(ok: boolean) {
    if (ok) this.stats.done++;
    else this.stats.failed++;
    for (const l of this.listeners) l();
  }
}

const lives: Live[] = [];
afterEach(() => {
  for (const l of lives.splice(0)) l.close();
});

function nextTick(live: Live): Promise<Tick> {
  return new Promise((resolve) => {
    const stop = live.listen((t) => {
      stop();
      resolve(t);
    });
  });
}

test("each tick carries the pools, the new throughput point and whether anything changed", async () => {
  const src = new Counters();
  const live = new Live(src, 5);
  lives.push(live);
  await nextTick(live); // the first tick reports the initial "changed"
  const quiet = await nextTick(live);
  expect(quiet.changed).toBe(false);
  src.finish(true);
  src.finish(true);
  src.finish(false);
  const t = await nextTick(live);
  expect(t.changed).toBe(true);
  expect(t.pools[0]).toMatchObject({ done: 2, failed: 1 });
  const series = live.throughput.series().p ?? [];
  expect(series.reduce((n, p) => n + p.completed, 0)).toBe(2);
  expect(series.reduce((n, p) => n + p.failed, 0)).toBe(1);
});

test("a task starting (queued and running move, no event from the source) counts as a change", async () => {
  const src = new Counters();
  const live = new Live(src, 5);
  lives.push(live);
  await nextTick(live);
  expect((await nextTick(live)).changed).toBe(false);
  src.stats.queued = 0;
  src.stats.running = 1;
  expect((await nextTick(live)).changed).toBe(true);
  expect((await nextTick(live)).changed).toBe(false);
});

test("records leaving the source (expiry) count as a change when the source tells its size", async () => {
  const src = Object.assign(new Counters(), { retained: 5, size: () => src.retained });
  const live = new Live(src, 5);
  lives.push(live);
  await nextTick(live);
  expect((await nextTick(live)).changed).toBe(false);
  src.retained = 3;
  expect((await nextTick(live)).changed).toBe(true);
});

test("close stops the ticks and drops the source subscription and listeners", async () => {
  const src = new Counters();
  const live = new Live(src, 5);
  live.listen(() => {});
  expect(src.listeners.size).toBe(1);
  expect(live.listeners).toBe(1);
  live.close();
  expect(src.listeners.size).toBe(0);
  expect(live.listeners).toBe(0);
});

test("latestWins: while a write is in flight, later ticks merge into one (no queue)", async () => {
  const written: Tick[] = [];
  let release: () => void = () => {};
  const feed = latestWins(
    (t) => {
      written.push(t);
      return new Promise<void>((r) => (release = r));
    },
    () => {},
  );
  const tick = (n: number, changed: boolean, pool = "p"): Tick => ({
    pools: [],
    points: { [pool]: { t: n, completed: n, failed: 0 } },
    changed,
  });
  feed(tick(1, false));
  for (let n = 2; n <= 100; n++) feed(tick(n, n === 50));
  feed(tick(101, false, "q"));
  expect(written.length).toBe(1);
  release();
  await Bun.sleep(0);
  expect(written.length).toBe(2);
  expect(written[1]).toEqual({
    pools: [],
    points: { p: { t: 100, completed: 100, failed: 0 }, q: { t: 101, completed: 101, failed: 0 } },
    changed: true,
  });
  release();
  await Bun.sleep(0);
  expect(written.length).toBe(2);
  feed(tick(102, false));
  expect(written.length).toBe(3);
});

test("latestWins: a failed write reports its error (the stream then ends)", async () => {
  const errors: unknown[] = [];
  let calls = 0;
  const feed = latestWins(
    async () => {
      calls++;
      throw new Error("gone");
    },
    (e) => errors.push(e),
  );
  feed({ pools: [], points: {}, changed: false });
  await Bun.sleep(0);
  expect(errors.length).toBe(1);
  expect(calls).toBe(1);
});
