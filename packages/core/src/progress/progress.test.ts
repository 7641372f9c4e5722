import { describe, expect, test } from "bun:test";
import { etaMs, formatDuration, formatProgress, formatRate } from "./format.ts";
import { ProgressBar, type ProgressStream } from "./progress-bar.ts";
import { withProgress } from "./with-progress.ts";

/** A stream that records writes and can render what a terminal would show. */
function fakeStream(isTTY: boolean, columns = 120) {
  const writes: string[] = [];
  const stream: ProgressStream & { writes: string[]; screen(): string } = {
    isTTY,
    columns,
    writes,
    write(text: string) {
      writes.push(text);
      return true;
    },
    /** The visible text: "\r\x1b[K" erases the current line. */
    screen() {
      let out = "";
      for (const w of writes) {
        for (const part of w.split("\r\x1b[K").map((p, i) => [p, i] as const)) {
          if (part[1] > 0) out = out.slice(0, out.lastIndexOf("\n") + 1);
          out += part[0];
        }
      }
      return out;
    },
  };
  return stream;
}

function fakeClock(start = 1000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe("progress formatting", () => {
  test.each([
    [0, "—/s"],
    [0.5, "0.50/s"],
    [12.34, "12/s"],
    [1234, "1.2k/s"],
    [45_000, "45k/s"],
    [2_500_000, "2.5M/s"],
  ])("rate %p -> %p", (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  test.each([
    [400, "0.4s"],
    [12_400, "12s"],
    [185_000, "3m05s"],
    [7_260_000, "2h01m"],
    [Number.NaN, "?"],
  ])("duration %p -> %p", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each([
    [
      { label: "sq", count: 42, total: 100, elapsedMs: 4200 },
      20,
      "sq 42/100 [########------------] 42% 10/s ETA 5.8s",
    ],
    [{ count: 42, total: 100, elapsedMs: 4200 }, 0, "42/100 42% 10/s ETA 5.8s"],
    [{ label: "x", count: 0, total: 10, elapsedMs: 0 }, 10, "x 0/10 [----------] 0% —/s ETA ?"],
    [{ label: "x", count: 10, total: 10, elapsedMs: 2000 }, 10, "x 10/10 [##########] 100% 5.00/s ETA 0.0s"],
    [{ label: "n", count: 7, elapsedMs: 3500 }, 20, "n 7 2.00/s 3.5s"],
  ])("line for %p", (snapshot, width, line) => {
    expect(formatProgress(snapshot, width)).toBe(line);
  });

  test("ETA needs a total and a rate", () => {
    expect(etaMs({ count: 5, elapsedMs: 1000 })).toBeUndefined();
    expect(etaMs({ count: 0, total: 5, elapsedMs: 1000 })).toBeUndefined();
    expect(etaMs({ count: 5, total: 10, elapsedMs: 1000 })).toBe(1000);
  });
});

describe("ProgressBar", () => {
  test("on a TTY it redraws one line in place, throttled, and leaves nothing when closed", () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 4, label: "job", stream, now: clock.now, redrawMs: 100 });
    expect(stream.screen()).toStartWith("job 0/4");
    bar.tick(); // within 100 ms: not redrawn
    expect(stream.writes.length).toBe(1);
    clock.advance(1000);
    bar.tick();
    expect(stream.screen()).toBe("job 2/4 [##########----------] 50% 2.00/s ETA 1.0s");
    expect(stream.screen()).not.toContain("\n");
    bar.update(4); // the end is always drawn
    expect(stream.screen()).toStartWith("job 4/4");
    bar.close();
    expect(stream.screen()).toBe("");
    bar.tick();
    bar.close();
    expect(stream.screen()).toBe("");
  });

  test("off a TTY it prints a plain line every interval and nothing at close", () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    const bar = new ProgressBar({ total: 100, label: "log", stream, now: clock.now, intervalMs: 3000 });
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      bar.tick(10);
    }
    bar.close();
    expect(stream.writes).toEqual([
      "log 30/100 30% 10/s ETA 7.0s\n",
      "log 60/100 60% 10/s ETA 4.0s\n",
      "log 90/100 90% 10/s ETA 1.0s\n",
      "log 100/100 100% 10/s ETA 0.0s\n",
    ]);
  });

  test("a nested bar takes the line over and gives it back", () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const outer = new ProgressBar({ total: 2, label: "outer", stream, now: clock.now });
    const inner = new ProgressBar({ total: 3, label: "inner", stream, now: clock.now });
    expect(stream.screen()).toStartWith("inner 0/3");
    clock.advance(500);
    outer.tick(); // hidden while inner draws
    expect(stream.screen()).toStartWith("inner 0/3");
    inner.close();
    expect(stream.screen()).toStartWith("outer 1/2");
    outer.close();
    expect(stream.screen()).toBe("");
  });

  test("a line never wraps a narrow terminal", () => {
    const stream = fakeStream(true, 30);
    const bar = new ProgressBar({ total: 1000, label: "a-rather-long-label", stream, now: fakeClock().now });
    for (const w of stream.writes) expect(w.replace("\r\x1b[K", "").length).toBeLessThan(30);
    bar.close();
  });

  test("a terminal that reports 0 columns still gets a visible line", () => {
    const stream = fakeStream(true, 0);
    const bar = new ProgressBar({ total: 2, label: "zero", stream, now: fakeClock().now });
    expect(stream.screen()).toStartWith("zero 0/2");
    bar.close();
  });

  test("a bad total is refused", () => {
    expect(() => new ProgressBar({ total: -1, stream: fakeStream(false) })).toThrow(TypeError);
    expect(() => new ProgressBar({ total: Number.NaN, stream: fakeStream(false) })).toThrow(TypeError);
  });
});

describe("withProgress", () => {
  test("yields the same items from a sync iterable, with the array length as total", () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    const seen: number[] = [];
    for (const x of withProgress([1, 2, 3], { label: "arr", stream, now: clock.now })) {
      clock.advance(200);
      seen.push(x);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(stream.writes.some((w) => w.includes("arr 3/3"))).toBe(true);
    expect(stream.screen()).toBe("");
  });

  test("yields the same items from an async iterable and erases the bar when the loop breaks", async () => {
    const stream = fakeStream(true);
    const clock = fakeClock();
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    for await (const x of withProgress(source(), { total: 10, stream, now: clock.now })) {
      clock.advance(150);
      seen.push(x);
      if (x === 4) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(closed).toBe(true);
    expect(stream.screen()).toBe("");
  });

  test("an error from the source passes through and the bar is erased", async () => {
    const stream = fakeStream(true);
    async function* failing() {
      yield 1;
      throw new RangeError("source broke");
    }
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const x of withProgress(failing(), { stream, now: fakeClock().now })) seen.push(x);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([1]);
    expect(error).toBeInstanceOf(RangeError);
    expect(stream.screen()).toBe("");
  });

  test("a Set or Map gives its size as total", () => {
    const stream = fakeStream(false);
    const clock = fakeClock();
    for (const _ of withProgress(new Set([1, 2]), { label: "set", stream, now: clock.now }))
      clock.advance(10);
    expect(stream.writes).toEqual(["set 2/2 100% 100/s ETA 0.0s\n"]);
  });

  test("refuses what is not iterable", () => {
    expect(() => withProgress(5 as never)).toThrow(TypeError);
    expect(() => withProgress({} as never)).toThrow(TypeError);
  });
});
