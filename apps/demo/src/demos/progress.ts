// tqdm around as_completed, and a task that reports its own progress: withProgress + reportProgress.
import { asCompleted, ProcessPoolExecutor, withProgress } from "@conc/core";
import { type Demo, tasksModule } from "../demo.ts";
import { longJob } from "../tasks.ts";

interface Step {
  done: number;
  total: number;
}

export const progress: Demo = {
  name: "progress",
  title: "tqdm(as_completed(...)) and tasks that report progress",
  async run() {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 2, module: tasksModule });
    const futures = [1, 2, 3, 4].map((id) => executor.submit(longJob, id, 25));
    let updates = 0;
    let ordered = true;
    for (const f of futures) {
      let last = 0;
      f.onProgress((value) => {
        const { done } = value as Step;
        if (done < last) ordered = false;
        last = done;
        updates++;
      });
    }
    const finished: number[] = [];
    for await (const f of withProgress(asCompleted(futures), { total: futures.length, label: "jobs" })) {
      finished.push(await f.result());
    }
    console.log(`finished jobs: ${finished.sort((a, b) => a - b).join(", ")}`);
    console.log(`last progress of each: ${futures.map((f) => (f.progress as Step).done).join(", ")}`);
    console.log(`progress updates seen: ${updates > 0 ? "some" : "none"}, in order: ${ordered}`);
  },
};
