/**
 * `bun run worker --redis URL --queue NAME --module PATH [--pool threads|processes] [--max-workers N]
 * [--concurrency N] [--drain-timeout MS]`: one worker node; SIGTERM/SIGINT drain it with a deadline.
 */
import { parseArgs } from "node:util";
import { runWorkerNode } from "./worker-node.ts";

const USAGE =
  "usage: bun run worker --redis redis://127.0.0.1:6379 --queue NAME --module PATH " +
  "[--pool threads|processes] [--max-workers N] [--concurrency N] [--drain-timeout MS]";

function int(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`${flag} must be a positive integer, got ${JSON.stringify(value)}.`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      redis: { type: "string" },
      queue: { type: "string" },
      module: { type: "string" },
      pool: { type: "string" },
      "max-workers": { type: "string" },
      concurrency: { type: "string" },
      "drain-timeout": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help || !values.redis || !values.queue || !values.module) {
    console.error(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const pool = values.pool ?? "processes";
  if (pool !== "threads" && pool !== "processes")
    throw new TypeError(`--pool must be threads or processes, got ${pool}.`);
  const drainMs = int(values["drain-timeout"], "--drain-timeout") ?? 10_000;
  const node = await runWorkerNode({
    redis: values.redis,
    queue: values.queue,
    module: values.module,
    pool,
    maxWorkers: int(values["max-workers"], "--max-workers"),
    concurrency: int(values.concurrency, "--concurrency"),
  });
  const info = node.info();
  console.log(
    `conc worker node ${node.id} on queue ${values.queue}: ${info.maxWorkers} ${pool} workers, concurrency ${info.concurrency}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`conc worker node ${node.id}: ${signal}, draining (up to ${drainMs} ms)`);
    void node.close({ timeoutMs: drainMs }).finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  console.error(`conc worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
