/**
 * Output files given as `Bun.file(path)`: opened here, truncated like the shell's `>` and Python's
 * open(path, "w") (Bun itself would write over the old contents without truncating), and opened
 * once per path, so stdout and stderr to the same file share one descriptor as dup2 would (two
 * opens would overwrite each other).
 */
import { openSync } from "node:fs";
import type { BunFile } from "bun";

export class FileTargets {
  readonly #byPath = new Map<string, number>();
  /** Every fd opened here; the caller closes them once the child has them. */
  readonly opened: number[];

  constructor(opened: number[] = []) {
    this.opened = opened;
  }

  /** The fd to hand the child for `file` (a BunFile without a path, e.g. Bun.file(fd), passes as is). */
  fd(file: BunFile): number | BunFile {
    const path = file.name;
    if (typeof path !== "string") return file;
    let fd = this.#byPath.get(path);
    if (fd === undefined) {
      fd = openSync(path, "w");
      this.opened.push(fd);
      this.#byPath.set(path, fd);
    }
    return fd;
  }
}
