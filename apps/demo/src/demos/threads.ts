// 多线程(Multithreading): threading.Thread with io_task.
import { Thread } from "@conc/core";
import { type Demo, elapsed, tasksModule } from "../demo.ts";
import { ioTask } from "../tasks.ts";

export const threads: Demo = {
  name: "threads",
  title: "threading.Thread → Thread: 3 × io_task (sleep 1 s) in about 1 s",
  async run() {
    const start = performance.now();
    const threads: Thread[] = [];
    for (let i = 0; i < 3; i++) {
      const thread = new Thread({ target: ioTask, args: [i], module: tasksModule });
      threads.push(thread);
      thread.start();
    }
    for (const thread of threads) await thread.join();
    console.log(`Total time taken: ${elapsed(start)} seconds`);
  },
};
