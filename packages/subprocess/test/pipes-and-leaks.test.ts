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

  test("failed spawns leak no descriptor, async and sync", async () => {
    const failures = () => {
      expect(() => new Popen(["no-such-program-xyz"], { stdin: PIPE, stdout: PIPE, stderr: PIPE })).toThrow(
        ExecutableNotFoundError,
      );
      expect(() => runSync(["no-such-program-xyz"], { stdout: PIPE, stderr: STDOUT })).toThrow(
        ExecutableNotFoundError,
      );
      // A refused stderr must release the stdout pipe opened before it.
      expect(() => new Popen(["true"], { stdout: PIPE, stderr: -7 as number })).toThrow(TypeError);
    };
    failures(); // anything opened once per process (not per spawn) is opened now
    await settled();
    const before = openFds();
    for (let i = 0; i < 100; i++) failures();
    await settled();
    // 100 rounds of three failures: a leak per failure is 100+ descriptors. Earlier tests' pipes
    // may still be closing in the background (CI once saw 12 before and 10 after), so the count
    // may fall; it must never rise.
    expect(openFds()).toBeLessThanOrEqual(before);
  });
});

/** Lets finalizers and pending closes of earlier tests run, so they do not count either way. */
async function settled(): Promise<void> {
  Bun.gc(true);
  await Bun.sleep(20);
}

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
