/** Blocking twins on Bun.spawnSync: runSync, callSync, checkCallSync, checkOutputSync. */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { normalizeCommand, spawnFailure, spawnFields } from "../arguments/normalize.ts";
import { DEVNULL, PIPE, STDOUT } from "../constants.ts";
import { type Output, TimeoutExpired } from "../errors.ts";
import { CompletedProcess } from "../result/completed-process.ts";
import type { StdioOption } from "../stdio/resolve-stdio.ts";
import { decodeText } from "../stdio/text.ts";
import { toReturncode } from "../terminate/signals.ts";
import { popenOptionsFor, type RunOptions } from "./options.ts";

type SyncStdio = "pipe" | "inherit" | "ignore" | number;

function syncStdio(option: StdioOption, which: string): SyncStdio {
  if (option === undefined || option === null || option === "inherit") return "inherit";
  if (option === PIPE || option === "pipe") return "pipe";
  if (option === DEVNULL || option === "ignore") return "ignore";
  if (typeof option === "number" && Number.isInteger(option) && option >= 0) return option;
  throw new TypeError(
    `${which}: ${String(option)} is not supported by the sync functions (use PIPE, DEVNULL, STDOUT or an fd).`,
  );
}

/**
 * Runs a command and blocks until it ends.
 * @example const r = runSync(["echo", "hi"], { captureOutput: true, text: true });
 */
export function runSync(args: string | readonly string[], options: RunOptions = {}): CompletedProcess {
  const popen = popenOptionsFor(options);
  const command = normalizeCommand(args, popen);
  const text = Boolean(popen.text || popen.encoding);
  const stdout = syncStdio(popen.stdout, "stdout");
  let stderr: SyncStdio;
  // A pipe cannot be drained during spawnSync, so a merge goes through a temp file.
  let mergeDir: string | undefined;
  let mergeFd: number | undefined;
  if (popen.stderr === STDOUT) {
    if (stdout === "pipe") {
      mergeDir = mkdtempSync(join(tmpdir(), "conc-"));
      mergeFd = openSync(join(mergeDir, "out"), "w+");
      stderr = mergeFd;
    } else stderr = stdout === "inherit" ? 1 : stdout;
  } else stderr = syncStdio(popen.stderr, "stderr");
  const input = options.input;
  try {
    let r: ReturnType<typeof Bun.spawnSync>;
    try {
      r = Bun.spawnSync({
        ...spawnFields(command),
        stdin: input !== undefined ? toBytes(input) : stdinFor(popen.stdin as StdioOption),
        stdout: mergeFd ?? stdout,
        stderr,
        ...(options.timeout !== undefined ? { timeout: options.timeout, killSignal: "SIGKILL" } : {}),
      } as unknown as Parameters<typeof Bun.spawnSync>[0]);
    } catch (err) {
      throw spawnFailure(err, command);
    }
    const decode = (b: Uint8Array | undefined | null): Output => {
      if (b === undefined || b === null) return null;
      return text ? decodeText(b, popen.encoding) : b;
    };
    const out =
      mergeFd !== undefined
        ? decode(readFileSync(join(mergeDir as string, "out")))
        : stdout === "pipe"
          ? decode(r.stdout as Uint8Array)
          : null;
    const err = stderr === "pipe" ? decode(r.stderr as Uint8Array) : null;
    if (r.exitedDueToTimeout) throw new TimeoutExpired(args, options.timeout as number, out, err);
    const code = toReturncode(r.exitCode, (r.signalCode as string | null | undefined) ?? null) ?? 0;
    const result = new CompletedProcess(args, code, out, err);
    if (options.check) result.checkReturncode();
    return result;
  } finally {
    if (mergeFd !== undefined) closeSync(mergeFd);
    if (mergeDir !== undefined) rmSync(mergeDir, { recursive: true, force: true });
  }
}

/** Without input there is nothing to write to a stdin pipe: the child sees EOF. */
function stdinFor(option: StdioOption): SyncStdio {
  const s = syncStdio(option, "stdin");
  return s === "pipe" ? "ignore" : s;
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

/** Blocking checkOutput(): returns stdout. */
export function checkOutputSync(
  args: string | readonly string[],
  options: Omit<RunOptions, "check" | "stdout" | "captureOutput"> = {},
): string | Uint8Array {
  return runSync(args, { ...options, stdout: PIPE, check: true }).stdout as string | Uint8Array;
}
