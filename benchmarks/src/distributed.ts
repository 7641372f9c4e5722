/**
 * @conc/distributed against raw BullMQ on the same private Redis, in one run: end-to-end tiny-task
 * throughput (4 nodes × 50), single-task latency, chunked map items/s, and cancel of a running task on
 * another node. Skipped (rows "skipped") when redis-server is not installed.
 */
import { WorkerExitedError } from "@conc/core";
import { DistributedExecutor } from "@conc/distributed";
import { Queue, QueueEvents } from "bullmq";
import { killAll, percentile, startNodes, startRedis } from "./distributed/harness.ts";
import type * as Tasks from "./distributed/tasks.ts";
import type { Row } from "./measure.ts";

const tasksModule = new URL("./distributed/tasks.ts", import.meta.url);
const KEEP = { age: 600, count: 20_000 };

/** A raw BullMQ client: addBulk + one QueueEvents, results matched by job id. */
async function rawClient(url: string, queue: string) {
  const u = new URL(url);
  const connection = { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null };
  const q = new Queue(queue, { connection });
  // From the stream's start (a fresh queue): with the default "$" the first events can slip by before XREAD.
  const events = new QueueEvents(queue, { connection, lastEventId: "0-0" });
  await events.waitUntilReady();
  const waiting = new Map<string, (v: unknown) => void>();
  events.on("completed", ({ jobId, returnvalue }) => {
    const done = waiting.get(jobId);
    if (done) {
      waiting.delete(jobId);
      done(returnvalue);
    }
  });
  let seq = 0;
  return {
    async run(jobs: { op: string; a: number[] }[]): Promise<unknown[]> {
      const ids = jobs.map(() => `r${++seq}`);
      const results = ids.map((id) => new Promise((resolve) => waiting.set(id, resolve)));
      await q.addBulk(
        jobs.map((data, i) => ({
          name: data.op,
          data,
          opts: { jobId: ids[i] as string, removeOnComplete: KEEP, removeOnFail: KEEP },
        })),
      );
      return Promise.all(results);
    },
    async close() {
      await events.close();
      await q.close();
    },
  };
}

/** Rejects when `p` takes longer than 60 s (a lost completion would otherwise hang the whole bench). */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within 60 s (completions lost?)`)), 60_000);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

async function latencies(n: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timed(call));
  return out.sort((a, b) => a - b);
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Every distributed row, with nulls when Redis is missing. */
function rows(v: {
  conc: number | null;
  raw: number | null;
  p50: number | null;
  rawP50: number | null;
  p99: number | null;
  rawP99: number | null;
  map: number | null;
  rawMap: number | null;
  map4k: number | null;
  rawMap4k: number | null;
  cancelP50: number | null;
  cancelP99: number | null;
  deathMax: number | null;
}): Row[] {
  return [
    {
      group: "distributed",
      workload: "DistributedExecutor tiny tasks, 4 nodes × 50, submit → result",
      unit: "tasks/s",
      conc: v.conc,
      peers: { "raw BullMQ (addBulk + QueueEvents)": v.raw },
    },
    {
      group: "distributed",
      workload: "one distributed task, p50 latency (lower is better)",
      unit: "ms",
      conc: v.p50,
      lowerIsBetter: true,
      peers: { "raw BullMQ add → completed p50": v.rawP50 },
    },
    {
      group: "distributed",
      workload: "one distributed task, p99 latency (lower is better)",
      unit: "ms",
      conc: v.p99,
      lowerIsBetter: true,
      peers: { "raw BullMQ add → completed p99": v.rawP99 },
    },
    {
      group: "distributed",
      workload: "distributed map, one job per 1024 items",
      unit: "items/s",
      conc: v.map,
      peers: { "raw BullMQ, one job per 1024 items": v.rawMap },
    },
    {
      group: "distributed",
      workload: "distributed map, one job per 4096 items",
      unit: "items/s",
      conc: v.map4k,
      peers: { "raw BullMQ, one job per 4096 items": v.rawMap4k },
    },
    {
      group: "distributed",
      workload: "cancel of a running task on another node, p50 (lower is better)",
      unit: "ms",
      conc: v.cancelP50,
      lowerIsBetter: true,
      peers: { "target p99 < 50 ms": 50 },
    },
    {
      group: "distributed",
      workload: "cancel of a running task on another node, p99 (lower is better)",
      unit: "ms",
      conc: v.cancelP99,
      lowerIsBetter: true,
      peers: { "target p99 < 50 ms": 50 },
    },
    {
      group: "distributed",
      workload: "node SIGKILL → WorkerExitedError, worst of the runs (lower is better)",
      unit: "ms",
      conc: v.deathMax,
      lowerIsBetter: true,
      peers: { "target ≤ 3000 ms": 3000 },
    },
  ];
}

export async function benchDistributed(quick: boolean): Promise<Row[]> {
  const redis = await startRedis();
  if (!redis) {
    // No rows rather than "skipped" ones: the bench's own test runs without redis-server on PATH.
    console.error(
      "distributed: redis-server is not installed; group skipped (apt-get install -y redis-server).",
    );
    return [];
  }
  const nodes = [
    ...(await startNodes(4, ["raw", redis.url, "raw", "50"])),
    ...(await startNodes(4, ["conc", redis.url, "conc", "50", "threads", "1"])),
    ...(await startNodes(1, ["conc", redis.url, "cancel", "1", "threads", "1"])),
  ];
  const raw = await rawClient(redis.url, "raw");
  const ex = new DistributedExecutor<typeof Tasks>({ redis: redis.url, queue: "conc", module: tasksModule });
  try {
    const n = quick ? 5_000 : 20_000;
    const concBatch = () =>
      within(Promise.all(Array.from({ length: n }, (_, i) => ex.submit("add", i, 1).result())), "conc batch");
    // Raw BullMQ has no recovery when its reader falls behind the trimmed event stream: bound the wait.
    const rawBatch = () =>
      within(raw.run(Array.from({ length: n }, (_, i) => ({ op: "add", a: [i, 1] }))), "raw batch");
    const log = (what: string) => console.error(`distributed: ${what}`);
    log("warm-up");
    await concBatch();
    await rawBatch();
    log("throughput");
    const concTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let r = 0; r < (quick ? 2 : 4); r++) {
      rawTimes.push(await timed(rawBatch));
      concTimes.push(await timed(concBatch));
      log(`run ${r}: raw ${rawTimes[r]?.toFixed(0)} ms, conc ${concTimes[r]?.toFixed(0)} ms for ${n} tasks`);
    }
    log("latency");
    const calls = quick ? 300 : 1_000;
    const cLat = await latencies(calls, () => ex.run("add", 1, 2));
    const rLat = await latencies(calls, () => raw.run([{ op: "add", a: [1, 2] }]));
    const items = quick ? 200_000 : 1_000_000;
    const concMap = async (chunksize = 1024) => {
      let count = 0;
      for await (const _ of ex.map("square", range(items), { chunksize })) count++;
      if (count !== items) throw new Error(`map gave ${count} of ${items}`);
    };
    const rawMap = async (chunksize = 1024) => {
      const jobs = [];
      for (let i = 0; i < items; i += chunksize)
        jobs.push({
          op: "square",
          a: Array.from({ length: Math.min(chunksize, items - i) }, (_, k) => i + k),
        });
      const out = (await raw.run(jobs)) as number[][];
      if (out.flat().length !== items) throw new Error("raw map lost items");
    };
    log("map");
    const mapT = median([await timed(() => concMap()), await timed(() => concMap())]);
    const rawMapT = median([await timed(() => rawMap()), await timed(() => rawMap())]);
    const map4kT = median([await timed(() => concMap(4096)), await timed(() => concMap(4096))]);
    const rawMap4kT = median([await timed(() => rawMap(4096)), await timed(() => rawMap(4096))]);
    log("cancel");
    const cancel = await cancelLatencies(redis.url, quick ? 10 : 30);
    log("node death");
    const death = await deathLatencies(redis.url, quick ? 2 : 5);
    return rows({
      conc: n / (median(concTimes) / 1000),
      raw: n / (median(rawTimes) / 1000),
      p50: percentile(cLat, 0.5),
      rawP50: percentile(rLat, 0.5),
      p99: percentile(cLat, 0.99),
      rawP99: percentile(rLat, 0.99),
      map: items / (mapT / 1000),
      rawMap: items / (rawMapT / 1000),
      map4k: items / (map4kT / 1000),
      rawMap4k: items / (rawMap4kT / 1000),
      cancelP50: percentile(cancel, 0.5),
      cancelP99: percentile(cancel, 0.99),
      deathMax: death[death.length - 1] ?? null,
    });
  } finally {
    await ex.shutdown({ cancelFutures: true });
    await raw.close();
    await killAll(nodes);
    await redis.stop();
  }
}

/** A queue's event stream, for waiting until a node has really started a job (a future is RUNNING once sent). */
async function queueEvents(url: string, queue: string): Promise<QueueEvents> {
  const u = new URL(url);
  const events = new QueueEvents(queue, {
    connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null },
  });
  await events.waitUntilReady();
  return events;
}

const nextActive = (events: QueueEvents) =>
  new Promise<void>((resolve) => events.once("active", () => resolve()));

/** SIGKILL of the node running a task → the task's future fails with WorkerExitedError. */
async function deathLatencies(url: string, n: number): Promise<number[]> {
  await using ex = new DistributedExecutor<typeof Tasks>({ redis: url, queue: "death", module: tasksModule });
  const events = await queueEvents(url, "death");
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const [node] = await startNodes(1, ["conc", url, "death", "1", "threads", "1"]);
      const started = nextActive(events);
      const fut = ex.submit("spin", 30_000);
      await started;
      await Bun.sleep(50);
      const t = performance.now();
      node?.kill("SIGKILL");
      const err = await fut.exception(20_000);
      if (!(err instanceof WorkerExitedError))
        throw new Error(`expected WorkerExitedError, got ${String(err)}`);
      out.push(performance.now() - t);
    }
  } finally {
    await events.close();
  }
  return out.sort((a, b) => a - b);
}

/** Abort → the node reports the running task stopped (its `failed` event), one task at a time. */
async function cancelLatencies(url: string, n: number): Promise<number[]> {
  const events = await queueEvents(url, "cancel");
  await using ex = new DistributedExecutor<typeof Tasks>({
    redis: url,
    queue: "cancel",
    module: tasksModule,
  });
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const ac = new AbortController();
      const started = nextActive(events);
      ex.schedule("spin", { args: [30_000], signal: ac.signal });
      await started;
      await Bun.sleep(5); // let the node's pool start it
      const stopped = new Promise<void>((resolve) => events.once("failed", () => resolve()));
      const t = performance.now();
      ac.abort();
      await stopped;
      out.push(performance.now() - t);
    }
  } finally {
    await events.close();
  }
  return out.sort((a, b) => a - b);
}

if (import.meta.main) {
  const quick = process.argv.includes("--quick");
  for (const r of await benchDistributed(quick)) {
    for (const [peer, value] of Object.entries(r.peers)) {
      const ratio = r.conc && value ? (r.lowerIsBetter ? value / r.conc : r.conc / value) : null;
      console.log(
        `${r.workload}: conc ${r.conc?.toFixed(2)} ${r.unit} | ${peer}: ${value?.toFixed(2)} | ${ratio?.toFixed(2)}×`,
      );
    }
  }
  process.exit(0);
}
