/** Blocking twins on Bun.spawnSync: runSync, callSync, checkCallSync, checkOutputSync. */
import { normalizeCommand, spawnFailure, spawnFields } from "../arguments/normalize.ts";
import { PIPE } from "../constants.ts";
import { type Output, TimeoutExpired } from "../errors.ts";
import { CompletedProcess } from "../result/completed-process.ts";
import { SyncStdioPlan } from "../stdio/sync-stdio.ts";
import { decodeText } from "../stdio/text.ts";
import { killGroup, toReturncode } from "../terminate/signals.ts";
import { spawnSyncTimeout } from "../timeout/deadline.ts";
import { checkOutputOptions, popenOptionsFor, type RunOptions } from "./options.ts";

/**
 * Runs a command and blocks until it ends; the same options, checks and errors as run().
 * @example const r = runSync(["echo", "hi"], { captureOutput: true, text: true });
 */
export function runSync(args: string | readonly string[], options: RunOptions = {}): CompletedProcess {
  const popen = popenOptionsFor(options, "runSync");
  const command = normalizeCommand(args, popen);
  const text = Boolean(popen.text || popen.encoding || popen.errors);
  const { input, timeout } = options;
  const limit = spawnSyncTimeout(timeout);
  const session = Boolean(popen.startNewSession);
  const io = new SyncStdioPlan(popen, input !== undefined);
  try {
    let r: ReturnType<typeof Bun.spawnSync>;
    try {
      r = Bun.spawnSync({
        ...spawnFields(command),
        stdin: input !== undefined ? toBytes(input) : io.stdin,
        stdout: io.stdout,
        stderr: io.stderr,
        detached: session,
        ...(limit !== undefined ? { timeout: limit, killSignal: "SIGKILL" } : {}),
      } as unknown as Parameters<typeof Bun.spawnSync>[0]);
    } catch (err) {
      throw spawnFailure(err, command);
    }
    // As run(): partial output of a timed-out child never fails to decode (it may end mid-character).
    const errors = r.exitedDueToTimeout ? "replace" : (popen.errors ?? "strict");
    const decode = (b: Uint8Array | undefined | null): Output => {
      if (b === undefined || b === null) return null;
      return text ? decodeText(b, popen.encoding, errors) : b;
    };
    const out = io.capturesStdout ? decode(io.mergedOutput() ?? (r.stdout as Uint8Array)) : null;
    const err = io.stderr === "pipe" ? decode(r.stderr as Uint8Array) : null;
    if (r.exitedDueToTimeout) {
      // As run(): with its own session, the whole group goes (grandchildren too).
      if (session) killGroup(r.pid, "SIGKILL");
      throw new TimeoutExpired(args, timeout as number, out, err);
    }
    const code = toReturncode(r.exitCode, (r.signalCode as string | null | undefined) ?? null) ?? 0;
    const result = new CompletedProcess(args, code, out, err);
    if (options.check) result.checkReturncode();
    return result;
  } finally {
    io.close();
  }
}

function toBytes(input: string | Uint8Array): Uint8Array {
  return typeof input === "string" ? new TextEncoder().encode(input) : input;
}

/** Blocking call(): returns the return code. */
export function callSync(args: string | readonly string[], options: Omit<RunOptions, "check"> = {}): number {
  return runSync(args, options).returncode;
}

/** Blocking checkCall(): throws CalledProcessError on a non-zero code. */
export function checkCallSync(args: string | readonly string[], options: Omit<RunOptions, "check"> = {}): 0 {
  runSync(args, { ...options, check: true });
  return 0;
}

/** Blocking checkOutput(): returns stdout; refuses a given stdout or check, as checkOutput does. */
export function checkOutputSync(
  args: string | readonly string[],
  options: Omit<RunOptions, "check" | "stdout" | "captureOutput"> = {},
): string | Uint8Array {
  checkOutputOptions(options, "checkOutputSync");
  return runSync(args, { ...options, stdout: PIPE, check: true }).stdout as string | Uint8Array;
}
