/**
 * One benchmark node process: `bun node.ts conc|raw URL QUEUE CONCURRENCY [threads|processes] [maxWorkers]`.
 * "raw" is a plain BullMQ Worker computing the same trivial tasks inline (the peer); "conc" is runWorkerNode.
 */
import { runWorkerNode } from "@conc/distributed";
import { type Job, Worker } from "bullmq";

const [mode, url, queue, conc = "50", pool = "threads", maxWorkers = "1"] = process.argv.slice(2);
const concurrency = Number(conc);
if (mode === "raw") {
  const u = new URL(url as string);
  const worker = new Worker(
    queue as string,
    async (job: Job) => {
      const d = job.data as { op: string; a: number[] };
      if (d.op === "add") return (d.a[0] as number) + (d.a[1] as number);
      return d.a.map((x) => x * x);
    },
    {
      connection: { host: u.hostname, port: Number(u.port), maxRetriesPerRequest: null },
      concurrency,
      lockDuration: 2_000,
      stalledInterval: 1_000,
      maxStalledCount: 0,
    },
  );
  worker.on("error", () => {});
  await worker.waitUntilReady();
} else {
  await runWorkerNode({
    redis: url as string,
    queue: queue as string,
    module: new URL("./tasks.ts", import.meta.url),
    pool: pool as "threads" | "processes",
    maxWorkers: Number(maxWorkers),
    concurrency,
  });
}
console.log("ready");
process.on("SIGTERM", () => process.exit(0));
