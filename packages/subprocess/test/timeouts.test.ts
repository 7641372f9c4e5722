/**
 * DESIGN.md "Units" for every subprocess API: ms, fractions fine, `<= 0` expires at once (after one
 * check), huge values wait forever, anything else is a TypeError before a child starts.
 */
import { describe, expect, test } from "bun:test";
import { call, PIPE, run, runSync, TimeoutExpired } from "@conc/subprocess";
import { alive, marker, popen } from "./helpers/processes.ts";

// A child that would outlive the test's 5 s limit: a call that did not expire fails the test.
const LONG = ["sleep", "30"];

describe("timeout <= 0 expires at once, with TimeoutExpired", () => {
  for (const timeout of [0, -1, -0.5]) {
    test(`run and runSync, timeout ${timeout}`, async () => {
      const a = await run(LONG, { timeout }).catch((e) => e);
      expect(a).toBeInstanceOf(TimeoutExpired);
      expect(a.timeout).toBe(timeout);
      const s = (() => {
        try {
          return runSync(LONG, { timeout });
        } catch (e) {
          return e;
        }
      })();
      expect(s).toBeInstanceOf(TimeoutExpired);
      expect((s as TimeoutExpired).timeout).toBe(timeout);
      expect(await call(LONG, { timeout }).catch((e) => e)).toBeInstanceOf(TimeoutExpired);
    });
  }

  test("Popen.wait(0) and wait(-1) on a running child expire and leave it running", async () => {
    const p = popen(LONG);
    await expect(p.wait(0)).rejects.toBeInstanceOf(TimeoutExpired);
    await expect(p.wait(-1)).rejects.toBeInstanceOf(TimeoutExpired);
    expect(alive(p.pid)).toBe(true);
    expect(p.poll()).toBeNull();
  });

  test("wait(0) on a child that has ended returns its code (the one check)", async () => {
    const p = popen(["sh", "-c", "exit 3"]);
    expect(await p.wait()).toBe(3);
    expect(await p.wait(0)).toBe(3);
    expect(await p.wait(-5)).toBe(3);
  });

  test("communicate({ timeout: 0 }) expires; a later communicate() returns all output", async () => {
    const p = popen(["sh", "-c", "echo a; sleep 0.2; echo b"], { stdout: PIPE, text: true });
    await expect(p.communicate({ timeout: 0 })).rejects.toBeInstanceOf(TimeoutExpired);
    expect(await p.communicate()).toEqual(["a\nb\n", null]);
    // Everything has been read and reaped: one check is enough now.
    expect(await p.communicate({ timeout: 0 })).toEqual(["a\nb\n", null]);
  });
});

describe("fractions", () => {
  test("run and runSync take fractional ms (Bun.spawnSync alone would throw a TypeError)", async () => {
    const a = await run(LONG, { timeout: 50.5 }).catch((e) => e);
    expect(a).toBeInstanceOf(TimeoutExpired);
    expect(a.timeout).toBe(50.5);
    expect(() => runSync(LONG, { timeout: 0.1 })).toThrow(TimeoutExpired);
    expect(runSync(["true"], { timeout: 2000.5 }).returncode).toBe(0);
  });

  test("Popen.wait with a fraction", async () => {
    const p = popen(LONG);
    const err = await p.wait(0.0001).catch((e) => e);
    expect(err).toBeInstanceOf(TimeoutExpired);
    expect(err.message).toContain("0.0001");
  });
});

describe("huge timeouts mean forever (never a clamped or immediate TimeoutExpired, never a RangeError)", () => {
  for (const timeout of [2 ** 31, 1e10, 2 ** 53 + 2, 1e300, Number.POSITIVE_INFINITY]) {
    test(`timeout ${timeout}`, async () => {
      const cmd = ["sh", "-c", "sleep 0.05; echo done"];
      expect((await run(cmd, { timeout, captureOutput: true, text: true })).stdout).toBe("done\n");
      expect(runSync(cmd, { timeout, captureOutput: true, text: true }).stdout).toBe("done\n");
      const p = popen(["sleep", "0.05"]);
      expect(await p.wait(timeout)).toBe(0);
      const q = popen(cmd, { stdout: PIPE, text: true });
      expect(await q.communicate({ timeout })).toEqual(["done\n", null]);
    });
  }
});

describe("a timeout that is not a number is a TypeError before the child starts", () => {
  for (const timeout of [Number.NaN, "100", null, {}]) {
    test(`timeout ${String(timeout)}`, async () => {
      const m = marker();
      const opts = { timeout } as never;
      await expect(run(m.touch, opts)).rejects.toThrow(/timeout must be a number of milliseconds/);
      expect(() => runSync(m.touch, opts)).toThrow(/timeout must be a number of milliseconds/);
      expect(m.ran()).toBe(false);
      const p = popen(LONG, { stdout: PIPE });
      await expect(p.wait(timeout as never)).rejects.toBeInstanceOf(TypeError);
      await expect(p.communicate({ timeout: timeout as never })).rejects.toBeInstanceOf(TypeError);
      expect(p.poll()).toBeNull();
    });
  }
});
