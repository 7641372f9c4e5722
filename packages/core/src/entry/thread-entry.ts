/** Entry of a thread worker (Bun Worker). */
import type { ParentMessage, WorkerMessage } from "../transport/protocol.ts";
import { interceptExit, WorkerRuntime } from "./runtime.ts";

declare const self: {
  postMessage(msg: unknown): void;
  onmessage: ((e: MessageEvent<ParentMessage>) => void) | null;
};

const runtime = new WorkerRuntime((msg: WorkerMessage) => self.postMessage(msg));
interceptExit(runtime);
self.onmessage = (e) => {
  void runtime.handle(e.data);
};
