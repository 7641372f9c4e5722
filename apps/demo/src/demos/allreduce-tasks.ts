/** The rank function of the all-reduce demo: fn(rank, ...args) as mp.spawn calls it. */
import type { Barrier, SharedArray } from "@conc/core";

/**
 * Each rank contributes a vector; after the first barrier every rank sums all contributions (an all-reduce in
 * shared memory) and checks it holds the same total; rank 0 publishes it.
 */
export function allReduceWorker(
  rank: number,
  worldSize: number,
  barrier: Barrier,
  contrib: SharedArray<"f64">,
  total: SharedArray<"f64">,
): void {
  const width = total.length;
  const mine = Array.from({ length: width }, (_, j) => (rank + 1) * 10 ** j);
  contrib.array.set(mine, rank * width);
  console.log(`子进程 ${rank}/${worldSize} 写入: [${mine.join(", ")}]`);
  barrier.wait();
  const sum = new Array<number>(width).fill(0);
  for (let r = 0; r < worldSize; r++)
    for (let j = 0; j < width; j++) sum[j] = (sum[j] as number) + contrib.get(r * width + j);
  if (rank === 0) total.array.set(sum);
  const index = barrier.wait();
  console.log(`子进程 ${rank}/${worldSize} all-reduce 结果: [${sum.join(", ")}] (barrier index ${index})`);
}
