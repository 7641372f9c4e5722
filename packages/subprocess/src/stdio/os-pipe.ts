/**
 * Kernel pipes from pipe2(2) through bun:ffi. Bun's "pipe" is a socketpair whose fd is not
 * exposed, so merging stderr into stdout and real `a | b` pipelines need our own pipes.
 */
import { dlopen, FFIType, ptr } from "bun:ffi";
import { closeSync } from "node:fs";

const O_CLOEXEC = process.platform === "darwin" ? 0x1000000 : 0x80000;
let libc: { symbols: { pipe2: (fds: unknown, flags: number) => number } } | undefined;

/** Returns [readFd, writeFd], both close-on-exec in this process. */
export function osPipe(): [number, number] {
  libc ??= dlopen(process.platform === "darwin" ? "libc.dylib" : "libc.so.6", {
    pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  }) as unknown as typeof libc;
  const fds = new Int32Array(2);
  if ((libc as NonNullable<typeof libc>).symbols.pipe2(ptr(fds), O_CLOEXEC) !== 0) {
    throw new Error("pipe2() failed: too many open files?");
  }
  return [fds[0] as number, fds[1] as number];
}

/** Closes an fd, ignoring one that is already closed. */
export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
