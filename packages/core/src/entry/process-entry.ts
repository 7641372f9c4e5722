/** Entry of a process worker (Bun.spawn child with IPC). */
import { packWorker, unpackParent } from "../transport/bulk-json.ts";
import type { ParentMessage, WorkerMessage } from "../transport/protocol.ts";
import { interceptExit, WorkerRuntime } from "./runtime.ts";

const send = process.send?.bind(process);
if (!send) {
  console.error("conc: process-entry must be started by a ProcessPoolExecutor (no IPC channel).");
  process.exit(2);
}
const runtime = new WorkerRuntime((msg: WorkerMessage) => {
  send(packWorker(msg));
});
interceptExit(runtime);
process.on("message", (msg: ParentMessage) => {
  void runtime.handle(unpackParent(msg));
});
// The parent going away ends this worker (Bun closes IPC children with their parent).
process.on("disconnect", () => process.exit(0));
