/**
 * Guards the process group of a timed run: a small watchdog child holds the read end of a pipe
 * whose write end only this process has. If this process dies (even by SIGKILL), the pipe
 * closes and the watchdog kills the group. The group id travels in argv, so nothing is lost
 * when the parent dies before the watchdog has started.
 */
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./watchdog-entry.ts", import.meta.url));

/** Starts guarding `pgid`; returns the function that stops guarding (call it once the group is gone). */
export function guardGroup(pgid: number): () => void {
  const dog = Bun.spawn([process.execPath, ENTRY, String(pgid), String(process.pid)], {
    stdin: "pipe",
    stdout: "ignore",
    stderr: "inherit",
  });
  dog.unref();
  return () => dog.kill("SIGKILL");
}
