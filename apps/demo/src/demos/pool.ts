// 附录: multiprocessing.Pool 的用法.
import { Pool } from "@conc/core";
import { type Demo, tasksModule } from "../demo.ts";
import { multiParamTask, processTask } from "../tasks.ts";

export const pool: Demo = {
  name: "pool",
  title: "Pool: map / imap / imapUnordered / apply / starmap / starmapAsync",
  async run() {
    const data = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    console.log(`原始数据: [${data.join(", ")}]\n`);
    await using pool = new Pool({ processes: 4, module: tasksModule });

    console.log("=== 使用 pool.map ===");
    const mapResults = await pool.map(processTask, data);
    console.log(`map 结果: [${mapResults.join(", ")}]\n`);

    console.log("=== 使用 pool.imap ===");
    const imapResults: number[] = [];
    for await (const res of pool.imap(processTask, data)) imapResults.push(res);
    console.log(`imap 结果: [${imapResults.join(", ")}]\n`);

    let i = 0;
    for await (const result of pool.imap(processTask, data, 50)) {
      if (i++ >= 5) break; // leaving early cancels what has not started
      console.log(result);
    }

    console.log("=== 使用 pool.imap_unordered ===");
    const unordered: number[] = [];
    for await (const res of pool.imapUnordered(processTask, data)) unordered.push(res);
    console.log(`imap_unordered 结果(无序): [${unordered.join(", ")}]\n`);

    console.log("=== 使用 pool.apply ===");
    const single = await pool.apply(processTask, [100]);
    console.log(`apply 单个结果: ${single}\n`);

    console.log("=== 使用 pool.starmap ===");
    const multiData: [number, number][] = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    console.log(`starmap 结果: [${(await pool.starmap(multiParamTask, multiData)).join(", ")}]`);

    console.log("=== 使用 pool.starmap_async ===");
    const asyncResult = pool.starmapAsync(multiParamTask, multiData);
    console.log("等待异步任务完成...");
    await Bun.sleep(500);
    console.log(`starmap_async 结果: [${(await asyncResult.get()).join(", ")}]`);
  },
};
