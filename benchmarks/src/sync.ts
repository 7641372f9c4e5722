/**
 * Sync primitives next to CPython's multiprocessing, in one run: Queue put→get across two processes, an
 * uncontended Lock, and a Value incremented under its lock by two processes at once. This file is also the
 * task module of the conc side (the workers load its exports).
 */
import { Barrier, Lock, ProcessPoolExecutor, Queue, Value } from "@conc/core";
import { type Row, throughput } from "./measure.ts";
import { number } from "./peers/external.ts";

export function produce(q: Queue<number>, start: Barrier, n: number): void {
  start.wait();
  for (let i = 0; i < n; i++) q.put(i);
}

export function consume(q: Queue<number>, start: Barrier, n: number): number {
  start.wait();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += q.get();
  return sum;
}

export function increment(v: Value<"i32">, start: Barrier, n: number): void {
  const lock = v.getLock();
  start.wait();
  for (let i = 0; i < n; i++) {
    lock.acquire();
    v.value++;
    lock.release();
  }
}

/** The CPython side: prints one rate (items/s) for the mode in argv[1]. */
const PY = `
import sys, time, multiprocessing as mp
def produce(q, b, n):
    b.wait()
    for i in range(n): q.put(i)
def consume(q, b, n):
    b.wait()
    for i in range(n): q.get()
def increment(v, b, n):
    b.wait()
    for i in range(n):
        with v.get_lock(): v.value += 1
if __name__ == "__main__":
    mode, n = sys.argv[1], int(sys.argv[2])
    if mode == "lock":
        l = mp.Lock(); t = time.perf_counter()
        for i in range(n): l.acquire(); l.release()
        print(n / (time.perf_counter() - t)); sys.exit()
    b = mp.Barrier(3)
    if mode == "queue":
        q = mp.Queue()
        ps = [mp.Process(target=produce, args=(q, b, n)), mp.Process(target=consume, args=(q, b, n))]
    else:
        v = mp.Value("i", 0)
        ps = [mp.Process(target=increment, args=(v, b, n)) for _ in range(2)]
    for p in ps: p.start()
    b.wait(); t = time.perf_counter()
    for p in ps: p.join()
    total = n if mode == "queue" else 2 * n
    print(total / (time.perf_counter() - t))
`;

function python(mode: string, n: number): number | null {
  return number(["python3", "-c", PY, mode, String(n)]);
}

export async function benchSync(quick: boolean): Promise<Row[]> {
  const items = quick ? 200_000 : 1_000_000;
  // Enough per process that the two really overlap (a short run ends before the other process wakes up).
  const incs = quick ? 2_000_000 : 5_000_000;
  const locks = quick ? 2_000_000 : 10_000_000;
  await using ex = new ProcessPoolExecutor({ module: import.meta.url, maxWorkers: 2 });
  await using q = new Queue<number>();
  await using v = new Value("i32", 0);

  const queueRate = await throughput(
    "Queue put→get across processes",
    items,
    async () => {
      await using start = new Barrier(3);
      const p = ex.submit(produce, q, start, items);
      const c = ex.submit(consume, q, start, items);
      await start.waitAsync();
      await Promise.all([p.result(), c.result()]);
    },
    quick,
  );

  const lock = new Lock();
  const lockRate = await throughput(
    "Lock acquire+release",
    locks,
    async () => {
      for (let i = 0; i < locks; i++) {
        lock.acquire();
        lock.release();
      }
    },
    quick,
  );
  lock.close();

  const valueRate = await throughput(
    "Value increments, 2 processes",
    2 * incs,
    async () => {
      await using start = new Barrier(3);
      const fs = [ex.submit(increment, v, start, incs), ex.submit(increment, v, start, incs)];
      await start.waitAsync();
      for (const f of fs) await f.result();
    },
    quick,
  );
  const runs = (quick ? 3 : 8) + 1;
  if (v.value !== ((runs * 2 * incs) | 0))
    throw new Error(`Value bench lost increments: ${v.value} != ${runs * 2 * incs}`);

  return [
    {
      group: "sync",
      workload: "Queue put→get across 2 processes",
      unit: "items/s",
      conc: queueRate,
      peers: { "CPython multiprocessing.Queue": python("queue", quick ? 100_000 : 300_000) },
    },
    {
      group: "sync",
      workload: "Lock acquire+release, uncontended",
      unit: "pairs/s",
      conc: lockRate,
      peers: { "CPython multiprocessing.Lock": python("lock", quick ? 1_000_000 : 3_000_000) },
    },
    {
      group: "sync",
      workload: "Value += 1 under getLock(), 2 processes",
      unit: "increments/s",
      conc: valueRate,
      peers: { "CPython multiprocessing.Value": python("value", quick ? 100_000 : 300_000) },
    },
  ];
}

if (import.meta.main) {
  for (const r of await benchSync(process.argv.includes("--quick"))) console.log(r);
  process.exit(0);
}
