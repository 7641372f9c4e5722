import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import type { TargetReport, TargetStart } from "../entry/target-entry.ts";
import { spawnBunChild } from "../transport/spawn-bun.ts";
import { BaseProcess, type ProcessOptions, type Runner } from "./base-process.ts";

const ENTRY = fileURLToPath(new URL("../entry/target-entry.ts", import.meta.url));

/**
 * A child process running one function, like multiprocessing.Process.
 * @example
 * const p = new Process({ target: cpuTask, args: [1], module: import.meta.url }).start();
 * await p.join(); console.log(p.exitCode);
 */
export class Process extends BaseProcess {
  constructor(options: ProcessOptions) {
    super(options, "Process");
  }

  protected launch(start: TargetStart): Runner {
    let reported: TargetReport | undefined;
    const proc = spawnBunChild(ENTRY, (message: TargetReport) => {
      reported = message;
      proc.send("ack");
    });
    proc.send(start);
    return {
      pid: proc.pid,
      get reported() {
        return reported;
      },
      exited: proc.exited.then(() =>
        proc.signalCode
          ? -(constants.signals[proc.signalCode as keyof typeof constants.signals] ?? 1)
          : (proc.exitCode ?? 1),
      ),
      stop: (signal: "SIGTERM" | "SIGKILL") => proc.kill(signal),
      unref: () => proc.unref(),
    };
  }
}
