/** Thread workers: Bun `Worker`s running entry/thread-entry.ts. */
import { sharedClaims } from "./claims.ts";
import type { ParentMessage, WorkerMessage } from "./protocol.ts";
import type { WorkerEvents, WorkerHandle } from "./transport.ts";
import { packTasks, unpackResults } from "./typed-numbers.ts";

const ENTRY = new URL("../entry/thread-entry.ts", import.meta.url);

export function startThreadWorker(events: WorkerEvents, slots: number): WorkerHandle {
  const worker = new Worker(ENTRY);
  let exited = false;
  worker.addEventListener("message", (e: MessageEvent<WorkerMessage>) =>
    events.onMessage(unpackResults(e.data)),
  );
  // An uncaught error ends the worker; "close" follows with the code.
  worker.addEventListener("error", (e) => {
    e.preventDefault();
  });
  worker.addEventListener("close", (e: Event) => {
    if (exited) return;
    exited = true;
    const code = (e as CloseEvent).code;
    events.onExit(typeof code === "number" ? code : null, null);
  });
  return {
    pid: undefined,
    claims: sharedClaims(slots),
    send(msg: ParentMessage) {
      const [packed, transfer] = packTasks(msg);
      worker.postMessage(packed, transfer);
    },
    ref() {
      worker.ref();
    },
    unref() {
      worker.unref();
    },
    kill() {
      worker.terminate();
    },
  };
}
