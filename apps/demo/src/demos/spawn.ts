// multiprocessing.spawn (torch.multiprocessing.spawn): fn(rank, ...args) in nprocs processes.
import { spawn } from "@conc/core";
import { type Demo, tasksModule } from "../demo.ts";
import { workerFunction } from "../tasks.ts";

export const spawnDemo: Demo = {
  name: "spawn",
  title: "mp.spawn(worker_function, args=(world_size, shared_arg), nprocs=4, join=True)",
  async run() {
    const worldSize = 4;
    const sharedArg = "hello from main";
    await spawn(workerFunction, {
      args: [worldSize, sharedArg],
      nprocs: worldSize,
      join: true,
      module: tasksModule,
    });
    console.log("所有子进程执行完毕");
  },
};
