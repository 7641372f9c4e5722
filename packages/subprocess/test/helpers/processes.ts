/** Shared by the subprocess tests: track every Popen for cleanup, and tell whether a pid still runs. */
import { afterEach } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Popen } from "@conc/subprocess";

const children: Popen[] = [];
const dirs: string[] = [];
const seen = new Map<number, string>();

/** A Popen that afterEach kills and reaps. */
export function popen(...a: ConstructorParameters<typeof Popen>): Popen {
  const p = new Popen(...a);
  children.push(p);
  return p;
}

/** A fresh temp directory that afterEach removes. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "conc-sp-"));
  dirs.push(dir);
  return dir;
}

/** A path in a fresh temp dir, and a command that creates it: proof that a child ran (or did not). */
export function marker(): { path: string; touch: string[]; ran: () => boolean } {
  const path = join(tempDir(), "ran");
  return { path, touch: ["touch", path], ran: () => existsSync(path) };
}

afterEach(async () => {
  seen.clear();
  for (const p of children.splice(0)) await p[Symbol.asyncDispose]();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Start time of a live, non-zombie process (field 22 of /proc/pid/stat), or null. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" ? null : (fields[19] ?? null);
  } catch {
    return null;
  }
}

/**
 * Whether the process first checked under this pid still runs. PIDs wrap at 32768 here and the
 * suite spawns thousands of processes, so a reused pid must not count as the old process.
 */
export function alive(pid: number): boolean {
  const start = startTime(pid);
  if (start === null) return false;
  const first = seen.get(pid);
  if (first === undefined) seen.set(pid, start);
  return first === undefined || first === start;
}

/** Waits (up to ~8 s) for a pid to be gone; true if it went. */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 400 && alive(pid); i++) await Bun.sleep(20);
  return !alive(pid);
}

/** Kills a pid we know we started (a grandchild a test left in its group), ignoring one already gone. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
