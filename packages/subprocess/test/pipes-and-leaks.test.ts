/**
 * Pipes after the child is gone and descriptors after failures (test_communicate_epipe,
 * test_communicate_epipe_only_stdin, test_communicate_pipe_fd_leak, test_leaking_fds_on_error, test_repr).
 */
import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { inspect } from "node:util";
import { ExecutableNotFoundError, PIPE, Popen, run, runSync, STDOUT } from "@conc/subprocess";
import { popen } from "./helpers/processes.ts";

const BIG = "x".repeat(2 ** 21); // more than any pipe buffer
const openFds = () => readdirSync("/proc/self/fd").length;

describe("input to a child that does not read it (EPIPE is hidden, as in Python)", () => {
  test("run and runSync with input for `true`", async () => {
    expect((await run(["true"], { input: BIG, captureOutput: true })).returncode).toBe(0);
    expect(runSync(["true"], { input: BIG, captureOutput: true }).returncode).toBe(0);
  });

  test("communicate({ input }) after the child has exited", async () => {
    const p = popen(["true"], { stdin: PIPE, stdout: PIPE, stderr: PIPE });
    expect(await p.wait()).toBe(0);
    const [out, err] = await p.communicate({ input: BIG });
    expect([(out as Uint8Array).length, (err as Uint8Array).length]).toEqual([0, 0]);
  });
});

describe("descriptors", () => {
  test("communicate leaves stdin, stdout and stderr closed", async () => {
    const p = popen(["cat"], { stdin: PIPE, stdout: PIPE, stderr: PIPE, text: true });
    expect(await p.communicate({ input: "lime" })).toEqual(["lime", ""]);
    expect([p.stdin?.ended, p.stdout?.closed, p.stderr?.closed]).toEqual([true, true, true]);
  });

  test("failed spawns leak no descriptor, async and sync", () => {
    const before = openFds();
    for (let i = 0; i < 100; i++) {
      expect(() => new Popen(["no-such-program-xyz"], { stdin: PIPE, stdout: PIPE, stderr: PIPE })).toThrow(
        ExecutableNotFoundError,
      );
      expect(() => runSync(["no-such-program-xyz"], { stdout: PIPE, stderr: STDOUT })).toThrow(
        ExecutableNotFoundError,
      );
      // A refused stderr must release the stdout pipe opened before it.
      expect(() => new Popen(["true"], { stdout: PIPE, stderr: -7 as number })).toThrow(TypeError);
    }
    expect(openFds()).toBe(before);
  });
});

describe("repr (test_repr)", () => {
  test("shows returncode and args, cut at 80 characters", async () => {
    const p = popen(["sh", "-c", "exit 7"]);
    expect(String(p)).toBe(`<Popen: returncode: null args: ["sh","-c","exit 7"]>`);
    await p.wait();
    expect(inspect(p)).toBe(`<Popen: returncode: 7 args: ["sh","-c","exit 7"]>`);
    const q = popen(["true", "a".repeat(100)]);
    expect(String(q)).toBe(`<Popen: returncode: null args: ${JSON.stringify(q.args).slice(0, 76)}...>`);
  });
});
