/** Runs peers outside Bun (python3, cc): a missing tool makes the peer "skipped", not a failure. */
import { mkdirSync } from "node:fs";
import { runSync } from "@conc/subprocess";

export function have(tool: string): boolean {
  return Bun.which(tool) !== null;
}

/** Runs a command that prints one number; null when the tool is missing or fails. */
export function number(cmd: string[]): number | null {
  if (!have(cmd[0] as string)) return null;
  try {
    const r = runSync(cmd, { captureOutput: true, text: true, timeout: 600_000 });
    if (r.returncode !== 0) {
      console.error(`${cmd[0]} failed: ${String(r.stderr).slice(0, 500)}`);
      return null;
    }
    const v = Number(String(r.stdout).trim().split("\n").pop());
    return Number.isFinite(v) ? v : null;
  } catch (err) {
    console.error(`${cmd[0]} failed: ${(err as Error).message}`);
    return null;
  }
}

export function peer(file: string): string {
  return new URL(`./${file}`, import.meta.url).pathname;
}

/** Compiles the C peer at bench time; null when there is no C compiler. */
export function compileC(file: string, out: string): string | null {
  const cc = ["cc", "gcc", "clang"].find(have);
  if (!cc) return null;
  const dir = new URL("../../.build/", import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  const bin = `${dir}${out}`;
  const r = runSync([cc, "-O2", "-o", bin, peer(file)], { captureOutput: true, text: true });
  return r.returncode === 0 ? bin : null;
}
