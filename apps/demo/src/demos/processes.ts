// 多进程(Multiprocessing): multiprocessing.Process with cpu_task.
import { Process } from "@conc/core";
import { type Demo, elapsed, tasksModule } from "../demo.ts";
import { cpuTask } from "../tasks.ts";

export const processes: Demo = {
  name: "processes",
  title: "multiprocessing.Process → Process: 3 × cpu_task, one process each",
  async run() {
    const start = performance.now();
    const processes: Process[] = [];
    for (let i = 0; i < 3; i++) {
      const process = new Process({ target: cpuTask, args: [i], module: tasksModule });
      processes.push(process);
      process.start();
    }
    for (const process of processes) await process.join();
    console.log(`Total time taken: ${elapsed(start)} seconds`);
  },
};
