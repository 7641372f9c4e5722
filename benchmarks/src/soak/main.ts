/**
 * `bun run soak` (a benchmark, not a test): kills and cancels under pressure, with a tally.
 * Bounded in time; every worker is ended before it exits. `--quick` for a smaller run.
 */
import { cancelSoak } from "./cancel-soak.ts";
import { distributedCancelSoak } from "./distributed-cancel-soak.ts";
import { killSoak } from "./kill-soak.ts";
import { remoteCancelSoak } from "./remote-cancel-soak.ts";

const quick = process.argv.includes("--quick");
const kill = await killSoak({
  tasks: quick ? 5_000 : 50_000,
  kills: quick ? 50 : 500,
  maxWorkers: 4,
  budgetMs: quick ? 30_000 : 150_000,
});
console.log("kill soak:", kill);
const cancels = [
  await cancelSoak("threads", quick ? 5 : 30, 1000),
  await cancelSoak("processes", quick ? 5 : 30, 1000),
];
for (const c of cancels) console.log("cancel soak:", c);
const remote = await remoteCancelSoak(quick ? 3 : 10, 1000);
console.log("remote cancel soak:", remote);
const distributed = await distributedCancelSoak(quick ? 2 : 5, 1000);
console.log("distributed cancel soak:", distributed ?? "skipped: redis-server is not installed");
const clean =
  kill.wrong === 0 &&
  kill.hanging === 0 &&
  kill.freshBatchOk &&
  kill.ok + kill.workerExited === kill.tasks &&
  cancels.every((c) => c.violations === 0) &&
  remote.violations === 0 &&
  (distributed === undefined || distributed.violations === 0);
console.log(clean ? "soak: CLEAN" : "soak: FAILED");
process.exit(clean ? 0 : 1);
