/** Entry of a thread worker (Bun Worker). */
import type { ParentMessage, WorkerMessage } from "../transport/protocol.ts";
import { packResults } from "../transport/typed-numbers.ts";
import { interceptExit, WorkerRuntime } from "./runtime.ts";

declare const self: {
  postMessage(msg: unknown, transfer?: ArrayBuffer[]): void;
  onmessage: ((e: MessageEvent<ParentMessage>) => void) | null;
};

const runtime = new WorkerRuntime((msg: WorkerMessage) => {
  const [packed, transfer] = packResults(msg);
  self.postMessage(packed, transfer);
});
interceptExit(runtime);
self.onmessage = (e) => {
  void runtime.handle(e.data);
};
