/** CalledProcessError's message in CPython's words (test_CalledProcessError_str_*), from real and made-up codes. */
import { describe, expect, test } from "bun:test";
import { CalledProcessError, checkCall, checkCallSync, run, runSync } from "@conc/subprocess";

const ABORT = ["sh", "-c", "kill -ABRT $$"];

describe("CalledProcessError wording", () => {
  test("a child killed by SIGABRT: 'died with <Signals.SIGABRT: 6>.', async and sync", async () => {
    const a = await run(ABORT, { check: true }).catch((e) => e);
    expect(a).toBeInstanceOf(CalledProcessError);
    expect(a.returncode).toBe(-6);
    expect(a.message).toBe(`Command ["sh","-c","kill -ABRT $$"] died with <Signals.SIGABRT: 6>.`);
    let s: unknown;
    try {
      runSync(ABORT, { check: true });
    } catch (e) {
      s = e;
    }
    expect(s).toBeInstanceOf(CalledProcessError);
    expect((s as CalledProcessError).message).toBe(a.message);
    expect(await checkCall(["sh", "-c", "kill -TERM $$"]).catch((e) => e.message)).toContain(
      "died with <Signals.SIGTERM: 15>.",
    );
    expect(() => checkCallSync(["sh", "-c", "kill -KILL $$"])).toThrow("died with <Signals.SIGKILL: 9>.");
  });

  test("names as Python's signal.Signals gives them: first alias, real-time ends, unknown numbers", () => {
    const said = (code: number) => new CalledProcessError(code, "fake cmd").message;
    const cases: [number, string][] = [
      [-6, "died with <Signals.SIGABRT: 6>."], // not SIGIOT
      [-29, "died with <Signals.SIGIO: 29>."], // not SIGPOLL
      [-17, "died with <Signals.SIGCHLD: 17>."],
      [-34, "died with <Signals.SIGRTMIN: 34>."],
      [-64, "died with <Signals.SIGRTMAX: 64>."],
      [-40, "died with unknown signal 40."],
      [-9876543, "died with unknown signal 9876543."],
      [2, "returned non-zero exit status 2."],
    ];
    for (const [code, tail] of cases) expect(said(code)).toBe(`Command fake cmd ${tail}`);
  });
});
