import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CalledProcessError,
  CompletedProcess,
  CwdNotFoundError,
  call,
  callSync,
  checkCall,
  checkCallSync,
  checkOutput,
  checkOutputSync,
  DEVNULL,
  ExecutableNotFoundError,
  getoutput,
  getstatusoutput,
  PIPE,
  Popen,
  run,
  runSync,
  STDOUT,
  SubprocessError,
  TimeoutExpired,
} from "@conc/subprocess";
import { alive, gone, killPid, popen } from "./helpers/processes.ts";

describe("Popen", () => {
  test("communicate returns stdout and stderr; returncode set", async () => {
    const p = popen(["sh", "-c", "echo out; echo err >&2; exit 3"], {
      stdout: PIPE,
      stderr: PIPE,
      text: true,
    });
    expect(p.returncode).toBeNull();
    expect(await p.communicate()).toEqual(["out\n", "err\n"]);
    expect(p.returncode).toBe(3);
    expect(p.poll()).toBe(3);
    expect(typeof p.pid).toBe("number");
    expect(p.args).toEqual(["sh", "-c", "echo out; echo err >&2; exit 3"]);
  });

  test("bytes mode by default", async () => {
    const p = popen(["printf", "a\\r\\nb"], { stdout: PIPE });
    const [out, err] = await p.communicate();
    expect(out).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(out as Uint8Array)).toBe("a\r\nb");
    expect(err).toBeNull();
  });

  test("text mode decodes UTF-8 and turns \\r\\n into \\n", async () => {
    const p = popen(["printf", "h\\303\\251\\r\\nx\\ry"], { stdout: PIPE, text: true });
    expect((await p.communicate())[0]).toBe("hé\nx\ny");
  });

  test("encoding turns on text mode with that decoder", async () => {
    const p = popen(["printf", "caf\\351"], { stdout: PIPE, encoding: "latin1" });
    expect(p.textMode).toBe(true);
    expect((await p.communicate())[0]).toBe("café");
    expect(() => new Popen(["true"], { stdout: PIPE, encoding: "no-such-encoding" })).toThrow(RangeError);
  });

  test("communicate sends input and closes stdin", async () => {
    const p = popen(["cat"], { stdin: PIPE, stdout: PIPE, text: true });
    expect((await p.communicate({ input: "hello\nworld\n" }))[0]).toBe("hello\nworld\n");
    const q = popen(["wc", "-c"], { stdin: PIPE, stdout: PIPE, text: true });
    expect(((await q.communicate()) as [string, null])[0].trim()).toBe("0");
  });

  test("communicate reads big stdout and stderr concurrently: no deadlock", async () => {
    const p = popen(["sh", "-c", "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2"], {
      stdout: PIPE,
      stderr: PIPE,
    });
    const [out, err] = await p.communicate();
    expect((out as Uint8Array).length).toBe(3_000_000);
    expect((err as Uint8Array).length).toBe(3_000_000);
  });

  test("large input while the child writes large output", async () => {
    const input = "x".repeat(2_000_000);
    const p = popen(["cat"], { stdin: PIPE, stdout: PIPE, text: true });
    const [out] = await p.communicate({ input });
    expect((out as string).length).toBe(2_000_000);
  });

  test("communicate timeout: the child lives on, a later call returns all output", async () => {
    const p = popen(["sh", "-c", "echo first; sleep 0.4; echo second"], { stdout: PIPE, text: true });
    const err = await p.communicate({ timeout: 150 }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(err).toBeInstanceOf(SubprocessError);
    expect(err.stdout).toBe("first\n");
    expect(err.timeout).toBe(150);
    expect(p.poll()).toBeNull();
    expect(await p.communicate()).toEqual(["first\nsecond\n", null]);
    expect(p.returncode).toBe(0);
  });

  test("wait with timeout throws TimeoutExpired and leaves the child running", async () => {
    const p = popen(["sleep", "5"]);
    await expect(p.wait(50)).rejects.toBeInstanceOf(TimeoutExpired);
    expect(p.poll()).toBeNull();
    p.terminate();
    expect(await p.wait()).toBe(-15);
    expect(p.returncode).toBe(-15);
  });

  test("kill gives -9, sendSignal takes names and numbers", async () => {
    const p = popen(["sleep", "5"]);
    p.kill();
    expect(await p.wait()).toBe(-9);
    const q = popen(["sleep", "5"]);
    q.sendSignal("SIGINT");
    expect(await q.wait()).toBe(-2);
    const r = popen(["sleep", "5"]);
    r.sendSignal(15);
    expect(await r.wait()).toBe(-15);
    r.kill(); // harmless after exit
  });

  test("stderr: STDOUT merges in order", async () => {
    const p = popen(["sh", "-c", "echo 1; echo 2 >&2; echo 3"], { stdout: PIPE, stderr: STDOUT, text: true });
    expect(await p.communicate()).toEqual(["1\n2\n3\n", null]);
  });

  test("stdout to a file with stderr: STDOUT keeps both in one file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conc-sp-"));
    try {
      const log = join(dir, "out.txt");
      const p = popen(["sh", "-c", "echo a; echo b >&2; echo c"], { stdout: Bun.file(log), stderr: STDOUT });
      expect(await p.wait()).toBe(0);
      expect(readFileSync(log, "utf8")).toBe("a\nb\nc\n");
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("DEVNULL discards", async () => {
    const p = popen(["sh", "-c", "echo hidden; cat"], { stdin: DEVNULL, stdout: DEVNULL });
    expect(await p.communicate()).toEqual([null, null]);
    expect(p.returncode).toBe(0);
  });

  test("pipeline: stdin from another process's stdout (ls | grep py)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conc-sp-"));
    try {
      for (const f of ["a.py", "b.txt", "c.py"]) await Bun.write(join(dir, f), "");
      const p1 = popen(["ls"], { cwd: dir, stdout: PIPE });
      const p2 = popen(["grep", "py"], { stdin: p1.stdout, stdout: PIPE, text: true });
      expect(p1.stdout?.closed).toBe(true); // the parent's copy is released
      expect((await p2.communicate())[0]).toBe("a.py\nc.py\n");
      expect(await p1.wait()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test("stdout iterates lines with their newline in text mode, chunks in bytes mode", async () => {
    const p = popen(["printf", "l1\\nl2\\r\\nl3"], { stdout: PIPE, text: true });
    const lines: unknown[] = [];
    for await (const l of p.stdout ?? []) lines.push(l);
    expect(lines).toEqual(["l1\n", "l2\n", "l3"]);
    const q = popen(["printf", "abc"], { stdout: PIPE });
    const chunks: Uint8Array[] = [];
    for await (const c of q.stdout ?? []) chunks.push(c as Uint8Array);
    expect(Buffer.concat(chunks).toString()).toBe("abc");
    const r = popen(["printf", "xyz"], { stdout: PIPE });
    expect(await r.stdout?.text()).toBe("xyz");
  });

  test("stdin write/end by hand", async () => {
    const p = popen(["cat"], { stdin: PIPE, stdout: PIPE, text: true });
    await p.stdin?.write("a");
    await p.stdin?.write(new TextEncoder().encode("b"));
    await p.stdin?.end();
    expect(await p.stdout?.text()).toBe("ab");
    await expect(p.stdin?.write("c")).rejects.toBeInstanceOf(TypeError);
  });

  test("env replaces the environment; without it run-time changes are inherited", async () => {
    const p = popen(["/usr/bin/env"], { env: { ONLY: "1" }, stdout: PIPE, text: true });
    expect((await p.communicate())[0]).toBe("ONLY=1\n");
    process.env.CONC_RUNTIME_VAR = "set-later";
    try {
      expect(await checkOutput(["sh", "-c", "echo $CONC_RUNTIME_VAR"], { text: true })).toBe("set-later\n");
    } finally {
      delete process.env.CONC_RUNTIME_VAR;
    }
  });

  test("cwd, shell and executable", async () => {
    expect(await checkOutput(["pwd"], { cwd: "/tmp", text: true })).toBe("/tmp\n");
    expect(await checkOutput("echo $((1+2))", { shell: true, text: true })).toBe("3\n");
    expect(await checkOutput(["fake-name", "-c", "echo $0"], { executable: "/bin/sh", text: true })).toBe(
      "fake-name\n",
    );
  });

  test("a missing executable and a missing cwd give distinct errors naming the right path", () => {
    try {
      new Popen(["definitely-not-a-program-xyz"]);
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(ExecutableNotFoundError);
      expect((e as ExecutableNotFoundError).path).toBe("definitely-not-a-program-xyz");
    }
    try {
      new Popen(["ls"], { cwd: "/no/such/dir" });
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(CwdNotFoundError);
      expect((e as CwdNotFoundError).path).toBe("/no/such/dir");
      expect(String(e)).not.toContain("'ls'");
    }
  });

  test("bad arguments throw before spawning", async () => {
    expect(() => new Popen([])).toThrow(TypeError);
    expect(() => new Popen(["ls"], { stdout: STDOUT })).toThrow(TypeError);
    expect(() => new Popen(["ls"], { stdout: -7 as number })).toThrow(TypeError);
    const p = popen(["true"]);
    await expect(p.communicate({ input: "x" })).rejects.toBeInstanceOf(TypeError);
    await expect(p.wait(Number.NaN)).rejects.toBeInstanceOf(TypeError);
  });

  test("await using kills and reaps", async () => {
    let pid = 0;
    {
      await using p = new Popen(["sleep", "30"]);
      pid = p.pid;
      expect(alive(pid)).toBe(true);
    }
    expect(alive(pid)).toBe(false);
  });
});

describe("run and friends", () => {
  test("run captures output and returns CompletedProcess", async () => {
    const r = await run(["sh", "-c", "echo o; echo e >&2; exit 4"], { captureOutput: true, text: true });
    expect(r).toBeInstanceOf(CompletedProcess);
    expect(r.returncode).toBe(4);
    expect(r.stdout).toBe("o\n");
    expect(r.stderr).toBe("e\n");
    expect(() => r.checkReturncode()).toThrow(CalledProcessError);
    const ok = await run(["true"]);
    expect(ok.stdout).toBeNull();
    ok.checkReturncode();
  });

  test("check raises CalledProcessError with a Python-like message and the output", async () => {
    const err = await run(["sh", "-c", "echo out; exit 1"], {
      check: true,
      captureOutput: true,
      text: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(CalledProcessError);
    expect(err.returncode).toBe(1);
    expect(err.cmd).toEqual(["sh", "-c", "echo out; exit 1"]);
    expect(err.stdout).toBe("out\n");
    expect(err.output).toBe("out\n");
    expect(err.message).toBe(`Command ["sh","-c","echo out; exit 1"] returned non-zero exit status 1.`);
  });

  test("input feeds stdin", async () => {
    expect((await run(["cat"], { input: "fed", captureOutput: true, text: true })).stdout).toBe("fed");
  });

  test("bad option combinations throw before spawning", async () => {
    await expect(run(["cat"], { input: "x", stdin: PIPE })).rejects.toBeInstanceOf(TypeError);
    await expect(run(["cat"], { captureOutput: true, stdout: PIPE })).rejects.toBeInstanceOf(TypeError);
    expect(() => runSync(["cat"], { captureOutput: true, stderr: PIPE })).toThrow(TypeError);
  });

  test("timeout kills the child and keeps partial output", async () => {
    const start = performance.now();
    const err = await run(["sh", "-c", "echo partial; exec sleep 10"], {
      timeout: 200,
      captureOutput: true,
      text: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(err.stdout).toBe("partial\n");
    expect(performance.now() - start).toBeLessThan(3000);
  });

  test("timeout returns promptly even when a grandchild keeps the pipe open", async () => {
    const start = performance.now();
    const err = await run(["sh", "-c", "sleep 30 & echo $!; wait"], {
      timeout: 200,
      stdout: PIPE,
      text: true,
    }).catch((e) => e);
    expect(performance.now() - start).toBeLessThan(3000);
    expect(err).toBeInstanceOf(TimeoutExpired);
    const grandchild = Number((err.stdout as string).trim());
    expect(grandchild).toBeGreaterThan(0);
    process.kill(grandchild, "SIGKILL"); // not in a session of its own: the test cleans it up
  });

  test("timeout with startNewSession kills the whole group", async () => {
    const err = await run(["sh", "-c", "sleep 30 & echo $!; wait"], {
      timeout: 300,
      stdout: PIPE,
      text: true,
      startNewSession: true,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    const grandchild = Number((err.stdout as string).trim());
    expect(grandchild).toBeGreaterThan(0);
    await Bun.sleep(50);
    expect(alive(grandchild)).toBe(false);
  });

  test("a parent killed by SIGKILL does not leave a timed session behind", async () => {
    const script = new URL("./fixtures/parent-dies.ts", import.meta.url).pathname;
    const parent = Bun.spawn([process.execPath, script], { stdout: "pipe" });
    const reader = parent.stdout.getReader();
    let text = "";
    while (!text.includes("\n")) {
      const r = await reader.read();
      if (r.done) break;
      text += new TextDecoder().decode(r.value);
    }
    const grandchild = Number(text.trim());
    expect(alive(grandchild)).toBe(true);
    parent.kill("SIGKILL");
    await parent.exited;
    const went = await gone(grandchild);
    if (!went) killPid(grandchild); // a failure must not leave it running either
    expect(went).toBe(true);
  }, 15_000);

  test("call, checkCall, checkOutput", async () => {
    expect(await call(["sh", "-c", "exit 5"])).toBe(5);
    expect(await checkCall(["true"])).toBe(0);
    await expect(checkCall(["false"])).rejects.toBeInstanceOf(CalledProcessError);
    expect(await checkOutput(["echo", "hi"], { text: true })).toBe("hi\n");
    const bytes = await checkOutput(["echo", "hi"]);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const err = await checkOutput(["sh", "-c", "echo partial; exit 2"], { text: true }).catch((e) => e);
    expect(err.returncode).toBe(2);
    expect(err.output).toBe("partial\n");
  });

  test("getoutput and getstatusoutput merge stderr and strip the last newline", async () => {
    expect(await getoutput("echo a; echo b >&2")).toBe("a\nb");
    expect(await getstatusoutput("echo x; exit 3")).toEqual([3, "x"]);
  });

  test("a signal-killed checked command reports -N", async () => {
    const err = await run(["sh", "-c", "kill -9 $$"], { check: true }).catch((e) => e);
    expect(err).toBeInstanceOf(CalledProcessError);
    expect(err.returncode).toBe(-9);
    expect(err.message).toContain("died with <Signals.SIGKILL: 9>.");
  });
});

describe("sync twins", () => {
  test("runSync, callSync, checkCallSync, checkOutputSync", () => {
    const r = runSync(["sh", "-c", "echo o; echo e >&2; exit 2"], { captureOutput: true, text: true });
    expect([r.returncode, r.stdout, r.stderr]).toEqual([2, "o\n", "e\n"]);
    expect(callSync(["sh", "-c", "exit 7"])).toBe(7);
    expect(checkCallSync(["true"])).toBe(0);
    expect(() => checkCallSync(["false"])).toThrow(CalledProcessError);
    expect(checkOutputSync(["echo", "s"], { text: true })).toBe("s\n");
    expect(runSync(["cat"], { input: "in", captureOutput: true, text: true }).stdout).toBe("in");
  });

  test("runSync merges stderr into stdout through a file, in order", () => {
    const r = runSync(["sh", "-c", "echo 1; echo 2 >&2; echo 3"], {
      stdout: PIPE,
      stderr: STDOUT,
      text: true,
    });
    expect(r.stdout).toBe("1\n2\n3\n");
  });

  test("runSync timeout throws TimeoutExpired", () => {
    expect(() => runSync(["sleep", "5"], { timeout: 100 })).toThrow(TimeoutExpired);
  });

  test("runSync missing executable and cwd", () => {
    expect(() => runSync(["no-such-program-xyz"])).toThrow(ExecutableNotFoundError);
    expect(() => runSync(["ls"], { cwd: "/no/such/dir" })).toThrow(CwdNotFoundError);
  });
});
