/** Turns Python-style stdio options into what Bun.spawn takes, with our own pipes for PIPE and STDOUT. */

import type { BunFile } from "bun";
import { DEVNULL, PIPE, STDOUT } from "../constants.ts";
import { FileTargets } from "./file-targets.ts";
import { closeFd, osPipe } from "./os-pipe.ts";
import { OutputStream, type TextOptions } from "./output-stream.ts";

/** Where a stream goes: PIPE, DEVNULL, STDOUT (stderr only), "inherit", an fd, a file, or (stdin) another process's stdout. */
export type StdioOption =
  | typeof PIPE
  | typeof DEVNULL
  | typeof STDOUT
  | "pipe"
  | "inherit"
  | "ignore"
  | number
  | BunFile
  | OutputStream
  | null
  | undefined;

type BunStdio = "pipe" | "inherit" | "ignore" | number | BunFile;

export interface ResolvedStdio {
  stdio: [BunStdio, BunStdio, BunStdio];
  stdout: OutputStream | null;
  stderr: OutputStream | null;
  /** Fds the child got that the parent must close after spawning. */
  childEnds: number[];
  /** Streams handed to the child as stdin (parent copy closed after spawn). */
  handedOff: OutputStream | null;
}

function base(option: StdioOption, which: string): BunStdio | "PIPE" {
  if (option === undefined || option === null || option === "inherit") return "inherit";
  if (option === PIPE || option === "pipe") return "PIPE";
  if (option === DEVNULL || option === "ignore") return "ignore";
  if (typeof option === "number") {
    if (Number.isInteger(option) && option >= 0) return option;
    throw new TypeError(
      `${which}: ${option} is not PIPE, DEVNULL${which === "stderr" ? ", STDOUT" : ""} or a file descriptor.`,
    );
  }
  if (option instanceof Blob) return option as BunFile;
  throw new TypeError(
    `${which}: ${String(option)} is not PIPE, DEVNULL${which === "stderr" ? ", STDOUT" : ""}, a file descriptor or a Bun.file.`,
  );
}

export function resolveStdio(
  options: { stdin?: StdioOption; stdout?: StdioOption; stderr?: StdioOption },
  text: TextOptions,
): ResolvedStdio {
  const childEnds: number[] = [];
  let handedOff: OutputStream | null = null;
  let stdin: BunStdio;
  if (options.stdin instanceof OutputStream) {
    handedOff = options.stdin;
    stdin = options.stdin.handOff();
  } else if (options.stdin === STDOUT) {
    throw new TypeError("stdin cannot be STDOUT.");
  } else {
    const b = base(options.stdin, "stdin");
    stdin = b === "PIPE" ? "pipe" : b;
  }
  if (options.stdout === STDOUT) throw new TypeError("stdout cannot be STDOUT: STDOUT is for stderr only.");
  if (options.stdout instanceof OutputStream || options.stderr instanceof OutputStream) {
    throw new TypeError("Only stdin can take another process's output stream.");
  }
  const files = new FileTargets(childEnds);
  const streams: OutputStream[] = [];
  const open = (which: "stdout" | "stderr"): [BunStdio, OutputStream | null] => {
    const b = base(options[which], which);
    if (b instanceof Blob) return [files.fd(b), null];
    if (b !== "PIPE") return [b, null];
    const [r, w] = osPipe();
    childEnds.push(w);
    const stream = new OutputStream(r, text);
    streams.push(stream);
    return [w, stream];
  };
  try {
    const [out, stdout] = open("stdout");
    // stderr: STDOUT puts both streams on one descriptor (keeps their order), like dup2(1, 2).
    const [err, stderr] = options.stderr === STDOUT ? [out === "inherit" ? 1 : out, null] : open("stderr");
    return { stdio: [stdin, out, err], stdout, stderr, childEnds, handedOff };
  } catch (err) {
    for (const fd of childEnds) closeFd(fd);
    for (const stream of streams) stream.close();
    throw err;
  }
}

/** Closes the child's ends of our pipes after spawning (or on failure). */
export function releaseChildEnds(r: ResolvedStdio): void {
  for (const fd of r.childEnds) closeFd(fd);
  r.handedOff?.releaseHandOff();
}

/** Closes the parent's read ends (spawn failed). */
export function closeParentEnds(r: ResolvedStdio): void {
  r.stdout?.close();
  r.stderr?.close();
}
