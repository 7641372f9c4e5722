// The seed's mp.spawn program, extended: ranks meet at a Barrier and sum into a SharedArray (all-reduce).
import { Barrier, SharedArray, spawn } from "@conc/core";
import type { Demo } from "../demo.ts";
import { allReduceWorker } from "./allreduce-tasks.ts";

const module = new URL("./allreduce-tasks.ts", import.meta.url);

export const allReduceDemo: Demo = {
  name: "allreduce",
  title: "mp.spawn + Barrier + shared Array: an all-reduce in shared memory",
  async run() {
    const worldSize = 4;
    const width = 3;
    await using barrier = new Barrier(worldSize);
    await using contrib = new SharedArray("f64", worldSize * width);
    await using total = new SharedArray("f64", width);
    await spawn(allReduceWorker, { args: [worldSize, barrier, contrib, total], nprocs: worldSize, module });
    console.log(`共享内存中的和: [${total.toArray().join(", ")}]`);
  },
};
