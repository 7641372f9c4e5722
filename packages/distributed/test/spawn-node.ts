/** A worker node in its own process (test/fixtures/node.ts), for tests that SIGKILL it. */
import { readUntil } from "@conc/core/testing";
import type { Subprocess } from "bun";

export interface NodeProcess {
  proc: Subprocess<"ignore", "pipe", "inherit">;
  kill(signal?: "SIGKILL" | "SIGTERM"): Promise<number | null>;
}

export async function spawnNode(url: string, queue: string, pool = "threads"): Promise<NodeProcess> {
  const proc = Bun.spawn(["bun", new URL("./fixtures/node.ts", import.meta.url).pathname, url, queue, pool], {
    stdout: "pipe",
    stderr: "inherit",
    stdin: "ignore",
  });
  await readUntil(proc.stdout, "ready", "the worker node");
  return {
    proc,
    async kill(signal = "SIGKILL") {
      proc.kill(signal);
      await proc.exited;
      return proc.exitCode;
    },
  };
}
