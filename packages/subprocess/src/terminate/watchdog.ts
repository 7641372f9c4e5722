/**
 * One watchdog process per parent guards the process groups of timed runs: if this process
 * dies (even by SIGKILL), the watchdog sees its stdin close and kills those groups.
 */

import { fileURLToPath } from "node:url";
import type { FileSink, Subprocess } from "bun";

const ENTRY = fileURLToPath(new URL("./watchdog-entry.ts", import.meta.url));
let dog: Subprocess<"pipe", "ignore", "inherit"> | undefined;

function sink(): FileSink {
  if (!dog || dog.exitCode !== null) {
    dog = Bun.spawn([process.execPath, ENTRY], { stdin: "pipe", stdout: "ignore", stderr: "inherit" });
    dog.unref();
    (dog.stdin as FileSink & { unref?: () => void }).unref?.();
  }
  return dog.stdin;
}

/** Registers a process group; returns the function that unregisters it. */
export function guardGroup(pgid: number): () => void {
  const s = sink();
  s.write(`+${pgid}\n`);
  s.flush();
  return () => {
    s.write(`-${pgid}\n`);
    s.flush();
  };
}
