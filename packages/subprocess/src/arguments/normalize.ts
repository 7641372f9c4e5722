/** Python-style args (string or list, shell, executable, env, cwd) into what Bun.spawn runs. */
import { statSync } from "node:fs";
import { CwdNotFoundError, ExecutableNotFoundError } from "../errors.ts";
import { validateDecoding } from "../stdio/text.ts";
import { childEnv } from "./env.ts";

export interface CommandOptions {
  cwd?: string | undefined;
  /** Replaces the environment (like Python). Without it the child gets the current process.env. */
  env?: Record<string, string | undefined> | undefined;
  /** Run through /bin/sh -c (or through `executable`, which is then also the shell's argv[0]). */
  shell?: boolean | undefined;
  /** Program to run instead of args[0] (which stays the child's argv[0]); with shell, the shell to use. */
  executable?: string | undefined;
}

export interface Command {
  cmd: string[];
  argv0: string | undefined;
  env: Record<string, string>;
  cwd: string | undefined;
}

/** The part of Bun.spawn / Bun.spawnSync options a Command decides. */
export function spawnFields(command: Command): {
  cmd: string[];
  env: Record<string, string>;
  argv0?: string;
  cwd?: string;
} {
  return {
    cmd: command.cmd,
    env: command.env,
    ...(command.argv0 !== undefined ? { argv0: command.argv0 } : {}),
    ...(command.cwd !== undefined ? { cwd: command.cwd } : {}),
  };
}

/**
 * Turns Bun's spawn failure into the right error: a missing cwd (Bun blames the program for it,
 * so look again) or a missing / non-executable program. Other errors pass through.
 */
export function spawnFailure(err: unknown, command: Command): unknown {
  const code = (err as { code?: string }).code;
  if (code !== "ENOENT" && code !== "EACCES") return err;
  if (command.cwd !== undefined) {
    try {
      checkCwd(command.cwd);
    } catch (cwdError) {
      return cwdError;
    }
  }
  return new ExecutableNotFoundError(command.cmd[0] as string, code, { cause: err });
}

export function normalizeCommand(
  args: string | readonly string[],
  options: CommandOptions & { encoding?: string | undefined; errors?: string | undefined },
): Command {
  validateDecoding(options.encoding, options.errors);
  const { executable, shell } = options;
  if (executable !== undefined && (typeof executable !== "string" || executable === "")) {
    throw new TypeError("executable must be a non-empty string (the program to run).");
  }
  let list: string[];
  if (typeof args === "string") list = [args];
  else if (Array.isArray(args) && args.every((a) => typeof a === "string")) list = [...args];
  else throw new TypeError("args must be a string or an array of strings.");
  // Like Python, args[0] may be empty when something else names the program (a shell or executable).
  if (list.length === 0 || (list[0] === "" && !shell && executable === undefined)) {
    throw new TypeError("args must name a program to run.");
  }
  if ([...list, executable ?? ""].some((a) => a.includes("\0"))) {
    throw new TypeError("args must not contain NUL bytes.");
  }
  let argv0: string | undefined;
  // Python: with shell, `executable` replaces /bin/sh and is the shell's argv[0] too (echo $0).
  if (shell) list = [executable ?? "/bin/sh", "-c", ...list];
  else if (executable !== undefined) {
    argv0 = list[0];
    list[0] = executable;
  }
  const { cwd } = options;
  if (cwd !== undefined) {
    if (typeof cwd !== "string")
      throw new TypeError(`cwd must be a directory path (a string), got ${typeof cwd}.`);
    checkCwd(cwd);
  }
  return { cmd: list, argv0, env: childEnv(options.env), cwd };
}

/** Bun reports a missing cwd as a missing executable: check it ourselves. */
export function checkCwd(cwd: string): void {
  let ok = false;
  try {
    ok = statSync(cwd).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new CwdNotFoundError(cwd);
}
