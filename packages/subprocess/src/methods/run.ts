/** run, call, checkCall, checkOutput, getoutput, getstatusoutput. */
import { PIPE, STDOUT } from "../constants.ts";
import { type Output, TimeoutExpired } from "../errors.ts";
import { CompletedProcess } from "../result/completed-process.ts";
import { type InternalPopenOptions, Popen } from "../spawn/popen.ts";
import { checkOutputOptions, popenOptionsFor, type RunOptions } from "./options.ts";

export type { RunOptions };

/**
 * Runs a command to completion.
 * @example const r = await run(["ls", "-l"], { captureOutput: true, text: true }); console.log(r.stdout);
 */
export async function run(
  args: string | readonly string[],
  options: RunOptions = {},
): Promise<CompletedProcess> {
  const popenOptions: InternalPopenOptions = {
    ...popenOptionsFor(options),
    guardSession: options.timeout !== undefined,
  };
  const p = new Popen(args, popenOptions);
  let out: [Output, Output];
  try {
    out = await p.communicate({ input: options.input, timeout: options.timeout });
  } catch (err) {
    if (err instanceof TimeoutExpired) {
      // Kill, reap, keep what was read: never wait for EOF a grandchild may hold open.
      p.killTree();
      await p.exited;
      const partial = [p.stdout?.partial() ?? null, p.stderr?.partial() ?? null] as const;
      p.stdout?.close();
      p.stderr?.close();
      throw new TimeoutExpired(p.args, err.timeout, partial[0], partial[1]);
    }
    p.kill();
    throw err;
  }
  const result = new CompletedProcess(p.args, p.returncode ?? 0, out[0], out[1]);
  if (options.check) result.checkReturncode();
  return result;
}

/** Runs and returns the return code. */
export async function call(
  args: string | readonly string[],
  options: Omit<RunOptions, "check"> = {},
): Promise<number> {
  return (await run(args, options)).returncode;
}

/** Runs; throws CalledProcessError on a non-zero code; returns 0. */
export async function checkCall(
  args: string | readonly string[],
  options: Omit<RunOptions, "check"> = {},
): Promise<0> {
  await run(args, { ...options, check: true });
  return 0;
}

/** Runs and returns stdout; throws CalledProcessError on a non-zero code. */
export async function checkOutput(
  args: string | readonly string[],
  options: Omit<RunOptions, "check" | "stdout" | "captureOutput"> = {},
): Promise<string | Uint8Array> {
  checkOutputOptions(options, "checkOutput");
  const r = await run(args, { ...options, stdout: PIPE, check: true });
  return r.stdout as string | Uint8Array;
}

/** Python's getstatusoutput: [exit status, output (stdout+stderr, trailing newline removed)] of a shell command. */
export async function getstatusoutput(cmd: string): Promise<[number, string]> {
  const r = await run(cmd, { shell: true, text: true, stdout: PIPE, stderr: STDOUT });
  let out = (r.stdout as string | null) ?? "";
  if (out.endsWith("\n")) out = out.slice(0, -1);
  return [r.returncode, out];
}

/** Python's getoutput: output of a shell command (stdout+stderr, trailing newline removed). */
export async function getoutput(cmd: string): Promise<string> {
  return (await getstatusoutput(cmd))[1];
}
