/** Tasks of the queue demo (a module, so Process can load them by export name). */
import type { Queue } from "@conc/core";

/** producer(q): puts 0..n-1, then the sentinel null. */
export function producer(q: Queue<number | null>, n: number): void {
  for (let i = 0; i < n; i++) {
    q.put(i);
    console.log(`生产者放入: ${i}`);
  }
  q.put(null);
}

/** consumer(q, results): takes until the sentinel and hands each item (squared) back. */
export function consumer(q: Queue<number | null>, results: Queue<number>): void {
  for (let item = q.get(); item !== null; item = q.get()) {
    console.log(`消费者取出: ${item}`);
    results.put(item * item);
  }
}
