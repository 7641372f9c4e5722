/**
 * stdio for Bun.spawnSync, the same choices as the async Popen: PIPE, DEVNULL, STDOUT, "inherit",
 * an fd or a Bun.file. A pipe cannot be drained during spawnSync, so stderr: STDOUT into a
 * captured stdout goes through a temp file (both streams on one descriptor keep their order).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BunFile } from "bun";
import { DEVNULL, PIPE, STDOUT } from "../constants.ts";
import { FileTargets } from "./file-targets.ts";
import { OutputStream } from "./output-stream.ts";
import type { StdioOption } from "./resolve-stdio.ts";

export type SyncStdio = "pipe" | "inherit" | "ignore" | number | BunFile;

function base(option: StdioOption, which: string): SyncStdio {
  if (option === undefined || option === null || option === "inherit") return "inherit";
  if (option === PIPE || option === "pipe") return "pipe";
  if (option === DEVNULL || option === "ignore") return "ignore";
  if (typeof option === "number" && Number.isInteger(option) && option >= 0) return option;
  if (option instanceof Blob) return option as BunFile;
  if (option instanceof OutputStream) {
    throw new TypeError(
      `${which}: another process's stream needs the async Popen (a pipeline runs concurrently).`,
    );
  }
  if (option === STDOUT) {
    throw new TypeError(`${which} cannot be STDOUT: STDOUT is for stderr only.`);
  }
  throw new TypeError(
    `${which}: ${String(option)} is not PIPE, DEVNULL${which === "stderr" ? ", STDOUT" : ""}, a file descriptor or a Bun.file.`,
  );
}

/** The three streams for spawnSync, and what to read and close afterwards. */
export class SyncStdioPlan {
  readonly stdin: SyncStdio;
  readonly stdout: SyncStdio;
  readonly stderr: SyncStdio;
  /** stdout+stderr merged into this temp file (read it with mergedOutput()). */
  readonly #mergeDir: string | undefined;
  readonly #opened: number[] = [];

  constructor(
    options: { stdin?: StdioOption; stdout?: StdioOption; stderr?: StdioOption },
    hasInput: boolean,
  ) {
    const files = new FileTargets(this.#opened);
    try {
      const stdin = base(options.stdin, "stdin");
      // Without input there is nothing to write to a stdin pipe: the child sees EOF.
      this.stdin = stdin === "pipe" && !hasInput ? "ignore" : stdin;
      const output = (which: "stdout" | "stderr"): SyncStdio => {
        const b = base(options[which], which);
        return b instanceof Blob ? files.fd(b) : b;
      };
      let stdout = output("stdout");
      if (options.stderr !== STDOUT) this.stderr = output("stderr");
      else if (stdout === "pipe") {
        this.#mergeDir = mkdtempSync(join(tmpdir(), "conc-"));
        stdout = openSync(join(this.#mergeDir, "out"), "w+");
        this.#opened.push(stdout);
        this.stderr = stdout;
      } else this.stderr = stdout === "inherit" ? 1 : stdout;
      this.stdout = stdout;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Whether stdout is captured (in the spawnSync result or the merge file). */
  get capturesStdout(): boolean {
    return this.stdout === "pipe" || this.#mergeDir !== undefined;
  }

  /** The merged stdout+stderr, or undefined when there is no merge. */
  mergedOutput(): Uint8Array | undefined {
    return this.#mergeDir === undefined ? undefined : readFileSync(join(this.#mergeDir, "out"));
  }

  /** Closes what was opened here and removes the merge file. */
  close(): void {
    for (const fd of this.#opened.splice(0)) closeSync(fd);
    if (this.#mergeDir !== undefined) rmSync(this.#mergeDir, { recursive: true, force: true });
  }
}
