/** Process workers: `Bun.spawn` children with IPC running entry/process-entry.ts. */
import { fileURLToPath } from "node:url";
import { packParent, unpackWorker } from "./bulk-json.ts";
import { fileClaims } from "./claims.ts";
import type { ParentMessage, WorkerMessage } from "./protocol.ts";
import { spawnBunChild } from "./spawn-bun.ts";
import type { WorkerEvents, WorkerHandle } from "./transport.ts";

const ENTRY = fileURLToPath(new URL("../entry/process-entry.ts", import.meta.url));

/** IPC messages can still be queued when `exited` resolves: let them land before reporting the exit. */
const EXIT_REPORT_DELAY_MS = 20;

export function startProcessWorker(events: WorkerEvents, slots: number): WorkerHandle {
  const claims = fileClaims(slots);
  let proc: ReturnType<typeof spawnBunChild>;
  try {
    proc = spawnBunChild(
      ENTRY,
      (message: WorkerMessage) => events.onMessage(unpackWorker(message)),
      claims.fd,
    );
  } finally {
    claims.detach();
  }
  void proc.exited.then(() => {
    setTimeout(
      () => events.onExit(proc.exitCode, (proc.signalCode as string | null) ?? null),
      EXIT_REPORT_DELAY_MS,
    );
  });
  return {
    pid: proc.pid,
    claims,
    send(msg: ParentMessage) {
      try {
        proc.send(packParent(msg));
      } catch (err) {
        // The child is gone and its exit is about to be reported: what it held is settled then.
        if ((err as { code?: string }).code === "ERR_IPC_CHANNEL_CLOSED") return;
        throw err;
      }
    },
    ref() {
      proc.ref();
    },
    unref() {
      proc.unref();
    },
    kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
}
