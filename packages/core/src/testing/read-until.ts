/** Waiting for a child process to say it is ready, for tests and benchmarks that start one. */

/**
 * Reads `stream` (a child's stdout) until the text so far contains `marker`, then lets go of the
 * stream (the child's later output is not read here) and returns that text. Throws when the stream
 * ends first, naming `what` and what it printed.
 * @example const url = /listening on (\S+)/.exec(await readUntil(proc.stdout, "listening on", "the server"))?.[1];
 */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  marker: string,
  what = "the child process",
): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let out = "";
  try {
    while (!out.includes(marker)) {
      const r = await reader.read();
      if (r.done)
        throw new Error(`${what} ended its output before printing ${JSON.stringify(marker)}: ${out}`);
      out += decoder.decode(r.value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return out;
}

export interface ChildOutcome {
  code: number;
  out: string;
  err: string;
}

/**
 * Runs `cmd` to its end and returns its exit code and whole stdout and stderr. A child still running
 * after `killAfterMs` is SIGKILLed (a hang fails the caller's assertions instead of the whole run).
 */
export async function runToEnd(
  cmd: string[],
  options: { cwd?: string; killAfterMs?: number } = {},
): Promise<ChildOutcome> {
  const { killAfterMs = 30_000, ...spawn } = options;
  const proc = Bun.spawn(cmd, { ...spawn, stdout: "pipe", stderr: "pipe" });
  const killer = setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
  try {
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, out, err };
  } finally {
    clearTimeout(killer);
  }
}
