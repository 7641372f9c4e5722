// The classic producer/consumer with multiprocessing.Queue:
//   q = Queue(maxsize=2); Process(target=producer, args=(q,)); Process(target=consumer, args=(q, results))
import { Process, Queue } from "@conc/core";
import type { Demo } from "../demo.ts";
import { consumer, producer } from "./queue-tasks.ts";

const module = new URL("./queue-tasks.ts", import.meta.url);

export const queueDemo: Demo = {
  name: "queue",
  title: "multiprocessing.Queue: producer and consumer processes (bounded queue, sentinel None)",
  async run() {
    // maxsize 2: the producer blocks while the consumer lags (backpressure), as in Python.
    await using q = new Queue<number | null>({ maxsize: 2 });
    await using results = new Queue<number>();
    const n = 5;
    const p = new Process({ target: producer, args: [q, n], module }).start();
    const c = new Process({ target: consumer, args: [q, results], module }).start();
    await Promise.all([p.join(), c.join()]);
    const squares: number[] = [];
    while (!results.empty()) squares.push(results.get());
    console.log(`生产者退出码 ${p.exitCode}, 消费者退出码 ${c.exitCode}`);
    console.log(`消费者的结果: [${squares.join(", ")}]`);
  },
};
