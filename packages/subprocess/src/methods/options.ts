/** Options of run() and its twins, and the checks Python makes before spawning. */
import { PIPE } from "../constants.ts";
import type { PopenOptions } from "../spawn/popen.ts";

export interface RunOptions extends PopenOptions {
  /** Data for stdin (implies stdin: PIPE). */
  input?: string | Uint8Array | undefined;
  /** stdout and stderr: PIPE. */
  captureOutput?: boolean | undefined;
  /** Throw CalledProcessError on a non-zero return code. */
  check?: boolean | undefined;
  /** Kill the child (and its group with startNewSession) after this many ms; throws TimeoutExpired. */
  timeout?: number | undefined;
}

/** Validates combinations and returns the options for Popen. */
export function popenOptionsFor(options: RunOptions): PopenOptions {
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
