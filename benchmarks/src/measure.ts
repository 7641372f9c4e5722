/** Runs a throughput workload under tinybench and reports operations per second. */
import { ProgressBar } from "@conc/core";
import { Bench } from "tinybench";

export interface Row {
  group: string;
  workload: string;
  unit: string;
  conc: number | null;
  peers: Record<string, number | null>;
  /** Latencies: smaller is better, so the ratio is peer / conc. */
  lowerIsBetter?: boolean;
}

/** How much better conc is than a peer (> 1 = conc better), or null when either is missing. */
export function advantage(r: Row, peer: number | null): number | null {
  if (
    r.conc === null ||
    peer === null ||
    !Number.isFinite(r.conc) ||
    !Number.isFinite(peer) ||
    r.conc <= 0 ||
    peer <= 0
  ) {
    return null;
  }
  return r.lowerIsBetter ? peer / r.conc : r.conc / peer;
}

/** ops/s of `run` (which performs `ops` operations), as the mean over tinybench iterations. */
export async function throughput(
  name: string,
  ops: number,
  run: () => Promise<unknown>,
  quick: boolean,
): Promise<number> {
  const iterations = quick ? 3 : 8;
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  // One progress line per benchmark (stderr; erased when done, so the table on stdout stays clean).
  const bar = new ProgressBar({ total: iterations + 1, label: name });
  bench.add(name, async () => {
    await run();
    bar.tick();
  });
  try {
    await bench.run();
  } finally {
    bar.close();
  }
  const task = bench.tasks[0];
  const result = task?.result as { state?: string; error?: unknown; latency?: { mean: number } } | undefined;
  if (result?.state === "errored") console.error(`${name} failed:`, result.error);
  const mean = result?.latency ? result.latency.mean : Number.NaN;
  return ops / (mean / 1000);
}

export function fmt(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "skipped";
  if (n >= 1000) return `${Math.round(n).toLocaleString("en-US")}`;
  return n.toFixed(2);
}
