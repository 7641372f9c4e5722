/** Options of run() and its twins, and the checks Python makes before spawning. */
import { RUN_OPTIONS, rejectUnknownOptions } from "../arguments/known-options.ts";
import { PIPE } from "../constants.ts";
import type { PopenOptions } from "../spawn/popen.ts";
import { validateTimeout } from "../timeout/deadline.ts";

export interface RunOptions extends PopenOptions {
  /** Data for stdin (implies stdin: PIPE). */
  input?: string | Uint8Array | undefined;
  /** stdout and stderr: PIPE. */
  captureOutput?: boolean | undefined;
  /** Throw CalledProcessError on a non-zero return code. */
  check?: boolean | undefined;
  /**
   * Kill the child (and its group with startNewSession) after this many ms and throw
   * TimeoutExpired. Fractions are fine; `<= 0` expires at once; more than 2^31-1 ms waits forever.
   */
  timeout?: number | undefined;
}

/** Validates every option and combination (before anything starts) and returns the options for Popen. */
export function popenOptionsFor(options: RunOptions, what = "run"): PopenOptions {
  rejectUnknownOptions(options, RUN_OPTIONS, what);
  validateTimeout(options.timeout);
  const { input, captureOutput, check: _check, timeout: _timeout, ...popen } = options;
  if (input !== undefined && popen.stdin !== undefined) {
    throw new TypeError("stdin and input cannot both be given: input is written to a stdin pipe.");
  }
  if (captureOutput && (popen.stdout !== undefined || popen.stderr !== undefined)) {
    throw new TypeError("stdout and stderr cannot be given with captureOutput: it sets both to PIPE.");
  }
  if (input !== undefined) popen.stdin = PIPE;
  if (captureOutput) {
    popen.stdout = PIPE;
    popen.stderr = PIPE;
  }
  return popen;
}

/** Python's check_output refusals, made before anything else (even before the args are looked at). */
export function checkOutputOptions(options: object, what: string): void {
  for (const name of ["stdout", "check"] as const) {
    if (name in options && (options as Record<string, unknown>)[name] !== undefined) {
      throw new TypeError(`${name} cannot be given to ${what}: it is set (stdout captured, check on).`);
    }
  }
}
