/** Text-mode decoding errors as in Python (test_communicate_errors): "strict" by default, or "replace". */
import { describe, expect, test } from "bun:test";
import {
  checkOutput,
  checkOutputSync,
  PIPE,
  Popen,
  run,
  runSync,
  TimeoutExpired,
  UnicodeDecodeError,
} from "@conc/subprocess";
import { marker, popen } from "./helpers/processes.ts";

const BAD = ["printf", "[\\200\\200]"];

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describe("errors: 'strict' (the default)", () => {
  test("invalid UTF-8 in text mode is a UnicodeDecodeError, async and sync", async () => {
    const a = await checkOutput(BAD, { text: true }).catch((e) => e);
    expect(a).toBeInstanceOf(UnicodeDecodeError);
    expect(a.encoding).toBe("utf-8");
    expect(a.message).toContain('errors: "replace"');
    expect(thrown(() => checkOutputSync(BAD, { text: true }))).toBeInstanceOf(UnicodeDecodeError);
    expect(thrown(() => runSync(BAD, { captureOutput: true, text: true }))).toBeInstanceOf(
      UnicodeDecodeError,
    );
    const p = popen(BAD, { stdout: PIPE, text: true });
    await expect(p.communicate()).rejects.toBeInstanceOf(UnicodeDecodeError);
    const q = popen(["printf", "ok\\n\\200\\n"], { stdout: PIPE, text: true });
    const lines: unknown[] = [];
    const err = await (async () => {
      for await (const l of q.stdout ?? []) lines.push(l);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(UnicodeDecodeError);
  });

  test("bytes mode never decodes", async () => {
    expect(Array.from((await checkOutput(BAD)) as Uint8Array)).toEqual([91, 128, 128, 93]);
    expect(Array.from(checkOutputSync(BAD) as Uint8Array)).toEqual([91, 128, 128, 93]);
  });

  test("the partial output of a timed-out run decodes leniently (it may end mid-character)", async () => {
    const cmd = ["sh", "-c", "printf 'caf\\303'; exec sleep 30"];
    const a = await run(cmd, { timeout: 300, captureOutput: true, text: true }).catch((e) => e);
    expect(a).toBeInstanceOf(TimeoutExpired);
    expect(a.stdout).toBe("caf\uFFFD");
    const s = thrown(() => runSync(cmd, { timeout: 300, captureOutput: true, text: true }));
    expect(s).toBeInstanceOf(TimeoutExpired);
    expect((s as TimeoutExpired).stdout).toBe("caf\uFFFD");
  });
});

describe("errors: 'replace'", () => {
  test("bad bytes become U+FFFD everywhere, and errors alone turns on text mode", async () => {
    const want = "[\uFFFD\uFFFD]";
    expect(await checkOutput(BAD, { errors: "replace" })).toBe(want);
    expect(checkOutputSync(BAD, { errors: "replace" })).toBe(want);
    const p = popen(BAD, { stdout: PIPE, errors: "replace" });
    expect(p.textMode).toBe(true);
    expect(await p.communicate()).toEqual([want, null]);
    const q = popen(BAD, { stdout: PIPE, text: true, errors: "replace" });
    expect(await q.stdout?.text()).toBe(want);
  });

  test("an unsupported handler is refused before anything runs", async () => {
    const m = marker();
    for (const errors of ["ignore", "surrogateescape", 5]) {
      const opts = { errors } as never;
      expect(() => new Popen(m.touch, opts)).toThrow(/errors must be "strict" or "replace"/);
      await expect(run(m.touch, opts)).rejects.toThrow(TypeError);
      expect(() => runSync(m.touch, opts)).toThrow(TypeError);
    }
    expect(m.ran()).toBe(false);
  });
});
