/** Every error @conc/subprocess raises, with the fields a caller needs. */

import { signalName } from "./terminate/signals.ts";

/** Output as captured: a string in text mode, bytes otherwise, null when not captured. */
export type Output = string | Uint8Array | null;

function show(cmd: string | readonly string[]): string {
  return typeof cmd === "string" ? cmd : JSON.stringify(cmd);
}

/** Base class of CalledProcessError and TimeoutExpired. */
export class SubprocessError extends Error {
  override name = "SubprocessError";
}

/** Python's wording: "died with <Signals.SIGABRT: 6>.", "died with unknown signal 99.", "returned non-zero exit status 1." */
function howItEnded(returncode: number): string {
  if (returncode >= 0) return `returned non-zero exit status ${returncode}.`;
  const name = signalName(-returncode);
  return name === undefined
    ? `died with unknown signal ${-returncode}.`
    : `died with <Signals.${name}: ${-returncode}>.`;
}

/** A checked command exited with a non-zero code (or was killed: returncode -N). */
export class CalledProcessError extends SubprocessError {
  override name = "CalledProcessError";
  readonly returncode: number;
  readonly cmd: string | readonly string[];
  readonly stdout: Output;
  readonly stderr: Output;
  constructor(
    returncode: number,
    cmd: string | readonly string[],
    stdout: Output = null,
    stderr: Output = null,
  ) {
    super(`Command ${show(cmd)} ${howItEnded(returncode)}`);
    this.returncode = returncode;
    this.cmd = cmd;
    this.stdout = stdout;
    this.stderr = stderr;
  }
  /** Alias of stdout, as in Python. */
  get output(): Output {
    return this.stdout;
  }
}

/** A timeout passed while waiting for a child. The output read so far is kept. */
export class TimeoutExpired extends SubprocessError {
  override name = "TimeoutExpired";
  readonly cmd: string | readonly string[];
  /** The timeout, in milliseconds. */
  readonly timeout: number;
  readonly stdout: Output;
  readonly stderr: Output;
  constructor(
    cmd: string | readonly string[],
    timeout: number,
    stdout: Output = null,
    stderr: Output = null,
  ) {
    super(`Command ${show(cmd)} timed out after ${timeout} milliseconds.`);
    this.cmd = cmd;
    this.timeout = timeout;
    this.stdout = stdout;
    this.stderr = stderr;
  }
  get output(): Output {
    return this.stdout;
  }
}

/** The program to run does not exist or is not executable (Python: FileNotFoundError/PermissionError). */
export class ExecutableNotFoundError extends Error {
  override name = "ExecutableNotFoundError";
  readonly code: string;
  /** The program that could not be run. */
  readonly path: string;
  constructor(path: string, code = "ENOENT", options?: ErrorOptions) {
    super(
      code === "EACCES"
        ? `Permission denied: '${path}' is not executable. Check its mode (chmod +x) or run it through a shell.`
        : `No such file or directory: '${path}'. Check the program name and PATH, or pass shell: true.`,
      options,
    );
    this.code = code;
    this.path = path;
  }
}

/** The working directory given as `cwd` does not exist (Bun would blame the executable). */
export class CwdNotFoundError extends Error {
  override name = "CwdNotFoundError";
  readonly code = "ENOENT";
  /** The missing directory. */
  readonly path: string;
  constructor(path: string) {
    super(`No such directory: '${path}' (given as cwd). Create it or pass an existing directory.`);
    this.path = path;
  }
}

/**
 * Text-mode output that is not valid in its encoding (Python: UnicodeDecodeError, with the default
 * errors="strict"). Pass `errors: "replace"` for U+FFFD instead, or leave text mode off for bytes.
 */
export class UnicodeDecodeError extends Error {
  override name = "UnicodeDecodeError";
  readonly code = "ERR_ENCODING_INVALID_ENCODED_DATA";
  /** The encoding the bytes were decoded with. */
  readonly encoding: string;
  constructor(encoding: string, options?: ErrorOptions) {
    super(
      `The child's output is not valid ${encoding}. Pass errors: "replace" to get U+FFFD in place of bad bytes, ` +
        "or drop text/encoding to read bytes.",
      options,
    );
    this.encoding = encoding;
  }
}
