/** Task module of progress-cost.ts. */
import { reportProgress } from "@conc/core";

/** n iterations of a little arithmetic (about what a real per-item step costs), reporting each one if asked. */
export function work(n: number, report: boolean): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc = (acc + Math.sqrt(i) * 1.000001) % 1_000_003;
    if (report) reportProgress(i + 1);
  }
  return acc;
}
