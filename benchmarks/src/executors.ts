/**
 * Executor submit throughput: conc threads/processes next to raw Bun transports and the JS pools
 * (tinypool, piscina, poolifier, workerpool: peers/js-pools.ts), one task per call, same worker count;
 * and the bulk maps of threads and executors next to CPython's.
 */
import { ProcessPoolExecutor, ThreadPool, ThreadPoolExecutor } from "@conc/core";
import { type Row, throughput } from "./measure.ts";
import { number, peer } from "./peers/external.ts";
import { measureJsPools } from "./peers/js-pools.ts";
import { addArgs, square } from "./peers/tiny-task.ts";

const taskModule = new URL("./peers/tiny-task.ts", import.meta.url);
const WORKERS = 2;

function rawWorkerEcho(n: number) {
  const workers = Array.from(
    { length: WORKERS },
    () => new Worker(new URL("./peers/echo-worker.ts", import.meta.url)),
  );
  const run = async () => {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            let left = n / WORKERS;
            w.onmessage = () => {
              if (--left === 0) resolve();
            };
            for (let i = 0; i < n / WORKERS; i++) w.postMessage({ a: i, b: 1 });
          }),
      ),
    );
  };
  return {
    run,
    close: () => {
      for (const w of workers) w.terminate();
    },
  };
}

function rawIpcEcho(n: number) {
  let onMsg: (() => void) | undefined;
  const procs = Array.from({ length: WORKERS }, () =>
    Bun.spawn([process.execPath, new URL("./peers/echo-child.ts", import.meta.url).pathname], {
      ipc: () => onMsg?.(),
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit"],
    }),
  );
  const run = () =>
    new Promise<void>((resolve) => {
      let left = n;
      onMsg = () => {
        if (--left === 0) resolve();
      };
      for (let i = 0; i < n; i++) (procs[i % WORKERS] as (typeof procs)[number]).send({ a: i, b: 1 });
    });
  return {
    run,
    close: () => {
      for (const p of procs) p.kill();
    },
  };
}

async function submitAll(ex: ThreadPoolExecutor | ProcessPoolExecutor, n: number): Promise<void> {
  const futures = new Array(n);
  for (let i = 0; i < n; i++) futures[i] = ex.submit(addArgs, i, 1);
  await futures[n - 1].result();
  for (const f of futures) await f.result();
}

export async function benchExecutors(quick: boolean): Promise<Row[]> {
  const n = quick ? 50_000 : 200_000;
  const pn = quick ? 20_000 : 100_000;
  const rows: Row[] = [];

  const echo = rawWorkerEcho(n);
  const rawWorker = await throughput("raw Worker", n, echo.run, quick);
  echo.close();
  const threads = new ThreadPoolExecutor({ module: taskModule, maxWorkers: WORKERS });
  await submitAll(threads, 1000);
  const concThreads = await throughput("conc threads", n, () => submitAll(threads, n), quick);
  await threads.shutdown();
  // The peers take 10-100x longer per task: a smaller batch keeps the run short (rates are per task).
  const peerN = quick ? 10_000 : 50_000;
  const peers = await measureJsPools(
    WORKERS,
    (name, batch, run) => throughput(name, batch, run, quick),
    peerN,
  );
  rows.push({
    group: "executor",
    workload: `ThreadPoolExecutor.submit tiny task (${WORKERS} workers)`,
    unit: "tasks/s",
    conc: concThreads,
    peers: { "raw Bun Worker echo": rawWorker, ...peers },
  });

  const ipc = rawIpcEcho(pn);
  const rawIpc = await throughput("raw IPC", pn, ipc.run, quick);
  ipc.close();
  const procs = new ProcessPoolExecutor({ module: taskModule, maxWorkers: WORKERS });
  await submitAll(procs, 1000);
  const concProcs = await throughput("conc processes", pn, () => submitAll(procs, pn), quick);
  await procs.shutdown();
  rows.push({
    group: "executor",
    workload: `ProcessPoolExecutor.submit tiny task (${WORKERS} workers)`,
    unit: "tasks/s",
    conc: concProcs,
    peers: { "raw Bun.spawn IPC echo": rawIpc },
  });
  rows.push(...(await benchBulkMaps(quick)));
  return rows;
}

/**
 * Bulk maps next to their CPython twins (Pool.map itself is in pool.ts): ThreadPool.map, and
 * ProcessPoolExecutor.map with CPython-sized chunks (ceil(n / (4 × workers)), both sides).
 */
async function benchBulkMaps(quick: boolean): Promise<Row[]> {
  const n = quick ? 200_000 : 1_000_000;
  const items = Array.from({ length: n }, (_, i) => i);
  const chunksize = Math.ceil(n / (4 * WORKERS));
  const python = (kind: string) =>
    number(["python3", peer("py_pool_map.py"), String(n), quick ? "2" : "3", String(WORKERS), kind]);
  const tp = new ThreadPool({ processes: WORKERS, module: taskModule });
  await tp.map(square, items.slice(0, 1000));
  const threadMap = await throughput("ThreadPool.map", n, () => tp.map(square, items), quick);
  await tp.terminate();
  const ex = new ProcessPoolExecutor({ module: taskModule, maxWorkers: WORKERS });
  const collect = async () => {
    const out = new Array<number>(n);
    let i = 0;
    for await (const v of ex.map(square, items, { chunksize })) out[i++] = v;
    return out;
  };
  await ex.run(square, 1);
  const executorMap = await throughput("ProcessPoolExecutor.map", n, collect, quick);
  await ex.shutdown();
  const count = n.toLocaleString("en-US");
  return [
    {
      group: "pool",
      workload: `ThreadPool.map over ${count} tiny items (${WORKERS} threads)`,
      unit: "items/s",
      conc: threadMap,
      peers: { "CPython multiprocessing.pool.ThreadPool.map": python("threadpool") },
    },
    {
      group: "pool",
      workload: `ProcessPoolExecutor.map(chunksize ${chunksize.toLocaleString("en-US")}) over ${count} items (${WORKERS} processes)`,
      unit: "items/s",
      conc: executorMap,
      peers: { "CPython ProcessPoolExecutor.map(chunksize)": python("ppe") },
    },
  ];
}
