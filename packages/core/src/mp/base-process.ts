/**
 * What Process and Thread share: start a one-shot worker running `target(...args)`, then
 * observe it (join, isAlive, exitCode) or stop it (terminate, kill).
 */
import { constants } from "node:os";
import type { TargetReport, TargetStart } from "../entry/target-entry.ts";
import { ArgumentTypeError, InvalidStateError } from "../errors.ts";
import type { AnyFn } from "../executor/executor.ts";
import { FnRegistry } from "../executor/fn-registry.ts";
import { ModuleExports } from "../executor/module-exports.ts";
import { normalizeModule, validateArgs, validateTaskFn } from "../executor/options.ts";
import { deserializeError } from "../transport/error-codec.ts";
import type { FnDef } from "../transport/protocol.ts";
import { Deadline, raceDeadline } from "../util/deadline.ts";

export interface ProcessOptions<F extends AnyFn = AnyFn> {
  /** The function to run: an export of `module`, or a self-contained function. */
  target: F | string;
  args?: Parameters<F> | unknown[];
  name?: string;
  /** Daemons do not keep the program alive and end with it. */
  daemon?: boolean;
  module?: string | URL;
}

/** How a one-shot worker is started and stopped. */
export interface Runner {
  readonly pid: number | undefined;
  /** Resolves with [exitCode (negative signal number when killed)] once the worker is gone. */
  readonly exited: Promise<number>;
  stop(signal: "SIGTERM" | "SIGKILL"): void;
  unref(): void;
  /** Error the target threw, if it reported one. */
  reported: TargetReport | undefined;
}

let counter = 0;

export abstract class BaseProcess {
  readonly name: string;
  readonly daemon: boolean;
  #target: FnDef;
  #module: string | null;
  #exports: ModuleExports;
  #args: unknown[];
  #runner: Runner | undefined;
  #exitCode: number | null = null;
  #forced: number | null = null;

  constructor(options: ProcessOptions, kind: string) {
    if (options === null || typeof options !== "object")
      throw new ArgumentTypeError(`new ${kind}() needs { target, args? }.`, "options");
    validateTaskFn(options.target, "target");
    const args = options.args ?? [];
    if (!Array.isArray(args)) throw new ArgumentTypeError("args must be an array.", "args");
    validateArgs(args);
    this.#module = normalizeModule(options.module);
    this.#exports = new ModuleExports(this.#module);
    const registry = new FnRegistry(this.#module, () => undefined);
    this.#target = registry.defs[registry.idOf(options.target)] as FnDef;
    this.#args = args;
    this.name = options.name ?? `${kind}-${++counter}`;
    this.daemon = options.daemon ?? false;
  }

  protected abstract launch(start: TargetStart): Runner;

  /** Starts the worker. Starting twice throws. */
  start(): this {
    if (this.#runner)
      throw new InvalidStateError(`${this.name} was already started: a process can be started once.`);
    const runner = this.launch({
      module: this.#module,
      target: this.#target,
      args: this.#args,
      name: this.name,
    });
    this.#runner = runner;
    if (this.daemon) runner.unref();
    void runner.exited.then((code) => {
      this.#exitCode = this.#forced ?? code;
    });
    return this;
  }

  /** OS process id (processes), undefined before start and for threads. */
  get pid(): number | undefined {
    return this.#runner?.pid;
  }

  /** `null` while running (or before start); 0 on success; 1 when the target threw; -N when killed by signal N. */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** True between start() and the end of the worker. */
  isAlive(): boolean {
    return this.#runner !== undefined && this.#exitCode === null;
  }

  /** Waits for the end (at most `timeoutMs`; then returns with exitCode still null). Joining before start throws. */
  async join(timeoutMs?: number): Promise<void> {
    const deadline = Deadline.after(timeoutMs);
    const runner = this.#runner;
    if (!runner) throw new InvalidStateError(`Cannot join ${this.name} before start().`);
    await raceDeadline(runner.exited, deadline);
    // Let the exit code land (it is set in a then() on the same promise).
    await Promise.resolve();
  }

  /** Asks the worker to stop (SIGTERM): exitCode becomes -15. */
  terminate(): void {
    this.#stop("SIGTERM");
  }

  /** Stops the worker at once (SIGKILL): exitCode becomes -9. */
  kill(): void {
    this.#stop("SIGKILL");
  }

  /** @internal the error the target threw, rebuilt (for spawn). */
  reportedError(): unknown {
    const r = this.#runner?.reported;
    return r ? deserializeError(r.error, this.#exports.resolveErrorClass) : undefined;
  }

  /** @internal resolves with the exit code. */
  whenExited(): Promise<number> {
    if (!this.#runner) throw new InvalidStateError(`${this.name} was not started.`);
    return this.#runner.exited.then((code) => this.#forced ?? code);
  }

  #stop(signal: "SIGTERM" | "SIGKILL"): void {
    if (!this.#runner || this.#exitCode !== null) return;
    this.#forced ??= -constants.signals[signal];
    this.#runner.stop(signal);
  }
}
