/** A private redis-server and node processes for the distributed benchmarks; everything is killed by pid. */
import { readUntil } from "@conc/core/testing";
import { type LocalRedis, startLocalRedis } from "@conc/distributed/testing";
import type { Subprocess } from "bun";

const nodeScript = new URL("./node.ts", import.meta.url).pathname;

/** Every child this process started: killed by pid if the benchmark itself is stopped (timeout, Ctrl-C). */
const children = new Set<Subprocess>();
function track<P extends Subprocess>(proc: P): P {
  children.add(proc);
  void proc.exited.then(() => children.delete(proc));
  return proc;
}
const killChildren = () => {
  for (const p of children) p.kill("SIGKILL");
};
process.on("exit", killChildren);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

export type Redis = LocalRedis;

/**
 * Starts redis-server (tracked: killed if the benchmark is stopped), or undefined when it is not on PATH
 * (the bench then reports the group as skipped, like a missing python3 or cc).
 */
export async function startRedis(): Promise<Redis | undefined> {
  if (!Bun.which("redis-server")) return undefined;
  return startLocalRedis({ onSpawn: track });
}

/** Starts `count` node processes (see node.ts) and waits until each is ready. */
export async function startNodes(
  count: number,
  args: string[],
): Promise<Subprocess<"ignore", "pipe", "inherit">[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const proc = Bun.spawn([process.execPath, nodeScript, ...args], {
        stdout: "pipe",
        stderr: "inherit",
        stdin: "ignore",
      });
      await readUntil(proc.stdout, "ready", "a bench node");
      return proc;
    }),
  );
}

export async function killAll(procs: Subprocess[], signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
  for (const p of procs) p.kill(signal);
  await Promise.all(procs.map((p) => p.exited));
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}
