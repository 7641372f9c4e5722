/**
 * Files, sessions and input: the sync twins take what the async API takes and end the same way
 * (test_stdout_stderr_file, test_start_new_session, test_communicate after communication started).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PIPE, run, runSync, STDOUT, TimeoutExpired } from "@conc/subprocess";
import { alive, gone, killPid, popen, tempDir } from "./helpers/processes.ts";

const BOTH = ["sh", "-c", "printf apple; printf orange >&2"];

describe("Bun.file targets", () => {
  test("stdout and stderr to the same file share one descriptor (nothing overwritten)", async () => {
    const dir = tempDir();
    const a = join(dir, "a");
    const p = popen(BOTH, { stdout: Bun.file(a), stderr: Bun.file(a) });
    expect(await p.wait()).toBe(0);
    expect(readFileSync(a, "utf8")).toBe("appleorange");
    const b = join(dir, "b");
    await run(BOTH, { stdout: Bun.file(b), stderr: Bun.file(b) });
    expect(readFileSync(b, "utf8")).toBe("appleorange");
    const c = join(dir, "c");
    const f = Bun.file(c);
    expect(runSync(BOTH, { stdout: f, stderr: f }).returncode).toBe(0);
    expect(readFileSync(c, "utf8")).toBe("appleorange");
    const d = join(dir, "d");
    runSync(BOTH, { stdout: Bun.file(d), stderr: STDOUT });
    expect(readFileSync(d, "utf8")).toBe("appleorange");
  });

  test("an output file is truncated first, like the shell's > and Python's open('w')", async () => {
    const dir = tempDir();
    const a = join(dir, "a");
    const b = join(dir, "b");
    writeFileSync(a, "old contents, longer than the new");
    writeFileSync(b, "old contents, longer than the new");
    expect(await popen(["echo", "new"], { stdout: Bun.file(a) }).wait()).toBe(0);
    runSync(["echo", "new"], { stdout: Bun.file(b) });
    expect(readFileSync(a, "utf8")).toBe("new\n");
    expect(readFileSync(b, "utf8")).toBe("new\n");
  });

  test("runSync reads stdin from a Bun.file as run does", async () => {
    const src = join(tempDir(), "in");
    writeFileSync(src, "pear");
    const opts = { stdin: Bun.file(src), captureOutput: true, text: true };
    expect(runSync(["tr", "a-z", "A-Z"], opts).stdout).toBe("PEAR");
    expect((await run(["tr", "a-z", "A-Z"], opts)).stdout).toBe("PEAR");
  });

  test("runSync refuses another process's stream as stdin (a pipeline needs the async Popen)", () => {
    const p1 = popen(["echo", "x"], { stdout: PIPE });
    expect(() => runSync(["cat"], { stdin: p1.stdout })).toThrow(/needs the async Popen/);
    expect(() => runSync(["cat"], { stdout: STDOUT })).toThrow(/STDOUT is for stderr only/);
  });
});

/** Session id of a process (field 6 of /proc/pid/stat). */
function sessionOf(pid: number | "self"): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[3]);
}

const SID = ["sh", "-c", "cut -d' ' -f6 /proc/$$/stat; echo $$"];

describe("startNewSession", () => {
  test("puts the child in a session of its own (it leads it), async and sync", async () => {
    const parent = sessionOf("self");
    for (const r of [
      await run(SID, { startNewSession: true, captureOutput: true, text: true }),
      runSync(SID, { startNewSession: true, captureOutput: true, text: true }),
    ]) {
      const [sid, pid] = (r.stdout as string).trim().split("\n").map(Number);
      expect(sid).toBe(pid as number);
      expect(sid).not.toBe(parent);
    }
    const plain = runSync(SID, { captureOutput: true, text: true });
    expect(Number((plain.stdout as string).split("\n")[0])).toBe(parent);
  });

  test("a timed-out runSync kills the whole group, as run does", async () => {
    const tmp = tempDir();
    const pidFile = join(tmp, "pid");
    let err: unknown;
    try {
      runSync(["sh", "-c", `sleep 30 & echo $! > ${pidFile}; wait`], { timeout: 300, startNewSession: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TimeoutExpired);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    expect(grandchild).toBeGreaterThan(0);
    const went = await gone(grandchild);
    if (!went) killPid(grandchild);
    expect(went).toBe(true);
  });

  test("without a session, a timed-out runSync kills only the child (Python's run does the same)", async () => {
    const pidFile = join(tempDir(), "pid");
    expect(() => runSync(["sh", "-c", `sleep 30 & echo $! > ${pidFile}; wait`], { timeout: 300 })).toThrow(
      TimeoutExpired,
    );
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    try {
      expect(alive(grandchild)).toBe(true);
    } finally {
      killPid(grandchild);
    }
  });
});

describe("communicate input", () => {
  test("input after communication started is refused (Python: ValueError), a later call without input works", async () => {
    const p = popen(["sh", "-c", "cat; sleep 0.2"], { stdin: PIPE, stdout: PIPE, text: true });
    await expect(p.communicate({ input: "a", timeout: 20 })).rejects.toBeInstanceOf(TimeoutExpired);
    await expect(p.communicate({ input: "b" })).rejects.toThrow(
      /Cannot send input after starting communication/,
    );
    expect(await p.communicate()).toEqual(["a", null]);
  });

  test("bytes written by hand before communicate come first (test_writes_before_communicate)", async () => {
    const p = popen(["cat"], { stdin: PIPE, stdout: PIPE, text: true });
    await p.stdin?.write("banana");
    expect(await p.communicate({ input: "split" })).toEqual(["bananasplit", null]);
  });
});
