/**
 * Entry of a one-shot Process or Thread: runs one target, then ends with exit code 0, or 1
 * after printing the error (as Python does) and handing it to the parent.
 */
import { reviveIfAny } from "../sync/revive-args.ts";
import { type SerializedError, serializeError } from "../transport/error-codec.ts";
import type { FnDef } from "../transport/protocol.ts";
import { resolveDef } from "./resolve-function.ts";

export interface TargetStart {
  module: string | null;
  target: FnDef;
  args: unknown[];
  name: string;
}
export type TargetReport = { error: SerializedError };

declare const self: {
  postMessage(msg: unknown): void;
  onmessage: ((e: MessageEvent<TargetStart>) => void) | null;
};

const inProcess = typeof process.send === "function";

async function runTarget(msg: TargetStart): Promise<void> {
  // Threads share the process environment: only a child process takes the name.
  if (inProcess) process.env.CONC_PROCESS_NAME = msg.name;
  try {
    const ns = msg.module === null ? undefined : ((await import(msg.module)) as Record<string, unknown>);
    const fn = resolveDef(msg.target, ns, msg.module);
    await fn(...reviveIfAny(msg.args));
  } catch (err) {
    const stack = err instanceof Error ? (err.stack ?? String(err)) : String(err);
    console.error(`${inProcess ? "Process" : "Thread"} ${msg.name}:\n${stack}`);
    const report: TargetReport = { error: serializeError(err) };
    if (inProcess) {
      // A message sent right before exiting can be lost: exit once the parent acknowledges it.
      process.once("message", () => process.exit(1));
      process.send?.(report);
      return;
    }
    self.postMessage(report);
    process.exit(1);
  }
  process.exit(0);
}

if (inProcess) {
  process.once("message", (msg: TargetStart) => void runTarget(msg));
} else {
  self.onmessage = (e) => void runTarget(e.data);
}
