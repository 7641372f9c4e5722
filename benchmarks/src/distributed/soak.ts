/**
 * Redis memory and key count over many tasks (a benchmark, not a test):
 * `bun benchmarks/src/distributed/soak.ts [--tasks 1000000] [--retain 20000]`. Prints DBSIZE, used_memory and
 * the event stream's length every 10% — they must level off (count-capped retention, capped event stream).
 */
import { DistributedExecutor } from "@conc/distributed";
import { killAll, startNodes, startRedis } from "./harness.ts";
import type * as Tasks from "./tasks.ts";

const flag = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TOTAL = flag("--tasks", 1_000_000);
const RETAIN = flag("--retain", 20_000);
const WINDOW = 5_000;

const redis = await startRedis();
if (!redis) {
  console.log("soak: redis-server is not installed; nothing to do.");
  process.exit(0);
}
const nodes = await startNodes(2, ["conc", redis.url, "soak", "50", "threads", "1"]);
const ex = new DistributedExecutor<typeof Tasks>({
  redis: redis.url,
  queue: "soak",
  module: new URL("./tasks.ts", import.meta.url),
  maxRetained: RETAIN,
});
const cli = (...args: string[]) =>
  Bun.spawnSync(["redis-cli", "-p", String(redis.port), ...args], { stdout: "pipe" })
    .stdout.toString()
    .trim();
const started = performance.now();
console.log("tasks      dbsize   used_memory   events   tasks/s");
for (let done = 0; done < TOTAL; ) {
  const n = Math.min(WINDOW, TOTAL - done);
  await Promise.all(Array.from({ length: n }, (_, i) => ex.submit("add", done + i, 1).result()));
  done += n;
  if (done % (TOTAL / 10) < WINDOW || done === TOTAL) {
    const mem = /used_memory_human:(\S+)/.exec(cli("INFO", "memory"))?.[1];
    const rate = done / ((performance.now() - started) / 1000);
    console.log(
      `${String(done).padEnd(10)} ${cli("DBSIZE").padEnd(8)} ${String(mem).padEnd(13)} ${cli("XLEN", "bull:soak:events").padEnd(8)} ${rate.toFixed(0)}`,
    );
  }
}
await ex.shutdown();
await killAll(nodes);
await redis.stop();
process.exit(0);
