/** Python's subprocess.Popen on Bun.spawn. */
import type { Subprocess } from "bun";
import { POPEN_OPTIONS, rejectUnknownOptions } from "../arguments/known-options.ts";
import { type CommandOptions, normalizeCommand, spawnFailure, spawnFields } from "../arguments/normalize.ts";
import { type Output, TimeoutExpired } from "../errors.ts";
import { InputStream } from "../stdio/input-stream.ts";
import type { OutputStream } from "../stdio/output-stream.ts";
import { closeParentEnds, releaseChildEnds, resolveStdio, type StdioOption } from "../stdio/resolve-stdio.ts";
import type { DecodeErrors } from "../stdio/text.ts";
import { killGroup, type SignalName, signalNumber, toReturncode } from "../terminate/signals.ts";
import { type GroupGuard, startGuard } from "../terminate/watchdog.ts";
import { EXPIRED, raceTimeout, validateTimeout } from "../timeout/deadline.ts";

export interface PopenOptions extends CommandOptions {
  stdin?: StdioOption;
  stdout?: StdioOption;
  stderr?: StdioOption;
  /** Text mode: decode output (UTF-8 unless `encoding`), \r\n → \n, iterate lines. */
  text?: boolean | undefined;
  /** Text encoding; giving one turns on text mode, as in Python. */
  encoding?: string | undefined;
  /** Bad bytes in text mode: "strict" (default, UnicodeDecodeError) or "replace" (U+FFFD); turns on text mode. */
  errors?: DecodeErrors | undefined;
  /** Run the child in a new session (setsid): its own process group. */
  startNewSession?: boolean | undefined;
}

/** @internal options only run() uses. */
export interface InternalPopenOptions extends PopenOptions {
  /** Kill the child's group if this process dies. */
  guardSession?: boolean;
}

/**
 * A running child process.
 * @example
 * await using p = new Popen(["ls", "-l"], { stdout: PIPE, text: true });
 * const [out] = await p.communicate();
 */
export class Popen implements AsyncDisposable {
  readonly args: string | readonly string[];
  readonly pid: number;
  readonly stdin: InputStream | null;
  readonly stdout: OutputStream | null;
  readonly stderr: OutputStream | null;
  readonly textMode: boolean;
  readonly #proc: Subprocess;
  readonly #session: boolean;
  readonly #exited: Promise<number>;
  #returncode: number | null = null;
  #input: Promise<void> | undefined;
  #communicated: Promise<unknown> | undefined;
  #unguard: (() => void) | undefined;

  constructor(args: string | readonly string[], options: PopenOptions = {}) {
    this.args = args;
    const opts = options as InternalPopenOptions;
    rejectUnknownOptions(opts, POPEN_OPTIONS, "Popen", ["guardSession"]);
    const command = normalizeCommand(args, opts);
    this.textMode = Boolean(opts.text || opts.encoding || opts.errors);
    const io = resolveStdio(opts, {
      text: this.textMode,
      encoding: opts.encoding ?? "utf-8",
      errors: opts.errors ?? "strict",
    });
    // The watchdog exists before the child, so a parent killed right after the spawn still has one.
    const guard: GroupGuard | undefined =
      opts.startNewSession && opts.guardSession ? startGuard() : undefined;
    let proc: Subprocess;
    try {
      proc = Bun.spawn({ ...spawnFields(command), stdio: io.stdio, detached: Boolean(opts.startNewSession) });
    } catch (err) {
      guard?.release();
      releaseChildEnds(io);
      closeParentEnds(io);
      throw spawnFailure(err, command);
    }
    guard?.arm(proc.pid);
    releaseChildEnds(io);
    this.#proc = proc;
    this.pid = proc.pid;
    this.#session = Boolean(opts.startNewSession);
    if (guard) this.#unguard = () => guard.release();
    this.stdin = io.stdio[0] === "pipe" ? new InputStream(proc.stdin as import("bun").FileSink) : null;
    this.stdout = io.stdout;
    this.stderr = io.stderr;
    this.#exited = proc.exited.then(() => {
      this.#returncode = toReturncode(proc.exitCode, (proc.signalCode as string | null) ?? null) ?? 0;
      this.#unguard?.();
      return this.#returncode;
    });
  }

  /** Python's repr: `<Popen: returncode: null args: ["ls","-l"]>` (args cut at 80 characters). */
  toString(): string {
    let args = JSON.stringify(this.args);
    if (args.length > 80) args = `${args.slice(0, 76)}...`;
    return `<Popen: returncode: ${this.#returncode} args: ${args}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** null while running; the exit code, or -N after signal N. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /** Returns returncode (null while running) without waiting. */
  poll(): number | null {
    if (this.#returncode === null && (this.#proc.exitCode !== null || this.#proc.signalCode !== null)) {
      this.#returncode = toReturncode(this.#proc.exitCode, (this.#proc.signalCode as string | null) ?? null);
    }
    return this.#returncode;
  }

  /**
   * Waits for the child to end; TimeoutExpired after `timeoutMs` (the child keeps running; `<= 0`
   * checks once). Does not read pipes.
   */
  async wait(timeoutMs?: number): Promise<number> {
    validateTimeout(timeoutMs);
    const code = this.poll();
    if (code !== null) return code;
    return this.#within(this.#exited, timeoutMs);
  }

  /**
   * Sends `input`, closes stdin, reads stdout and stderr concurrently to EOF and waits for the
   * child. On TimeoutExpired the child lives on; a later call returns all output.
   */
  async communicate(
    options: { input?: string | Uint8Array | undefined; timeout?: number | undefined } = {},
  ): Promise<[Output, Output]> {
    const { input, timeout } = options;
    validateTimeout(timeout);
    if (input !== undefined && !this.stdin) throw new TypeError("communicate({ input }) needs stdin: PIPE.");
    if (input !== undefined && this.#input !== undefined) {
      throw new TypeError(
        "Cannot send input after starting communication: the first communicate() closed stdin.",
      );
    }
    this.#input ??= this.#sendInput(input);
    // One promise for the whole exchange, so a call after it has ended is done at its one check.
    this.#communicated ??= Promise.all([
      this.#input,
      this.stdout?.drain(),
      this.stderr?.drain(),
      this.#exited,
    ]);
    await this.#within(this.#communicated, timeout);
    return [this.stdout?.collected() ?? null, this.stderr?.collected() ?? null];
  }

  /** Sends a signal (name or number) to the child, if it still runs. */
  sendSignal(sig: SignalName | number): void {
    if (this.poll() !== null) return;
    this.#proc.kill(signalNumber(sig));
  }

  /** SIGTERM. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** SIGKILL. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** @internal kill the child, and its whole group when it has its own session. */
  killTree(): void {
    if (this.#session) killGroup(this.pid, "SIGKILL");
    this.kill();
  }

  /** @internal resolves with the return code. */
  get exited(): Promise<number> {
    return this.#exited;
  }

  /** Kills (if running) and reaps the child, and closes its pipes. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.kill();
    await this.#exited;
    await this.stdin?.end();
    this.stdout?.close();
    this.stderr?.close();
  }

  async #sendInput(input: string | Uint8Array | undefined): Promise<void> {
    if (!this.stdin) return;
    try {
      if (input !== undefined && input.length > 0) await this.stdin.write(input);
    } catch {
      // EPIPE: the child exited without reading all input, as Python ignores it.
    }
    await this.stdin.end();
  }

  async #within<T>(work: Promise<T>, timeoutMs: number | undefined): Promise<T> {
    const r = await raceTimeout(work, timeoutMs);
    if (r !== EXPIRED) return r;
    throw new TimeoutExpired(
      this.args,
      timeoutMs as number,
      this.stdout?.partial() ?? null,
      this.stderr?.partial() ?? null,
    );
  }
}
