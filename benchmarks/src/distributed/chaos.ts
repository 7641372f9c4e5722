/**
 * Chaos run (a benchmark, not a test): `bun benchmarks/src/distributed/chaos.ts [--tasks N]`.
 * 10k tasks through 4 worker nodes while 20 nodes are SIGKILLed (and replaced), the client's event
 * connection is CLIENT KILLed 5 times and Redis restarts once (no persistence). Prints a tally; the
 * promises: 0 hung futures, 0 duplicated settlements, 0 re-runs nobody asked for (retries: 0).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Future, WorkerExitedError } from "@conc/core";
import { DistributedExecutor, JobLostError } from "@conc/distributed";
import type { Subprocess } from "bun";
import { killAll, percentile, startNodes, startRedis } from "./harness.ts";
import type * as Tasks from "./tasks.ts";

const arg = process.argv.indexOf("--tasks");
const TOTAL = arg > 0 ? Number(process.argv[arg + 1]) : 10_000;
const NODE_KILLS = 20;
const EVENT_KILLS = 5;
const IN_FLIGHT = 300;

const redis = await startRedis();
if (!redis) {
  console.log("chaos: redis-server is not installed (apt-get install -y redis-server); nothing to do.");
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "conc-chaos-"));
const runLog = join(dir, "runs");
// Thread workers run one task at a time: 4 nodes × 4 threads.
const nodeArgs = ["conc", redis.url, "chaos", "8", "threads", "4"];
let nodes: Subprocess[] = await startNodes(4, nodeArgs);
const ex = new DistributedExecutor<typeof Tasks>({
  redis: redis.url,
  queue: "chaos",
  module: new URL("./tasks.ts", import.meta.url),
});

const settlements = new Map<number, number>();
const outcome = { ok: 0, wrongValue: 0, workerExited: 0, jobLost: 0, other: 0 };
const otherErrors = new Map<string, number>();
const futures: Future<number>[] = [];
const killTimes: number[] = [];
const deathLatency: number[] = [];
let submitted = 0;
let settled = 0;
let wake: (() => void) | undefined;

function submitOne(): void {
  const id = submitted++;
  const fut = ex.submit("record", runLog, id, 5 + Math.floor(Math.random() * 45));
  futures.push(fut);
  fut.addDoneCallback((f) => {
    settlements.set(id, (settlements.get(id) ?? 0) + 1);
    settled++;
    const o = f.peek();
    if (o?.ok) {
      if (o.value === id) outcome.ok++;
      else outcome.wrongValue++;
    } else if (o && o.error instanceof WorkerExitedError) {
      outcome.workerExited++;
      const lastKill = killTimes[killTimes.length - 1];
      if (lastKill !== undefined) deathLatency.push(performance.now() - lastKill);
    } else if (o && o.error instanceof JobLostError) outcome.jobLost++;
    else {
      outcome.other++;
      const name =
        o?.error instanceof Error ? `${o.error.name}: ${o.error.message.slice(0, 80)}` : String(o?.error);
      otherErrors.set(name, (otherErrors.get(name) ?? 0) + 1);
    }
    wake?.();
  });
}

const started = performance.now();
// Chaos schedule, spread over the expected run time.
const chaos = (async () => {
  const step = 500;
  let eventKills = 0;
  let restarted = false;
  for (let k = 0; k < NODE_KILLS; k++) {
    await Bun.sleep(step);
    const victim = nodes[Math.floor(Math.random() * nodes.length)] as Subprocess;
    killTimes.push(performance.now());
    victim.kill("SIGKILL");
    await victim.exited;
    nodes = nodes.filter((n) => n !== victim);
    nodes.push(...(await startNodes(1, nodeArgs)));
    if (k % 4 === 1 && eventKills < EVENT_KILLS) {
      const list = String(await redisCommand("CLIENT", "LIST"));
      const id = list
        .split("\n")
        .filter((l) => / cmd=xread/.test(l))
        .map((l) => /(?:^| )id=(\d+) /.exec(l)?.[1])[0];
      if (id) {
        await redisCommand("CLIENT", "KILL", "ID", id);
        eventKills++;
      }
    }
    if (k === 10 && !restarted) {
      await redis.restart();
      restarted = true;
    }
  }
  return { eventKills, restarted };
})();

async function redisCommand(...args: string[]): Promise<unknown> {
  const r = Bun.spawnSync(["redis-cli", "-p", String(redis?.port), ...args], { stdout: "pipe" });
  return r.stdout.toString();
}

while (submitted < TOTAL) {
  while (submitted < TOTAL && submitted - settled < IN_FLIGHT) submitOne();
  await new Promise<void>((resolve) => {
    wake = resolve;
  });
}
const { eventKills, restarted } = await chaos;
// Every future must end; give stragglers a generous grace period.
const deadline = performance.now() + 30_000;
while (settled < TOTAL && performance.now() < deadline) await Bun.sleep(50);
const hung = futures.filter((f) => !f.done()).length;
const runs = new Map<number, number>();
for (const line of readFileSync(runLog, "utf8").split("\n")) {
  if (line) runs.set(Number(line), (runs.get(Number(line)) ?? 0) + 1);
}
const reRuns = [...runs.values()].filter((n) => n > 1).length;
const duplicated = [...settlements.values()].filter((n) => n > 1).length;
deathLatency.sort((a, b) => a - b);

console.log(`chaos: ${TOTAL} tasks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(
  `  node SIGKILLs: ${killTimes.length}, CLIENT KILLs of the event connection: ${eventKills}, Redis restarts: ${restarted ? 1 : 0}`,
);
console.log(
  `  ok: ${outcome.ok}, WorkerExitedError: ${outcome.workerExited}, JobLostError: ${outcome.jobLost}, other errors: ${outcome.other}, wrong values: ${outcome.wrongValue}`,
);
for (const [name, n] of otherErrors) console.log(`    ${n} × ${name}`);
console.log(`  hung futures: ${hung}, duplicated settlements: ${duplicated}, unrequested re-runs: ${reRuns}`);
if (deathLatency.length > 0) {
  console.log(
    `  kill → WorkerExitedError: p50 ${percentile(deathLatency, 0.5).toFixed(0)} ms, p99 ${percentile(deathLatency, 0.99).toFixed(0)} ms (from the latest kill)`,
  );
}
await ex.shutdown({ wait: false, cancelFutures: true });
await killAll(nodes);
await redis.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(hung === 0 && duplicated === 0 && reRuns === 0 && outcome.wrongValue === 0 ? 0 : 1);
