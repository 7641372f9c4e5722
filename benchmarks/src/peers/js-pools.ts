/**
 * The JS worker pools conc's ThreadPoolExecutor.submit is compared with, each with its authors'
 * recommended settings on Bun, the same tiny task ({ a, b } → a + b), the same worker count and
 * one task per call. A peer that cannot start or hangs on this Bun is reported as skipped.
 *
 * - tinypool, piscina: fixed min = max threads (as their docs benchmark).
 * - poolifier: its Bun build, poolifier-web-worker (Web Workers; the maintainers' answer to
 *   poolifier on Bun), FixedThreadPool with default options (as poolifier's own versus-external-pools
 *   benchmark); and poolifier itself (node:worker_threads), which also starts on Bun 1.4.5.
 * - workerpool: workerType "web". Its "thread"/"auto" worker never answers on Bun 1.4.5 (the
 *   worker sees Bun's Web Worker globals, takes the browser branch, and its replies never reach a
 *   node:worker_threads parent), so Bun's own Worker is the only setting that runs.
 */
import Piscina from "piscina";
import { FixedThreadPool as NodeThreadPool } from "poolifier";
import { FixedThreadPool as WebThreadPool } from "poolifier-web-worker";
import Tinypool from "tinypool";
import workerpool from "workerpool";

type Task = { a: number; b: number };

export interface JsPool {
  name: string;
  /** Largest batch this peer is measured with (smaller than the others' only where it must be). */
  maxBatch?: number;
  /** Starts `n` tasks at once and resolves when all are done. */
  run(n: number): Promise<unknown>;
  close(): Promise<unknown>;
}

const here = (file: string) => new URL(`./${file}`, import.meta.url);
const all = (n: number, one: (t: Task) => Promise<unknown>) =>
  Promise.all(Array.from({ length: n }, (_, i) => one({ a: i, b: 1 })));

/** The peer pools by name, each started on demand with `workers` workers. */
export function jsPools(workers: number): [string, () => JsPool][] {
  return [
    [
      "tinypool",
      () => {
        const p = new Tinypool({
          filename: here("tiny-task.ts").href,
          minThreads: workers,
          maxThreads: workers,
        });
        return { name: "tinypool", run: (n) => all(n, (t) => p.run(t)), close: () => p.destroy() };
      },
    ],
    [
      "piscina",
      () => {
        const p = new Piscina({
          filename: here("piscina-task.cjs").href,
          minThreads: workers,
          maxThreads: workers,
        });
        return { name: "piscina", run: (n) => all(n, (t) => p.run(t)), close: () => p.destroy() };
      },
    ],
    [
      "poolifier-web-worker",
      () => {
        const p = new WebThreadPool<Task, number>(workers, here("poolifier-task.ts"));
        return {
          name: "poolifier-web-worker",
          run: (n) => all(n, (t) => p.execute(t)),
          close: () => p.destroy(),
        };
      },
    ],
    [
      "poolifier (worker_threads)",
      () => {
        const p = new NodeThreadPool<Task, number>(workers, here("poolifier-node-task.ts").pathname);
        return {
          name: "poolifier (worker_threads)",
          run: (n) => all(n, (t) => p.execute(t)),
          close: () => p.destroy(),
        };
      },
    ],
    [
      "workerpool",
      () => {
        const p = workerpool.pool(here("workerpool-task.ts").pathname, {
          minWorkers: workers,
          maxWorkers: workers,
          workerType: "web",
        });
        // On Bun its rate falls as batches grow and over time (measured: 49k/s on 2k batches when
        // fresh, 13k/s on 20k, 6.6k/s on 2k after 50k tasks; RSS +3 MB per 1k tasks), so 50k-task
        // batches x 9 would take minutes: it gets 10k-task batches, named in its row.
        return {
          name: "workerpool (10k-task batches)",
          maxBatch: 10_000,
          run: (n) => all(n, async (t) => await p.exec("add", [t])),
          close: async () => {
            await p.terminate();
          },
        };
      },
    ],
  ];
}

/**
 * Measures each peer in turn (started, warmed up, measured, closed: only one pool lives at a time).
 * A peer that fails to start, or does not finish its first tasks within 10 s, is null (skipped).
 * `measure` gets the batch size each run() performs.
 */
export async function measureJsPools(
  workers: number,
  measure: (name: string, batch: number, run: () => Promise<unknown>) => Promise<number>,
  n: number,
): Promise<Record<string, number | null>> {
  const rates: Record<string, number | null> = {};
  for (const [name, start] of jsPools(workers)) {
    let pool: JsPool | undefined;
    try {
      pool = start();
      await withTimeout(pool.run(workers * 100), 10_000, "did not answer its first tasks within 10 s");
      const p = pool;
      const batch = Math.min(n, p.maxBatch ?? n);
      rates[p.name] = await measure(p.name, batch, () => p.run(batch));
    } catch (err) {
      console.error(`${name} skipped: ${(err as Error).message}`);
      rates[pool?.name ?? name] = null;
    } finally {
      await pool?.close().catch(() => {});
    }
  }
  return rates;
}

/** `work`, or a rejection after `ms` (a peer that hangs must not hang the whole bench). */
export function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}
