import type { Demo } from "../demo.ts";
import { allReduceDemo } from "./allreduce.ts";
import { callCheck } from "./call-check.ts";
import { deadlock } from "./deadlock.ts";
import { distributed } from "./distributed.ts";
import { executorMap } from "./executor-map.ts";
import { executorSubmit } from "./executor-submit.ts";
import { pipeline } from "./pipeline.ts";
import { pool } from "./pool.ts";
import { popenDemo } from "./popen.ts";
import { processControl } from "./process-control.ts";
import { processes } from "./processes.ts";
import { progress } from "./progress.ts";
import { queueDemo } from "./queue.ts";
import { remote } from "./remote.ts";
import { spawnDemo } from "./spawn.ts";
import { threads } from "./threads.ts";

/** Every program of the tutorial, in its order. */
export const demos: Demo[] = [
  threads,
  processes,
  executorMap,
  executorSubmit,
  spawnDemo,
  allReduceDemo,
  popenDemo,
  pipeline,
  processControl,
  deadlock,
  callCheck,
  pool,
  queueDemo,
  progress,
  remote,
  distributed,
];
